package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
)

func newJournalRotateKeyCmd(e *env) *cobra.Command {
	var (
		jf   journalFlags
		from string
	)
	cmd := &cobra.Command{
		Use:   "rotate-key [DIR]",
		Short: "Let the journal of a replaced API key follow the new key of the same account",
		Long: `A journal belongs to the credential it was written with. When you replace
your API key (the same RescueTime account, a new key), run this once with
the new key: the journal then follows it, and nothing it recorded is posted
again. Do not run it for another account: that one needs a journal of its
own (rtctl journal new-account).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := jf.open(e, args)
			if err != nil {
				return err
			}
			j, err := ws.RotateKey(cmd.Context(), from)
			if err != nil {
				return err
			}
			acct, _ := ws.JournalAccount()
			views.NewJournal(false, e.out()).KeyRotated(j.Path, j.Account, acct, ws.BackendKind())
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	cmd.Flags().StringVar(&from, "from", "", "the old key's `FINGERPRINT`, when journals of several keys are here")
	return cmd
}

func newJournalNewAccountCmd(e *env) *cobra.Command {
	var jf journalFlags
	cmd := &cobra.Command{
		Use:   "new-account [DIR]",
		Short: "Start a journal for another account beside the journals already here",
		Long: `Each account has a journal of its own. The first account's is started by
its first apply; when the configuration already holds the journal of
another account, run this once with the new account's key, so that rtctl
knows it is another account and not a replaced key (rtctl journal
rotate-key). Afterwards every run picks the journal of the key it uses.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := jf.open(e, args)
			if err != nil {
				return err
			}
			path, err := ws.NewAccountJournal(cmd.Context())
			if err != nil {
				return err
			}
			acct, _ := ws.JournalAccount()
			views.NewJournal(false, e.out()).AccountStarted(path, acct, ws.BackendKind())
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	return cmd
}
