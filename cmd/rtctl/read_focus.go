package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/rtapi"
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
	return readCommand(e, cmd, func(cmd *cobra.Command, c *rtapi.Client, args []string) (views.Listing, error) {
		feeds := []struct {
			name  string
			fetch func() ([]rtapi.FocusEvent, error)
		}{
			{"started", func() ([]rtapi.FocusEvent, error) { return c.FocusTimeStarted(cmd.Context()) }},
			{"ended", func() ([]rtapi.FocusEvent, error) { return c.FocusTimeEnded(cmd.Context()) }},
		}
		var events []views.FocusEvent
		for _, f := range feeds {
			if len(args) == 1 && args[0] != f.name {
				continue
			}
			evs, err := f.fetch()
			if err != nil {
				return views.Listing{}, err
			}
			for _, ev := range evs {
				ev.CreatedAt = ev.CreatedAt.In(c.Location())
				events = append(events, views.FocusEvent{Event: f.name, FocusEvent: ev})
			}
		}
		return views.FocusListing(events), nil
	})
}
