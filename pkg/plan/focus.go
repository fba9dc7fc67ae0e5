package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// focusWindow returns the schedule's window on the local day that starts at
// midnight, and whether the schedule is active that day.
func focusWindow(f DesiredFocus, midnight time.Time) (start, end time.Time, ok bool) {
	day := midnight.Format(time.DateOnly)
	if !f.Days[midnight.Weekday()] || (f.From != "" && day < f.From) || (f.To != "" && day > f.To) {
		return time.Time{}, time.Time{}, false
	}
	loc := midnight.Location()
	y, mo, d := midnight.Date()
	// Build the wall-clock time rather than adding to midnight, so that a
	// 09:00 window stays at 09:00 on the days the clocks change.
	start = time.Date(y, mo, d, int(f.Start/time.Hour), int(f.Start%time.Hour/time.Minute), 0, 0, loc)
	if f.UntilEndOfDay {
		end = time.Date(y, mo, d+1, 0, 0, 0, 0, loc)
	} else {
		end = start.Add(f.Duration)
	}
	return start, end, true
}

func localMidnight(t time.Time, dayOffset int) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+dayOffset, 0, 0, 0, 0, t.Location())
}

// focus plans one schedule: it acts only in the window that contains now.
func (m *maker) focus(f DesiredFocus) {
	m.passedUnanswered(f)
	p := m.plan
	now := p.Now
	a := Action{Address: f.Address, Kind: KindFocusStart, Origin: f.Origin}
	// A window that began yesterday may still be open (a late start plus a
	// long duration), so look one day back.
	for off := -1; off <= 0; off++ {
		ws, we, ok := focusWindow(f, localMidnight(now, off))
		if !ok || now.Before(ws) || !now.Before(we) {
			continue
		}
		a.Address = fmt.Sprintf("%s[%s]", f.Address, ws.Format(time.DateOnly))
		a.Key = FocusKey(f.Address, ws)
		a.Focus = &Focus{WindowStart: ws, WindowEnd: we, Minutes: remainingMinutes(now, we)}
		if f.UntilEndOfDay {
			a.Focus.Minutes = -1
		}
		m.decideFocus(&a)
		m.add(a)
		return
	}
	// Not inside a window: say when the next one begins.
	for off := 0; off <= 8; off++ {
		ws, we, ok := focusWindow(f, localMidnight(now, off))
		if !ok || !ws.After(now) {
			continue
		}
		a.Address = fmt.Sprintf("%s[%s]", f.Address, ws.Format(time.DateOnly))
		a.Key = FocusKey(f.Address, ws)
		a.Focus = &Focus{WindowStart: ws, WindowEnd: we, Minutes: int(we.Sub(ws)/time.Minute) / rtapi.FocusMinutesStep * rtapi.FocusMinutesStep}
		a.Status = Deferred
		a.Reason = fmt.Sprintf("next window begins %s", ws.Format("Mon 2006-01-02 15:04"))
		m.add(a)
		return
	}
	a.Key = FocusKey(f.Address, time.Time{})
	a.Status = OutOfWindow
	a.Reason = "the schedule has no window now or in the next week"
	if f.To != "" && f.To < now.Format(time.DateOnly) {
		a.Reason = fmt.Sprintf("the schedule ended on %s", f.To)
	}
	m.add(a)
}

// passedUnanswered keeps in the plan a start of f that got no answer in a
// window that has since passed (every run in it killed or cut off): the
// plan moves on to the next window, and without this the unanswered one
// would vanish without a word. It cannot be sent again any more; a person
// confirms it (it ran) or forgets it (it did not).
func (m *maker) passedUnanswered(f DesiredFocus) {
	prefix := f.Address + "["
	for _, rec := range m.records() {
		if rec.Kind != string(KindFocusStart) || !rec.Pending() || !strings.HasPrefix(rec.Address, prefix) {
			continue
		}
		item, err := decodeItem(rec.Item)
		if err != nil || item.Focus == nil || item.Focus.WindowEnd.After(m.plan.Now) || item.Focus.WindowEnd.Before(m.plan.WindowStart) {
			continue
		}
		loc := m.plan.Location
		m.add(Action{
			Address: rec.Address, Kind: KindFocusStart, Origin: f.Origin, Key: rec.Key, Focus: item.Focus, Status: Uncertain,
			Reason: fmt.Sprintf("a start sent %s got no answer, and its window (%s–%s) has passed, so it cannot be sent again. Check the Focus Session history in the RescueTime web app: if it ran, run rtctl journal confirm %s; if not, run rtctl forget %s",
				rec.IntentAt.In(loc).Format("2006-01-02 15:04"), item.Focus.WindowStart.In(loc).Format("Mon 15:04"), item.Focus.WindowEnd.In(loc).Format("15:04"), rec.Address, rec.Address),
		})
	}
}

