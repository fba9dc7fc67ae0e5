package reads

import (
	"context"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// Reader reads one account's feeds at the workspace's present.
type Reader struct {
	ws *workspace.Workspace
	c  *rtapi.Client
}

// Open connects to the workspace's account.
func Open(ctx context.Context, ws *workspace.Workspace) (*Reader, error) {
	c, err := ws.Client(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Reader{ws: ws, c: c}, nil
}

// DeclaredZone is the account's time zone as the configuration in dir
// declares it, "" when it declares none (or there is none): the zone a
// read command assumes when the person names none.
func DeclaredZone(dir string) string { return spec.Declared(dir).Timezone }

// LocalZone is the name of this machine's zone when the API's dates, which
// carry no offset, are read in it because nothing named the account's; ""
// otherwise. Only the person knows whether it is right.
func (r *Reader) LocalZone() string {
	if !r.ws.ReadsInLocalZone() || r.c.Location() != time.Local {
		return ""
	}
	zone, _ := r.ws.Now().Zone()
	return zone
}

// ShownFrom is when feeds that show a post delay after it is made will
// show the last POST the journal records, in the account's zone: zero when
// they show it already at the workspace's present, or nothing was posted.
// It is the next whole minute after the delay, so that the time said is
// never a few seconds early.
func (r *Reader) ShownFrom(delay time.Duration) time.Time {
	var last time.Time
	if _, st, err := r.ws.ReadJournal(); err == nil && st != nil {
		for _, rec := range st.Records() {
			if rec.Done() && rec.ResultAt.After(last) {
				last = rec.ResultAt
			}
		}
	}
	shows := last.Add(delay).Truncate(time.Minute).Add(time.Minute)
	if last.IsZero() || !shows.After(r.ws.Now()) {
		return time.Time{}
	}
	return shows.In(r.c.Location())
}

// Summaries are the daily summaries of the last two weeks.
func (r *Reader) Summaries(ctx context.Context) ([]rtapi.DailySummary, error) {
	return r.c.DailySummaries(ctx)
}

// AlertDefinitions are the alerts the user defined.
func (r *Reader) AlertDefinitions(ctx context.Context) ([]rtapi.AlertDefinition, error) {
	return r.c.AlertDefinitions(ctx)
}

// Alerts are the alerts triggered recently (of alertID only, when it is
// not 0), newest first, their times in the account's zone.
func (r *Reader) Alerts(ctx context.Context, alertID int64) ([]rtapi.Alert, error) {
	alerts, err := r.c.Alerts(ctx, alertID)
	if err != nil {
		return nil, err
	}
	for i := range alerts {
		alerts[i].CreatedAt = alerts[i].CreatedAt.In(r.c.Location())
	}
	return alerts, nil
}

// Highlights are the recently entered daily highlights, their times in the
// account's zone.
func (r *Reader) Highlights(ctx context.Context) ([]rtapi.Highlight, error) {
	hs, err := r.c.Highlights(ctx)
	if err != nil {
		return nil, err
	}
	for i := range hs {
		hs[i].CreatedAt = hs[i].CreatedAt.In(r.c.Location())
	}
	return hs, nil
}

// FocusEvent is a FocusTime event with the feed it came from.
type FocusEvent struct {
	Event string `json:"event"` // "started" or "ended"
	rtapi.FocusEvent
}

// Focus reads the FocusTime feeds: both, or only the one only names
// ("started" or "ended"), their times in the account's zone.
func (r *Reader) Focus(ctx context.Context, only string) ([]FocusEvent, error) {
	feeds := []struct {
		name  string
		fetch func(context.Context) ([]rtapi.FocusEvent, error)
	}{
		{"started", r.c.FocusTimeStarted},
		{"ended", r.c.FocusTimeEnded},
	}
	var events []FocusEvent
	for _, f := range feeds {
		if only != "" && only != f.name {
			continue
		}
		evs, err := f.fetch(ctx)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			ev.CreatedAt = ev.CreatedAt.In(r.c.Location())
			events = append(events, FocusEvent{Event: f.name, FocusEvent: ev})
		}
	}
	return events, nil
}
