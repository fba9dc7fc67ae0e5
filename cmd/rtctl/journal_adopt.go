package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newJournalAdoptCmd(e *env) *cobra.Command {
	var (
		jf      journalFlags
		present bool
	)
	cmd := &cobra.Command{
		Use:   "adopt [ADDRESS...]",
		Short: "Record declared items you found in the account, which the journal has no record of",
		Long: `Adopt records declared items as in the account although rtctl's journal has
no record of posting them: they were posted by a journal that was lost, by
another machine, by hand, or the offline report shows them under a name of
its own (a conflict no run can settle). They are never sent again.

Name them by address (a pattern such as highlight.* works), or give
--present for every declared item the feeds show. Use -chdir=DIR for a
configuration elsewhere.`,
		Example: `  rtctl journal adopt offline_time.standup
  rtctl journal adopt --present`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := jf.open(e, nil)
			if err != nil {
				return err
			}
			adopted, err := ws.Adopt(cmd.Context(), workspace.AdoptOptions{Addresses: args, Present: present})
			if err != nil {
				return err
			}
			var addrs []string
			for _, a := range adopted {
				addrs = append(addrs, a.Address)
			}
			views.NewJournal(false, e.out()).Adopted(addrs)
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	cmd.Flags().BoolVar(&present, "present", false, "adopt every declared item the feeds show that the journal has no record of")
	return cmd
}