// focusJournaled finds a focus start the journal holds for a window that
// overlaps a's, whatever its key.
func (m *maker) focusJournaled(a *Action) (journal.Record, bool) {
	if m.journal == nil {
		return journal.Record{}, false
	}
	if rec, ok := m.journal.Lookup(a.Key); ok && rec.Attempts > 0 {
		return rec, true
	}
	for _, rec := range m.records() {
		if rec.Kind != string(KindFocusStart) || (!rec.Done() && !rec.Pending()) {
			continue
		}
		item, err := decodeItem(rec.Item)
		if err != nil || item.Focus == nil {
			continue
		}
		if item.Focus.WindowStart.Before(a.Focus.WindowEnd) && a.Focus.WindowStart.Before(item.Focus.WindowEnd) {
			return rec, true
		}
	}
	return journal.Record{}, false
}

// remainingMinutes is the time left until end, rounded down to a multiple of
// five minutes as the API requires.
func remainingMinutes(now, end time.Time) int {
	return int(end.Sub(now)/time.Minute) / rtapi.FocusMinutesStep * rtapi.FocusMinutesStep
}

func (m *maker) decideFocus(a *Action) {
	f := a.Focus
	for _, ev := range m.started {
		if !ev.At.Before(f.WindowStart) && !ev.At.After(m.plan.Now) {
			a.Status, a.observed = InSync, true
			a.Reason = fmt.Sprintf("a session started %s in this window", ev.At.In(m.plan.Location).Format("15:04"))
			return
		}
	}
	// A start recorded for an overlapping window under another key (the
	// schedule was renamed or edited mid-window) still counts: never a
	// second start in one window.
	if rec, ok := m.focusJournaled(a); ok {
		switch {
		case rec.Done():
			a.Status = InSync
			a.Reason = fmt.Sprintf("rtctl started a session in this window (journal, %s)", rec.Address)
			return
		case rec.Pending():
			a.Status = Uncertain
			a.Reason = fmt.Sprintf("a start for this window (%s) got no answer and the FocusTime feed does not show it; check the account, then run apply with --retry-uncertain to start one", rec.Address)
			return
		}
	}
	if f.Minutes != -1 && f.Minutes < 5 {
		a.Status = InSync
		a.Reason = "less than five minutes of the window are left; nothing to start"
		return
	}
	// The started feed only shows a session once the desktop app has
	// synced, so it cannot prove that an unanswered start did not arrive.
	m.settle(a, feedTrust{what: "FocusTime feed", check: "the Focus Session history"})
}

// runningSession returns the latest session the feeds show started and not
// yet over: no end event after it, and its requested length not elapsed.
func (m *maker) runningSession() (FocusEvent, bool) {
	now := m.plan.Now
	var latest FocusEvent
	for _, ev := range m.started {
		if !ev.At.After(now) && ev.At.After(latest.At) {
			latest = ev
		}
	}
	if latest.At.IsZero() {
		return FocusEvent{}, false
	}
	for _, ev := range m.ended {
		if !ev.At.Before(latest.At) && !ev.At.After(now) {
			return FocusEvent{}, false
		}
	}
	var over time.Time
	switch {
	case latest.Minutes > 0:
		over = latest.At.Add(time.Duration(latest.Minutes) * time.Minute)
	case latest.Minutes == -1:
		over = localMidnight(latest.At.In(m.plan.Location), 1)
	default:
		return FocusEvent{}, false
	}
	if !now.Before(over) {
		return FocusEvent{}, false
	}
	return latest, true
}

// focusEnd plans the end of a running session that rtctl started for a
// window no declared schedule has any more: the schedule was shortened or
// removed while the session ran. A session rtctl did not start is never
// touched.
func (m *maker) focusEnd(schedules []DesiredFocus) {
	if m.journal == nil {
		return
	}
	session, ok := m.runningSession()
	if !ok {
		return
	}
	now := m.plan.Now
	for _, f := range schedules {
		for off := -1; off <= 0; off++ {
			if ws, we, ok := focusWindow(f, localMidnight(now, off)); ok && !now.Before(ws) && now.Before(we) {
				return // a declared window wants focus now
			}
		}
	}
	for _, rec := range m.records() {
		if rec.Kind != string(KindFocusStart) || !rec.Done() {
			continue
		}
		item, err := decodeItem(rec.Item)
		if err != nil || item.Focus == nil {
			continue
		}
		w := item.Focus
		if session.At.Before(w.WindowStart) || !session.At.Before(w.WindowEnd) {
			continue
		}
		a := Action{
			Address: rec.Address + "[end]",
			Kind:    KindFocusEnd,
			Key:     FocusEndKey(session.At),
			Focus:   &Focus{WindowStart: w.WindowStart, WindowEnd: w.WindowEnd, SessionStart: session.At},
		}
		// The ended feed may lag the desktop app, so it cannot prove that
		// an unanswered end did not arrive.
		m.settle(&a, feedTrust{what: "FocusTime ended feed", check: "the Focus Session history"})
		if a.Status == Create {
			a.Reason = fmt.Sprintf("rtctl started this session at %s and no declared schedule has a window now (it was shortened or removed): end it", session.At.In(m.plan.Location).Format("15:04"))
		}
		m.add(a)
		return
	}
}
