package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/reads"
)

func newFocusCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "focus [started|ended]",
		Short: "List recent FocusTime sessions started and ended",
		Long: `List recent FocusTime (Focus Session) events, newest first: both feeds by
default, or only the started or ended one. FocusTime is a Premium feature.`,
		Args:      cobra.MatchAll(cobra.MaximumNArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"started", "ended"},
	}
	return readCommand(e, cmd, func(cmd *cobra.Command, r *reads.Reader, args []string) (views.Listing, error) {
		events, err := r.Focus(cmd.Context(), firstArg(args))
		if err != nil {
			return views.Listing{}, err
		}
		return views.FocusListing(events), nil
	})
}

// firstArg is args[0], "" when there is none.
func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
