package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/reads"
)

func newHighlightsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "highlights",
		Short: "List recently entered daily highlights",
		Long: `List the account's recently entered daily highlights (the Highlights Feed).
Highlights are a Premium feature: Lite accounts get an empty list.`,
		Args: cobra.NoArgs,
	}
	return readCommand(e, cmd, func(cmd *cobra.Command, r *reads.Reader, _ []string) (views.Listing, error) {
		hs, err := r.Highlights(cmd.Context())
		if err != nil {
			return views.Listing{}, err
		}
		return views.HighlightsListing(hs), nil
	})
}
