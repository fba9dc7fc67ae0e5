package plan

import (
	"fmt"
	"sort"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

// Make compares the desired items with the remote snapshot and the journal
// at the instant now, and returns the plan. It is pure: the same arguments
// always give the same plan.
func Make(d Desired, r *Remote, j *journal.State, now time.Time) *Plan {
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	if r == nil {
		r = &Remote{}
	}
	p := &Plan{
		Now:         now,
		Location:    loc,
		Lookback:    d.Lookback,
		WindowStart: now.Add(-d.Lookback),
	}
	m := &maker{
		plan:    p,
		journal: j,
		offline: indexOffline(r.Offline, loc),
		highs:   indexHighlights(r.Highlights),
		started: r.FocusStarted,
		ended:   r.FocusEnded,
		keys:    map[string]string{},
		paired:  map[string]bool{},
	}
	for _, o := range d.Offline {
		m.offlineBlock(o)
	}
	for _, h := range d.Highlights {
		m.highlight(h)
	}
	for _, f := range d.Focus {
		m.focus(f)
	}
	m.focusEnd(d.Focus)
	m.pairEdits(d)
	m.orphans()
	p.Warnings = append(p.Warnings, d.Notes...)
	// A lookback longer than the feeds reach is said once, where it is
	// written: the configuration's warning (spec), with its source.
	if j != nil && j.Skipped > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("the journal has %d unreadable line(s), left by an interrupted write; they were ignored", j.Skipped))
	}
	sortActions(p.Actions)
	return p
}

type maker struct {
	plan    *Plan
	journal *journal.State
	offline offlineIndex
	highs   map[string]bool
	started []FocusEvent
	ended   []FocusEvent
	// keys maps each declared item's journal key to its address, to find
	// orphans and declared duplicates.
	keys map[string]string
	// paired are the journal keys of earlier versions shown beside their
	// changed item: they are not orphans as well.
	paired map[string]bool
}

func (m *maker) add(a Action) {
	if rec, ok := m.journal.Lookup(a.Key); ok && rec.Forgotten && a.Status == Create {
		a.Reason = fmt.Sprintf("planned afresh: rtctl forget took it out of rtctl's care on %s, and the account does not show it; %s", rec.ForgottenAt.In(m.plan.Location).Format("2006-01-02"), a.Reason)
	}
	if prev, dup := m.keys[a.Key]; dup && a.Status != OutOfWindow {
		a.Status = Conflict
		a.Reason = fmt.Sprintf("declares the same item as %s; remove one of them", prev)
	} else if !dup {
		m.keys[a.Key] = a.Address
	}
	m.plan.Actions = append(m.plan.Actions, a)
}

// lookup returns the journal's record of an item rtctl still cares
// about: a forgotten item (rtctl forget) is planned afresh, as if rtctl had
// never sent it.
func (m *maker) lookup(key string) (journal.Record, bool) {
	if m.journal == nil {
		return journal.Record{}, false
	}
	rec, ok := m.journal.Lookup(key)
	if ok && rec.Forgotten {
		return journal.Record{}, false
	}
	return rec, ok
}

// records are the journal's records of items rtctl still cares about.
func (m *maker) records() []journal.Record {
	if m.journal == nil {
		return nil
	}
	all := m.journal.Records()
	out := all[:0]
	for _, r := range all {
		if !r.Forgotten {
			out = append(out, r)
		}
	}
	return out
}

// SettleAfter is how long after an interrupted run's last sign of life the
// feeds are trusted to show what it sent. A request cut off by a crash or a
// timeout may still be carried out by the server a little later, and a POST
// may have been retried for minutes (429s with Retry-After) after its intent
// was written; until then absence from a feed proves nothing. It covers the
// client's retry budget and per-request timeout, plus the three minutes the
// documentation gives Premium accounts to sync.
const SettleAfter = 10 * time.Minute

