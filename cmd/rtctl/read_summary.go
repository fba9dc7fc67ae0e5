package main

import (
	"strconv"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/spf13/cobra"
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
			json:    days,
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
