package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/journal"
)

func newJournalVerifyCmd(e *env) *cobra.Command {
	var jf journalFlags
	cmd := &cobra.Command{
		Use:   "verify [DIR]",
		Short: "Check every line of the journal against its checksum",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := jf.open(e, args)
			if err != nil {
				return err
			}
			path, st, err := ws.ReadJournal()
			var de *journal.DamagedError
			switch {
			case errors.As(err, &de):
				fmt.Fprintf(e.stdout, "%s: %d line(s), %d damaged: %s.\n", path, st.Lines, len(de.Lines), lineList(de.Lines))
				fmt.Fprintln(e.stdout, "A damaged line may be the record of a POST. Check the account in the web app for items sent around then, and run rtctl journal repair: it sets the damaged lines aside and keeps the items they name uncertain.")
				return &exitError{code: exitError1}
			case err != nil:
				return err
			}
			acct := "not bound to an account yet (written by an older rtctl; the next apply binds it)"
			if a, ok := st.Account(); ok {
				acct = "bound to " + a.String()
			}
			fmt.Fprintf(e.stdout, "%s: %d line(s), %d item(s), every line intact; %s.\n", path, st.Lines, st.Len(), acct)
			if st.Torn {
				fmt.Fprintln(e.stdout, "Its last line was cut short by a crash; the next apply removes it.")
			}
			return nil
		},
	}
	jf.register(cmd)
	return cmd
}

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
			fmt.Fprintf(e.stdout, "Repaired %s: kept %d line(s)", path, rep.Kept)
			if len(rep.Damaged) > 0 {
				fmt.Fprintf(e.stdout, ", set %d damaged line(s) aside in %s", len(rep.Damaged), rep.SetAside)
			}
			fmt.Fprintln(e.stdout, ".")
			if len(rep.Salvaged) > 0 {
				fmt.Fprintf(e.stdout, "%d item(s) the damaged lines name are now uncertain: the next plan says what to check.\n", len(rep.Salvaged))
			}
			if len(rep.Unreadable) > 0 {
				fmt.Fprintf(e.stdout, "Line(s) %s named no item: if one recorded a POST, only the account shows it now. Check the web app for items rtctl posted around then before the next apply.\n", lineList(rep.Unreadable))
			}
			if rep.BindingLost {
				fmt.Fprintln(e.stdout, "The journal's account binding was damaged: the next apply binds it to the account it uses.")
			}
			return nil
		},
	}
	jf.register(cmd)
	return cmd
}

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
			j, err := ws.RotateKey(from)
			if err != nil {
				return err
			}
			acct, _ := ws.JournalAccount()
			fmt.Fprintf(e.stdout, "The journal %s, of %s, now follows %s.\n", j.Path, j.Account, acct)
			return nil
		},
	}
	jf.register(cmd)
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
			path, err := ws.NewAccountJournal()
			if err != nil {
				return err
			}
			acct, _ := ws.JournalAccount()
			fmt.Fprintf(e.stdout, "Started %s, the journal of %s.\n", path, acct)
			return nil
		},
	}
	jf.register(cmd)
	return cmd
}

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
				names = append(names, r.Address)
			}
			fmt.Fprintf(e.stdout, "Recorded %d item(s) as in the account: %s.\n", len(recs), strings.Join(names, ", "))
			return nil
		},
	}
	jf.register(cmd)
	return cmd
}

// lineList renders line numbers: "3, 7 and 12", or the first ten.
func lineList(lines []int) string {
	var s []string
	for i, n := range lines {
		if i == 10 {
			s = append(s, fmt.Sprintf("%d more", len(lines)-10))
			break
		}
		s = append(s, fmt.Sprint(n))
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
