package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// journalFlags select the journal of an account: the credentials (which
// name the account), the sandbox's, or --journal.
type journalFlags struct {
	cf   configFlags
	acct accountFlags
}

func (f *journalFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.cf.journal, "journal", "", "journal file (default RTCTL_JOURNAL, else the account's journal in .rtctl beside the configuration)")
	fl.StringVar(&f.acct.apiKeyFile, "api-key-file", "", "the account whose journal to use: read its API key from `FILE` instead of $RESCUETIME_API_KEY")
	fl.StringVar(&f.acct.endpoint, "endpoint", "", "the account's API base URL (default $RTCTL_ENDPOINT)")
	fl.BoolVar(&f.acct.sandbox, "sandbox", false, "the sandbox's journal")
}

func (f *journalFlags) open(e *env, args []string) (*workspace.Workspace, error) {
	if f.cf.journal != "" {
		if err := workspace.CheckJournalFile(f.cf.journal); err != nil {
			return nil, fmt.Errorf("--journal %s: %w", f.cf.journal, unwrapPath(err))
		}
	}
	return openWorkspace(e, dirArg(args), &f.cf, &f.acct)
}

func newJournalCmd(e *env) *cobra.Command {
	var (
		jf      journalFlags
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "journal [DIR]",
		Short: "List what rtctl posted, when, and with what outcome",
		Long: `Journal lists every item rtctl apply sent for the configuration in DIR, with
the outcome of its last attempt:

  applied    the server confirmed it
  settled    a later run found it in the account after an unanswered POST
  failed     the server refused it, or it provably never reached the server
  unknown    no clear answer; the next plan settles it from the feeds
  absent     a later run found it missing from a feed that can show it
  not_sent   recorded, but the run stopped before sending it
  pending    an intent with no outcome: the run was interrupted or crashed

Forgotten items (rtctl forget) are marked, and lines that cannot be read
are said. Each account has a journal of its own: the credentials choose it.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := jf.open(e, args)
			if err != nil {
				return err
			}
			if err := ws.FetchJournal(cmd.Context()); err != nil {
				return err
			}
			_, st, err := ws.ReadJournal()
			var de *workspace.DamagedJournalError
			if err != nil && !errors.As(err, &de) {
				return err
			}
			sandboxDir := ""
			if !jf.acct.sandbox && ws.HasSandboxJournal() {
				sandboxDir = ws.Dir()
			}
			return views.NewJournal(jsonOut, e.out()).List(st, sandboxDir)
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the journal as JSON")
	cmd.AddCommand(newJournalVerifyCmd(e), newJournalRepairCmd(e), newJournalRotateKeyCmd(e), newJournalNewAccountCmd(e), newJournalConfirmCmd(e), newJournalAdoptCmd(e), newJournalMigrateCmd(e))
	return cmd
}
