package main

import (
	"strconv"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/spf13/cobra"
)

func newHighlightsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "highlights",
		Short: "List recently entered daily highlights",
		Long: `List the account's recently entered daily highlights (the Highlights Feed).
Highlights are a Premium feature: Lite accounts get an empty list.`,
		Args: cobra.NoArgs,
	}
	return readCommand(e, cmd, func(cmd *cobra.Command, c *rtapi.Client, _ []string) (listing, error) {
		hs, err := c.Highlights(cmd.Context())
		if err != nil {
			return listing{}, err
		}
		l := listing{columns: []string{"date", "description", "source", "created_at", "id"}, json: hs}
		for _, h := range hs {
			id := strconv.FormatInt(h.ID, 10)
			l.rows = append(l.rows, []string{tableDate(h.Date), h.Description, h.Source, tableTime(h.CreatedAt), id})
			l.csvRows = append(l.csvRows, []string{tableDate(h.Date), h.Description, h.Source, csvTime(h.CreatedAt), id})
		}
		return l, nil
	})
}
