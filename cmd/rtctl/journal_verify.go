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
			if err := ws.FetchJournal(cmd.Context()); err != nil {
				return err
			}
			path, st, err := ws.ReadJournal()
			var de *journal.DamagedError
			switch {
			case errors.As(err, &de):
				fmt.Fprintf(e.stdout, "%s: %s, %d damaged: %s.\n", path, plural(st.Lines, "line", "lines"), len(de.Lines), lineList(de.Lines))
				fmt.Fprintln(e.stdout, "A damaged line may be the record of a POST. Check the account in the web app for items sent around then, and run rtctl journal repair: it sets the damaged lines aside and keeps the items they name uncertain.")
				return &exitError{code: exitError1}
			case err != nil:
				return err
			}
			acct := "not bound to an account yet (written by an older rtctl; the next apply binds it)"
			if a, ok := st.Account(); ok {
				acct = "bound to " + a.String()
			}
			fmt.Fprintf(e.stdout, "%s: %s, %s, every line intact; %s.\n", path, plural(st.Lines, "line", "lines"), plural(st.Len(), "item", "items"), acct)
			if st.Torn {
				fmt.Fprintln(e.stdout, "Its last line was cut short by a crash; the next apply removes it.")
			}
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
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
