package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newForgetCmd(e *env) *cobra.Command {
	var (
		cf   configFlags
		acct accountFlags
		opts workspace.ForgetOptions
	)
	cmd := &cobra.Command{
		Use:   "forget ADDRESS... | --orphaned",
		Short: "Stop showing items rtctl posted: after you removed them in the web app",
		Long: `The API cannot delete, so an item rtctl posted and that is no longer declared
stays in every plan as orphaned, until you remove it in the RescueTime web app
and tell rtctl so: forget takes it out of rtctl's care. Name items by address
(highlight.ship), resource (offline_time.meetings) or pattern (highlight.*),
or give --orphaned for every orphan of the plan.

Nothing is posted, and the journal keeps the history: rtctl journal lists a
forgotten item as such. If it is declared again, the next plan plans it
afresh, and says so. Use -chdir=DIR for a configuration elsewhere.`,
		Example: `  rtctl forget highlight.ship
  rtctl forget 'offline_time.meetings["standup*"]'
  rtctl forget --orphaned`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Addresses = args
			ws, err := openWorkspace(e, ".", &cf, &acct)
			if err != nil {
				return err
			}
			forgotten, err := ws.Forget(cmd.Context(), opts)
			if err != nil {
				return err
			}
			var addrs []string
			for _, r := range forgotten {
				addrs = append(addrs, r.Address)
			}
			views.NewJournal(false, e.out()).Forgot(addrs)
			return nil
		},
	}
	addVarFlags(cmd, &cf.vars, &cf.varFiles)
	cmd.Flags().StringVar(&cf.journal, "journal", "", "journal file (default RTCTL_JOURNAL, else the account's journal in .rtctl)")
	acct.register(cmd)
	cmd.Flags().BoolVar(&opts.Orphaned, "orphaned", false, "forget every item the plan shows as orphaned")
	return cmd
}
