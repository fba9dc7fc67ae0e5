package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
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
			v := views.NewJournal(false, e.out())
			var de *workspace.DamagedJournalError
			switch {
			case errors.As(err, &de):
				v.Damaged(path, st, de.Lines)
				return &exitError{code: exitError1}
			case err != nil:
				return err
			}
			v.Verified(path, st)
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	return cmd
}
