package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newJournalCmd(e *env) *cobra.Command {
	var (
		cf               configFlags
		sandbox, jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "journal [DIR]",
		Short: "List what rtctl posted, when, and with what outcome",
		Long: `Journal lists every item rtctl apply sent for the configuration in DIR, with
the outcome of its last attempt: applied, settled (found in the account after
an unanswered POST), failed, unknown (no answer, to be settled by the next
plan) or pending (an intent with no outcome: the apply was interrupted).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := dirArg(args)
			if cf.journal != "" {
				if _, err := os.Stat(cf.journal); err != nil {
					return fmt.Errorf("--journal %s: %w", cf.journal, unwrapPath(err))
				}
			}
			ws, err := openWorkspace(e, dir, &cf, &accountFlags{sandbox: sandbox})
			if err != nil {
				return err
			}
			st, err := ws.ReadJournal()
			if err != nil {
				return err
			}
			if jsonOut {
				return views.WriteJournalJSON(e.stdout, st)
			}
			listed, err := views.WriteJournalTable(e.stdout, st, time.Local)
			if err != nil || listed {
				return err
			}
			fmt.Fprintln(e.stdout, "The journal is empty: rtctl has not applied anything here yet.")
			if _, err := os.Stat(workspace.SandboxJournalPath(dir)); err == nil && !sandbox {
				fmt.Fprintf(e.stdout, "The sandbox has a journal of its own: rtctl journal --sandbox %s\n", dir)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cf.journal, "journal", "", "journal file (default RTCTL_JOURNAL, else .rtctl/journal.jsonl beside the configuration)")
	f.BoolVar(&sandbox, "sandbox", false, "list the sandbox's journal")
	f.BoolVar(&jsonOut, "json", false, "print the journal as JSON")
	return cmd
}
