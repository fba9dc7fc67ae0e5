package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newJournalRepairCmd(e *env) *cobra.Command {
	var jf journalFlags
	cmd := &cobra.Command{
		Use:   "repair [DIR]",
		Short: "Set damaged journal lines aside, keeping the items they name uncertain",
		Long: `Repair rewrites a damaged journal without the lines it cannot read, which
it keeps in a file beside it (journal.jsonl.damaged-TIME). An item a damaged
line still names is recorded as sent without a known outcome: rtctl does not
post it again unless the feeds settle it or you run apply --retry-uncertain.
A damaged line that names no item may have been the record of a POST that
only the account can now show: check the web app before the next apply.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := jf.open(e, args)
			if err != nil {
				return err
			}
			path, _, err := ws.ReadJournal()
			var de *workspace.DamagedJournalError
			if err != nil && !errors.As(err, &de) {
				return err
			}
			rep, err := ws.RepairJournal(cmd.Context(), path)
			if err != nil {
				return err
			}
			views.NewJournal(false, e.out()).Repaired(path, rep)
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	return cmd
}
