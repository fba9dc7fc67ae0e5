package views

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rtctl/rtctl/internal/termsafe"
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
		enc := json.NewEncoder(termsafe.JSONWriter(w))
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(l.JSON)
	case OutputCSV:
		cw := csv.NewWriter(w)
		cols := l.Columns
		if l.CSVColumns != nil {
			cols = l.CSVColumns
		}
		cw.Write(csvCells(cols))
		rows := l.Rows
		if l.CSVRows != nil {
			rows = l.CSVRows
		}
		for _, r := range rows {
			cw.Write(csvCells(r))
		}
		cw.Flush()
		return cw.Error()
	default:
		if len(l.Rows) == 0 && l.Empty != "" {
			_, err := fmt.Fprintln(w, l.Empty)
			return err
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		heads := make([]string, len(l.Columns))
		for i, c := range l.Columns {
			heads[i] = termsafe.Escape(strings.ToUpper(strings.ReplaceAll(c, "_", " ")))
		}
		fmt.Fprintln(tw, strings.Join(heads, "\t"))
		for _, r := range l.Rows {
			cells := make([]string, len(r))
			for i, c := range r {
				// A tab or newline in a description would break the
				// columns: white space becomes one space, and what is
				// left that a terminal would act on is escaped.
				cells[i] = termsafe.Escape(strings.Join(strings.Fields(c), " "))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		return tw.Flush()
	}
}

// csvCells prepares a CSV row: the text is escaped as in the table (a CSV
// file is shown in terminals too, and a carriage return or a bidi override
// hides or reorders what a reader sees), and a cell that a spreadsheet
// would run as a formula gets a leading apostrophe, which spreadsheets show
// as text. Numbers, negative ones included, are left alone; -o json keeps
// every value exact.
func csvCells(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		c = termsafe.Escape(c)
		if c != "" && strings.ContainsRune("=+-@", rune(c[0])) && !isNumber(c) {
			c = "'" + c
		}
		out[i] = c
	}
	return out
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
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
