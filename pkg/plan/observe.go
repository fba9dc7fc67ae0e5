package plan

import (
	"context"
	"fmt"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// Reader is the part of the API client that Observe uses; *rtapi.Client
// implements it.
type Reader interface {
	Highlights(ctx context.Context) ([]rtapi.Highlight, error)
	FocusTimeStarted(ctx context.Context) ([]rtapi.FocusEvent, error)
	FocusTimeEnded(ctx context.Context) ([]rtapi.FocusEvent, error)
	AnalyticData(ctx context.Context, q rtapi.AnalyticDataQuery) (*rtapi.AnalyticData, error)
}

// What says which feeds a plan needs, so that a configuration without focus
// sessions does not read the FocusTime feeds.
type What struct {
	Offline, Highlights, Focus bool
}

// Needs reports which feeds the desired items need.
func (d Desired) Needs() What {
	return What{Offline: len(d.Offline) > 0, Highlights: len(d.Highlights) > 0, Focus: len(d.Focus) > 0}
}

// Observe reads the account once: the highlights feed, the FocusTime
// started and ended feeds, and offline time from the Analytic Data API over
// the window from..to (whole local days, split into as few requests as the
// API answers reliably). The number of requests depends on the window's
// length only, never on how many items are declared.
//
// Journal orphans may need the offline and highlight feeds even when no
// item of that kind is declared any more, so callers usually ask for all.
func Observe(ctx context.Context, r Reader, what What, from, to time.Time) (*Remote, error) {
	rem := &Remote{}
	if what.Highlights {
		hs, err := r.Highlights(ctx)
		rem.Requests++
		if err != nil {
			return nil, fmt.Errorf("reading the highlights feed: %w", err)
		}
		for _, h := range hs {
			rem.Highlights = append(rem.Highlights, RemoteHighlight{ID: h.ID, Date: h.Date.Format(time.DateOnly), Description: h.Description, CreatedAt: h.CreatedAt})
		}
	}
	if what.Focus {
		started, err := r.FocusTimeStarted(ctx)
		rem.Requests++
		if err != nil {
			return nil, fmt.Errorf("reading the FocusTime started feed: %w", err)
		}
		ended, err := r.FocusTimeEnded(ctx)
		rem.Requests++
		if err != nil {
			return nil, fmt.Errorf("reading the FocusTime ended feed: %w", err)
		}
		rem.FocusStarted = focusEvents(started)
		rem.FocusEnded = focusEvents(ended)
	}
	if what.Offline {
		for _, ch := range rtapi.SplitDateRange(from, to, rtapi.MinuteChunkDays) {
			d, err := r.AnalyticData(ctx, rtapi.AnalyticDataQuery{
				Perspective: rtapi.PerspectiveInterval,
				Resolution:  rtapi.ResolutionMinute,
				Kind:        rtapi.KindActivity,
				SourceType:  rtapi.SourceOffline,
				Begin:       ch.Begin,
				End:         ch.End,
			})
			rem.Requests++
			if err != nil {
				return nil, fmt.Errorf("reading offline time for %s to %s: %w", ch.Begin.Format(time.DateOnly), ch.End.Format(time.DateOnly), err)
			}
			for _, row := range d.Rows {
				rem.Offline = append(rem.Offline, OfflineBucket{Start: row.Date, Activity: row.Activity, Category: row.Category, Seconds: row.Seconds})
			}
		}
	}
	return rem, nil
}

func focusEvents(evs []rtapi.FocusEvent) []FocusEvent {
	out := make([]FocusEvent, 0, len(evs))
	for _, e := range evs {
		out = append(out, FocusEvent{At: e.CreatedAt, Minutes: e.Minutes})
	}
	return out
}