// settle decides an item that the feeds do not show, from the journal. When
// the feed is authoritative for the item, absence proves that an unanswered
// POST did not take effect, once SettleAfter has passed since the run that
// sent it was last heard of; otherwise the item is uncertain.
func (m *maker) settle(a *Action, authoritative bool, what string) {
	rec, ok := m.lookup(a.Key)
	loc := m.plan.Location
	switch {
	case ok && rec.Done():
		a.Status = InSync
		a.Reason = fmt.Sprintf("applied %s (journal); the %s does not show it yet", rec.ResultAt.In(loc).Format("2006-01-02 15:04"), what)
	case !ok || rec.Attempts == 0:
		a.Status, a.Reason = Create, "not in the account"
	case rec.Pending() && !authoritative:
		a.Status = Uncertain
		a.Reason = fmt.Sprintf("sent %s without a known outcome and the %s cannot tell whether it arrived; check the account, then run apply with --retry-uncertain to send it again", rec.IntentAt.In(loc).Format("2006-01-02 15:04"), what)
	case rec.Pending():
		last := rec.IntentAt
		if seen := m.journal.LastSeen(rec.IntentRun); seen.After(last) {
			last = seen
		}
		if settled := last.Add(SettleAfter); m.plan.Now.Before(settled) {
			a.Status = Uncertain
			a.SettlesAt = settled
			a.Reason = fmt.Sprintf("sent %s without a known outcome; the server may still be handling it, so the %s proves nothing before %s: run again then", rec.IntentAt.In(loc).Format("15:04:05"), what, settled.In(loc).Format("15:04"))
			return
		}
		a.Status = Create
		a.Reason = fmt.Sprintf("an earlier attempt got no answer, and the %s shows it never arrived", what)
	case rec.Result == journal.Failed:
		a.Status = Create
		a.Reason = "not in the account; the last attempt failed: " + rec.LastError
	default:
		a.Status, a.Reason = Create, "not in the account"
	}
}

func (m *maker) orphans() {
	if m.journal == nil {
		return
	}
	for _, rec := range m.records() {
		if _, declared := m.keys[rec.Key]; declared || m.paired[rec.Key] {
			continue
		}
		if !rec.Done() && !rec.Pending() {
			continue
		}
		item, err := decodeItem(rec.Item)
		if err != nil {
			continue
		}
		a := Action{
			Address:   rec.Address,
			Kind:      Kind(rec.Kind),
			Status:    Orphaned,
			Key:       rec.Key,
			Offline:   item.Offline,
			Highlight: item.Highlight,
			Focus:     item.Focus,
		}
		// Orphans older than the window are history, not news: listing every
		// cancelled meeting of past years would bury the plan.
		if t, ok := itemTime(a, m.plan.Location); !ok || t.Before(m.plan.WindowStart) || a.Focus != nil {
			continue
		}
		// A block whose time is now declared in other pieces (its chunks
		// changed) still backs items in sync: removing it would undo them.
		if a.Offline != nil && m.backsInSync(*a.Offline) {
			continue
		}
		verb := "was applied"
		if rec.Pending() {
			verb = "may have been applied"
		}
		a.Reason = fmt.Sprintf("%s by rtctl and is no longer declared; the API cannot delete it: remove it in the RescueTime web app (%s)", verb, webAppPlace(a.Kind))
		m.plan.Actions = append(m.plan.Actions, a)
	}
}

// backsInSync reports whether a declared, in-sync block of the same
// activity overlaps o.
func (m *maker) backsInSync(o Offline) bool {
	for _, d := range m.plan.Actions {
		if d.Status == InSync && d.Offline != nil && normalize(d.Offline.Activity) == normalize(o.Activity) &&
			d.Offline.Start.Before(o.End) && o.Start.Before(d.Offline.End) {
			return true
		}
	}
	return false
}

func webAppPlace(k Kind) string {
	switch k {
	case KindHighlight:
		return "Daily Highlights"
	default:
		return "Offline Time"
	}
}

// itemTime is when an item lies, for window decisions.
func itemTime(a Action, loc *time.Location) (time.Time, bool) {
	switch {
	case a.Offline != nil:
		return a.Offline.Start, true
	case a.Highlight != nil:
		t, err := time.ParseInLocation(time.DateOnly, a.Highlight.Date, loc)
		return t, err == nil
	case a.Focus != nil:
		return a.Focus.WindowStart, true
	}
	return time.Time{}, false
}

func sortActions(as []Action) {
	rank := map[Status]int{}
	for i, s := range Statuses {
		rank[s] = i
	}
	sort.SliceStable(as, func(i, j int) bool {
		if as[i].Status != as[j].Status {
			return rank[as[i].Status] < rank[as[j].Status]
		}
		ti, _ := itemTime(as[i], time.UTC)
		tj, _ := itemTime(as[j], time.UTC)
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return as[i].Address < as[j].Address
	})
}

// FormatLookback renders a lookback the way configurations write it ("14d").
func FormatLookback(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
