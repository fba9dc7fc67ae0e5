package main

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

func newSummaryCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "summary",
		Short: "Show the daily summaries of the last two weeks",
		Long: `Show the Daily Summary Feed: for each logged day of the previous two weeks
(today excluded), the productivity pulse and the hours at each productivity
level. CSV and JSON carry every category too.`,
		Args: cobra.NoArgs,
	}
	return readCommand(e, cmd, func(cmd *cobra.Command, c *rtapi.Client, _ []string) (listing, error) {
		days, err := c.DailySummaries(cmd.Context())
		if err != nil {
			return listing{}, err
		}
		l := listing{
			columns: []string{"date", "pulse", "total", "very_productive", "productive", "neutral", "distracting", "very_distracting"},
			json:    summaryJSON(days),
		}
		csvCols := []string{"date", "id", "productivity_pulse"}
		for _, a := range (&rtapi.DailySummary{}).SummaryCategories() {
			csvCols = append(csvCols, a.Name+"_hours")
			if a.Name != "total" { // the feed has no total percentage
				csvCols = append(csvCols, a.Name+"_percentage")
			}
		}
		l.csvColumns = csvCols
		for _, d := range days {
			h := func(a rtapi.SummaryAmount) string { return strconv.FormatFloat(a.Hours, 'f', 2, 64) + "h" }
			l.rows = append(l.rows, []string{
				tableDate(d.Date), strconv.FormatFloat(d.ProductivityPulse, 'f', -1, 64), h(d.Total),
				h(d.VeryProductive), h(d.Productive), h(d.Neutral), h(d.Distracting), h(d.VeryDistracting),
			})
			row := []string{tableDate(d.Date), strconv.FormatInt(d.ID, 10), strconv.FormatFloat(d.ProductivityPulse, 'f', -1, 64)}
			for _, a := range d.SummaryCategories() {
				row = append(row, strconv.FormatFloat(a.Hours, 'f', 2, 64))
				if a.Name != "total" {
					row = append(row, strconv.FormatFloat(a.Percentage, 'f', 1, 64))
				}
			}
			l.csvRows = append(l.csvRows, row)
		}
		return l, nil
	})
}

// summaryJSON is the feed as -o json prints it. The total carries no
// percentage: the feed sends none (it would be 100% of itself), so the
// typed value's zero would only mislead; the table and CSV leave it out too.
func summaryJSON(days []rtapi.DailySummary) []summaryDay {
	out := make([]summaryDay, len(days))
	for i, d := range days {
		out[i] = summaryDay(d)
	}
	return out
}

type summaryDay rtapi.DailySummary

// summaryAmount is an amount without the percentage, for the total.
type summaryAmount struct {
	Hours     float64 `json:"hours"`
	Formatted string  `json:"formatted"`
}

// MarshalJSON writes the fields in the feed's documented order, as
// rtapi.DailySummary would, except for the total's percentage.
func (d summaryDay) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	add := func(name string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(name)
		if err != nil {
			return err
		}
		val, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
		return nil
	}
	s := rtapi.DailySummary(d)
	fields := []struct {
		name string
		v    any
	}{{"id", s.ID}, {"date", s.Date}, {"productivity_pulse", s.ProductivityPulse}}
	for _, a := range s.SummaryCategories() {
		var v any = a.SummaryAmount
		if a.Name == "total" {
			v = summaryAmount{Hours: a.Hours, Formatted: a.Formatted}
		}
		fields = append(fields, struct {
			name string
			v    any
		}{a.Name, v})
	}
	for _, f := range fields {
		if err := add(f.name, f.v); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
