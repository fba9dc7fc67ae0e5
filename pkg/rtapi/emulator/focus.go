package emulator

import (
	"math"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// FocusStart is a posted start_focustime: a FocusTime session.
type FocusStart struct {
	ID        float64   `json:"id"`       // Unix time of the start, as the feed gives it
	Duration  int       `json:"duration"` // minutes; -1 means until the end of the day
	CreatedAt time.Time `json:"created_at"`
}

// FocusEnd is a posted end_focustime and the session it ended.
type FocusEnd struct {
	ID        float64   `json:"id"`
	SessionID float64   `json:"session_id"`
	CreatedAt time.Time `json:"created_at"`
}

// focusID turns t into a feed id, bumped by a millisecond if needed so ids
// stay unique and increasing when several events share a second.
func focusID(t time.Time, last float64) float64 {
	id := float64(t.Unix())
	if id <= last {
		id = math.Round((last+0.001)*1000) / 1000
	}
	return id
}

// naturalEnd is when a session ends if nobody ends it.
func naturalEnd(s FocusStart, loc *time.Location) time.Time {
	if s.Duration == -1 {
		return addDays(midnight(s.CreatedAt, loc), 1)
	}
	return s.CreatedAt.Add(time.Duration(s.Duration) * time.Minute)
}

// running returns the session running at now, if any. Sessions never
// overlap, so only the latest can be running.
func (a *account) running(now time.Time) (FocusStart, bool) {
	if len(a.focusStarts) == 0 {
		return FocusStart{}, false
	}
	last := a.focusStarts[len(a.focusStarts)-1]
	for _, end := range a.focusEnds {
		if end.SessionID == last.ID {
			return FocusStart{}, false
		}
	}
	return last, naturalEnd(last, a.loc).After(now)
}

func (e *Emulator) serveStartFocus(w http.ResponseWriter, r *http.Request, c *call) {
	if !c.acct.premium() {
		writePremiumRequired(w, "FocusTime")
		return
	}
	v, err := postValues(r)
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	raw := v.Get("duration")
	if raw == "" {
		writeBadRequest(w, "duration is required")
		return
	}
	minutes, err := strconv.Atoi(raw)
	if err != nil || (minutes != -1 && (minutes <= 0 || minutes%rtapi.FocusMinutesStep != 0 || minutes > rtapi.MaxFocusMinutes)) {
		writeBadRequest(w, "duration: must be a positive multiple of 5 minutes up to a day, or -1 for the rest of the day")
		return
	}
	if _, ok := c.acct.running(c.now); ok {
		writeBadRequest(w, "a FocusTime session is already running; end it first")
		return
	}
	last := 0.0
	if n := len(c.acct.focusStarts); n > 0 {
		last = c.acct.focusStarts[n-1].ID
	}
	start := FocusStart{ID: focusID(c.now, last), Duration: minutes, CreatedAt: c.now.In(c.acct.loc)}
	c.acct.focusStarts = append(c.acct.focusStarts, start)
	c.saved = e.recordLocked(c.acct.Key, stateRecord{FocusStart: &start})
	writeMessage(w, "FocusTime started")
}

func (e *Emulator) serveEndFocus(w http.ResponseWriter, r *http.Request, c *call) {
	if !c.acct.premium() {
		writePremiumRequired(w, "FocusTime")
		return
	}
	session, ok := c.acct.running(c.now)
	if !ok {
		writeBadRequest(w, "no FocusTime session is running")
		return
	}
	last := 0.0
	if n := len(c.acct.focusEnds); n > 0 {
		last = c.acct.focusEnds[n-1].ID
	}
	end := FocusEnd{ID: focusID(c.now, last), SessionID: session.ID, CreatedAt: c.now.In(c.acct.loc)}
	c.acct.focusEnds = append(c.acct.focusEnds, end)
	c.saved = e.recordLocked(c.acct.Key, stateRecord{FocusEnd: &end})
	writeMessage(w, "FocusTime ended")
}

type focusStartedItem struct {
	ID        float64   `json:"id"`
	Duration  int       `json:"duration"`
	CreatedAt time.Time `json:"created_at"`
}

type focusEndedItem struct {
	ID        float64   `json:"id"`
	CreatedAt time.Time `json:"created_at"`
}

func (e *Emulator) serveFocusStartedFeed(w http.ResponseWriter, r *http.Request, c *call) {
	items := []focusStartedItem{}
	if c.acct.premium() {
		since := c.now.Add(-feedWindow)
		for _, s := range c.acct.focusStarts {
			if !s.CreatedAt.Before(since) && c.acct.synced(s.CreatedAt, c.now) {
				items = append(items, focusStartedItem(s))
			}
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID > items[j].ID })
	writeJSON(w, http.StatusOK, items)
}

// serveFocusEndedFeed lists sessions ended explicitly and sessions whose
// duration has elapsed by now, once synced.
func (e *Emulator) serveFocusEndedFeed(w http.ResponseWriter, r *http.Request, c *call) {
	items := []focusEndedItem{}
	if c.acct.premium() {
		items = c.acct.endedEvents(c.now, c.now.Add(-feedWindow))
	}
	writeJSON(w, http.StatusOK, items)
}

// endedEvents returns the ended events created in [since, now] that have
// synced by now, newest first. A natural end syncs like a post: the delay
// runs from the moment the session ended.
func (a *account) endedEvents(now, since time.Time) []focusEndedItem {
	explicit := make(map[float64]FocusEnd, len(a.focusEnds))
	for _, end := range a.focusEnds {
		explicit[end.SessionID] = end
	}
	items := []focusEndedItem{}
	for _, s := range a.focusStarts {
		item := focusEndedItem{}
		if end, ok := explicit[s.ID]; ok {
			item = focusEndedItem{ID: end.ID, CreatedAt: end.CreatedAt}
		} else if t := naturalEnd(s, a.loc); !t.After(now) {
			item = focusEndedItem{ID: float64(t.Unix()), CreatedAt: t.In(a.loc)}
		} else {
			continue
		}
		if !item.CreatedAt.Before(since) && a.synced(item.CreatedAt, now) {
			items = append(items, item)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID > items[j].ID })
	return items
}
