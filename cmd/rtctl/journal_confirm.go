package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
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
			var addrs []string
			for _, r := range recs {
				addrs = append(addrs, r.Address)
			}
			views.NewJournal(false, e.out()).Confirmed(addrs)
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	return cmd
}
