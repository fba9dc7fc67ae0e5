package views

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Output formats of the read commands.
const (
	OutputTable = "table"
	OutputCSV   = "csv"
	OutputJSON  = "json"
)

// CheckOutput refuses an unknown output format.
func CheckOutput(format string) error {
	switch format {
	case OutputTable, OutputCSV, OutputJSON:
		return nil
	}
	return fmt.Errorf("invalid --output %q: want table, csv or json", format)
}

// Listing is what a read command prints: columns named in snake_case for
// CSV (upper-cased with spaces for the table), rows of cells, and the typed
// value for JSON.
type Listing struct {
	Columns []string
	Rows    [][]string
	// CSVRows, when set, replace rows in CSV output (machine-friendly
	// values where the table shows human ones).
	CSVRows [][]string
	// CSVColumns, when set, replace columns in CSV output.
	CSVColumns []string
	JSON       any
	// Empty is the sentence a table shows instead of a bare header when
	// there are no rows. CSV keeps its header and JSON its empty list:
	// programs read them.
	Empty string
}

// Write renders l in format: table (the default), csv or json.
func (l Listing) Write(w io.Writer, format string) error {
	switch format {
	case OutputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(l.JSON)
	case OutputCSV:
		cw := csv.NewWriter(w)
		cols := l.Columns
		if l.CSVColumns != nil {
			cols = l.CSVColumns
		}
		cw.Write(cols)
		rows := l.Rows
		if l.CSVRows != nil {
			rows = l.CSVRows
		}
		cw.WriteAll(rows)
		return cw.Error()
	default:
		if len(l.Rows) == 0 && l.Empty != "" {
			_, err := fmt.Fprintln(w, l.Empty)
			return err
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		heads := make([]string, len(l.Columns))
		for i, c := range l.Columns {
			heads[i] = strings.ToUpper(strings.ReplaceAll(c, "_", " "))
		}
		fmt.Fprintln(tw, strings.Join(heads, "\t"))
		for _, r := range l.Rows {
			cells := make([]string, len(r))
			for i, c := range r {
				// A tab or newline in a description would break the columns.
				cells[i] = strings.Join(strings.Fields(c), " ")
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		return tw.Flush()
	}
}

// Time renderings: the table shows the account's local wall clock; CSV
// and JSON carry RFC 3339 with the offset.
func TableTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04")
}

func TableDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func CSVTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// hoursMinutes renders a duration as "3h05m", "12m" or "45s".
func HoursMinutes(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}
