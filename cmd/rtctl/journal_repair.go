package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/journal"
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
			var de *journal.DamagedError
			if err != nil && !errors.As(err, &de) {
				return err
			}
			rep, err := ws.RepairJournal(cmd.Context(), path)
			if err != nil {
				return err
			}
			if len(rep.Damaged) == 0 && !rep.TornRemoved {
				fmt.Fprintf(e.stdout, "%s is intact: nothing to repair.\n", path)
				return nil
			}
			fmt.Fprintf(e.stdout, "Repaired %s: kept %s", path, plural(rep.Kept, "line", "lines"))
			if len(rep.Damaged) > 0 {
				fmt.Fprintf(e.stdout, ", set %s aside in %s", plural(len(rep.Damaged), "damaged line", "damaged lines"), rep.SetAside)
			}
			fmt.Fprintln(e.stdout, ".")
			if len(rep.Salvaged) > 0 {
				fmt.Fprintf(e.stdout, "%s the damaged lines name now uncertain: the next plan says what to check.\n", plural(len(rep.Salvaged), "item", "items"))
			}
			if len(rep.Unreadable) > 0 {
				fmt.Fprintf(e.stdout, "%s %s named no item: if one recorded a POST, only the account shows it now. Check the web app for items rtctl posted around then before the next apply.\n", lineWord(len(rep.Unreadable)), lineList(rep.Unreadable))
			}
			if rep.BindingLost {
				fmt.Fprintln(e.stdout, "The journal's account binding was damaged: the next apply binds it to the account it uses.")
			}
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	return cmd
}

// lineWord is "Line" or "Lines", as many as n.
func lineWord(n int) string {
	if n == 1 {
		return "Line"
	}
	return "Lines"
}
