package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// Output formats of the read commands.
const (
	outputTable = "table"
	outputCSV   = "csv"
	outputJSON  = "json"
)

// addOutputFlag registers --output/-o on a read command.
func addOutputFlag(cmd *cobra.Command) *string {
	var out string
	cmd.Flags().StringVarP(&out, "output", "o", outputTable, "output format: table, csv or json")
	return &out
}

func checkOutput(format string) error {
	switch format {
	case outputTable, outputCSV, outputJSON:
		return nil
	}
	return fmt.Errorf("invalid --output %q: want table, csv or json", format)
}

// listing is what a read command prints: columns named in snake_case for
// CSV (upper-cased with spaces for the table), rows of cells, and the typed
// value for JSON.
type listing struct {
	columns []string
	rows    [][]string
	// csvRows, when set, replace rows in CSV output (machine-friendly
	// values where the table shows human ones).
	csvRows [][]string
	// csvColumns, when set, replace columns in CSV output.
	csvColumns []string
	json       any
}

func (l listing) write(w io.Writer, format string) error {
	switch format {
	case outputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(l.json)
	case outputCSV:
		cw := csv.NewWriter(w)
		cols := l.columns
		if l.csvColumns != nil {
			cols = l.csvColumns
		}
		cw.Write(cols)
		rows := l.rows
		if l.csvRows != nil {
			rows = l.csvRows
		}
		cw.WriteAll(rows)
		return cw.Error()
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		heads := make([]string, len(l.columns))
		for i, c := range l.columns {
			heads[i] = strings.ToUpper(strings.ReplaceAll(c, "_", " "))
		}
		fmt.Fprintln(tw, strings.Join(heads, "\t"))
		for _, r := range l.rows {
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
func tableTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04")
}

func tableDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// hoursMinutes renders a duration as "3h05m", "12m" or "45s".
func hoursMinutes(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}

// fetchFunc reads from the API and returns what to print.
type fetchFunc func(cmd *cobra.Command, c *rtapi.Client, args []string) (listing, error)

// readCommand completes cmd as a read command: connection flags, --output,
// and a RunE that builds the client, fetches and prints.
func readCommand(e *env, cmd *cobra.Command, fetch fetchFunc) *cobra.Command {
	var (
		acct accountFlags
		dir  string
	)
	acct.register(cmd)
	acct.registerTimezone(cmd)
	out := addOutputFlag(cmd)
	cmd.Flags().StringVar(&dir, "dir", ".", "with --sandbox, the configuration directory whose sandbox to read")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := checkOutput(*out); err != nil {
			return err
		}
		if !acct.sandbox && cmd.Flags().Changed("dir") {
			return errors.New("--dir says where a sandbox lives; it needs --sandbox")
		}
		ws, err := openWorkspace(e, dir, nil, &acct)
		if err != nil {
			return err
		}
		c, err := ws.Client(cmd.Context(), nil)
		if err != nil {
			return err
		}
		if ws.ReadsInLocalZone() && c.Location() == time.Local {
			// The API's dates carry no offset: they are read in the
			// account's zone, which only the person knows.
			zone, _ := time.Now().Zone()
			fmt.Fprintf(e.stderr, "Note: times are read in this machine's zone (%s); pass --timezone or set RTCTL_TIMEZONE to your account's zone if it differs.\n", zone)
		}
		l, err := fetch(cmd, c, args)
		if err != nil {
			return err
		}
		return l.write(e.stdout, *out)
	}
	return cmd
}
