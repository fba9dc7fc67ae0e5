package main

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// focusEvent is a FocusTime feed entry with the feed it came from.
type focusEvent struct {
	Event string `json:"event"` // "started" or "ended"
	rtapi.FocusEvent
}

func newFocusCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "focus [started|ended]",
		Short: "List recent FocusTime sessions started and ended",
		Long: `List recent FocusTime (Focus Session) events, newest first: both feeds by
default, or only the started or ended one. FocusTime is a Premium feature.`,
		Args:      cobra.MatchAll(cobra.MaximumNArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"started", "ended"},
	}
	return readCommand(e, cmd, func(cmd *cobra.Command, c *rtapi.Client, args []string) (listing, error) {
		which := "both"
		if len(args) == 1 {
			which = args[0]
		}
		events := []focusEvent{}
		feeds := []struct {
			name  string
			fetch func() ([]rtapi.FocusEvent, error)
		}{
			{"started", func() ([]rtapi.FocusEvent, error) { return c.FocusTimeStarted(cmd.Context()) }},
			{"ended", func() ([]rtapi.FocusEvent, error) { return c.FocusTimeEnded(cmd.Context()) }},
		}
		for _, f := range feeds {
			if which != "both" && which != f.name {
				continue
			}
			evs, err := f.fetch()
			if err != nil {
				return listing{}, err
			}
			for _, ev := range evs {
				events = append(events, focusEvent{Event: f.name, FocusEvent: ev})
			}
		}
		slices.SortStableFunc(events, func(a, b focusEvent) int { return -cmp.Compare(a.CreatedAt.UnixNano(), b.CreatedAt.UnixNano()) })
		l := listing{columns: []string{"at", "event", "duration", "id"}, json: events}
		for _, ev := range events {
			dur, csvDur := "", ""
			switch {
			case ev.Minutes == rtapi.FocusUntilEndOfDay:
				dur, csvDur = "rest of day", "-1"
			case ev.Minutes > 0:
				dur, csvDur = hoursMinutes(time.Duration(ev.Minutes)*time.Minute), strconv.Itoa(ev.Minutes)
			}
			id := strconv.FormatFloat(ev.ID, 'f', -1, 64)
			l.rows = append(l.rows, []string{tableTime(ev.CreatedAt), ev.Event, dur, id})
			l.csvRows = append(l.csvRows, []string{csvTime(ev.CreatedAt), ev.Event, csvDur, id})
		}
		return l, nil
	})
}
