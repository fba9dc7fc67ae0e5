package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/reads"
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
	return readCommand(e, cmd, func(cmd *cobra.Command, r *reads.Reader, _ []string) (views.Listing, error) {
		days, err := r.Summaries(cmd.Context())
		if err != nil {
			return views.Listing{}, err
		}
		return views.SummaryListing(days), nil
	})
}
