package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/rtapi"
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
		// No source column: the feed does not send one, so it would always
		// be empty. JSON has the field only when the server sent it.
		l := listing{columns: []string{"date", "description", "created_at", "id"}, json: hs}
		for _, h := range hs {
			id := strconv.FormatInt(h.ID, 10)
			l.rows = append(l.rows, []string{tableDate(h.Date), h.Description, tableTime(h.CreatedAt), id})
			l.csvRows = append(l.csvRows, []string{tableDate(h.Date), h.Description, csvTime(h.CreatedAt), id})
		}
		return l, nil
	})
}
