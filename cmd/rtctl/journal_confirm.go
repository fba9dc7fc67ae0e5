package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/termsafe"
)

func newJournalConfirmCmd(e *env) *cobra.Command {
	var jf journalFlags
	cmd := &cobra.Command{
		Use:   "confirm ADDRESS...",
		Short: "Record that uncertain items are in the account, after checking the web app",
		Long: `An item whose POST got no clear answer is uncertain until a feed that shows
rtctl's posts settles it. When you found it in the RescueTime web app, run
this: it is then applied for good, and never sent again. (If it is not
there, run rtctl apply --retry-uncertain --target ADDRESS instead.)
Use -chdir=DIR for a configuration elsewhere.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := jf.open(e, nil)
			if err != nil {
				return err
			}
			recs, err := ws.Confirm(cmd.Context(), args)
			if err != nil {
				return err
			}
			var names []string
			for _, r := range recs {
				// The address is the journal's, a file committed with the configuration.
				names = append(names, termsafe.Escape(r.Address))
			}
			fmt.Fprintf(e.stdout, "Recorded %s as in the account: %s.\n", plural(len(recs), "item", "items"), strings.Join(names, ", "))
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	return cmd
}
