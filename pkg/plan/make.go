package plan

import (
	"fmt"
	"sort"
	"strings"
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

		evidenced:       map[string]bool{},
		highlightsCover: r.HighlightsCoverSince(),
	}
	if ev, ok := j.Evidence(journal.FeedOffline); ok && normalize(ev.Activity) != normalize(ev.PostedActivity) {
		// The report shows offline time under a name of its own: a
		// block shown under that name is present, whatever it was
		// posted as.
		m.offline.alias = normalize(ev.Activity)
	}
	m.readEvidence()
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
	doubts := m.doubtJournal(d, r)
	m.pairEdits(d)
	m.applyOtherJournals(d.OtherJournals)
	m.applyDoubt(doubts)
	m.orphans()
	m.journalAloneWarnings()
	p.Warnings = append(p.Warnings, d.Notes...)
	// A lookback longer than the feeds reach is said once, where it is
	// written: the configuration's warning (spec), with its source.
	if j != nil && j.Skipped > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("the journal has %d unreadable line%s, left by an interrupted write; they were ignored", j.Skipped, plural(j.Skipped)))
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
	// evidenced are the feeds this plan found evidence for.
	evidenced map[string]bool
	// highlightsCover is how far back the highlights feed reached.
	highlightsCover time.Time
	// offlineByAddress are the journal's offline records by base
	// address, built when a changed block first needs its earlier
	// versions.
	offlineByAddress map[string][]journal.Record
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
// may have been retried (429s with Retry-After) after its intent was
// written; until then absence from a feed proves nothing. It covers the
// client's time limit per call, plus the 30 minutes the documentation gives
// an account to sync (Lite; Premium syncs every 3): when a POST shows in
// the feeds is not documented at all.
const SettleAfter = 35 * time.Minute

// feedTrust is what a feed's silence about an item can prove.
type feedTrust struct {
	what string // "highlights feed", for messages
	// feed names it in the journal's evidence; "" for a feed whose
	// silence never proves anything (the FocusTime feeds).
	feed string
	// covers says the read reached back to when the item was sent.
	covers bool
	// since is, when known, the earliest time of sending the read covers.
	since time.Time
	// check says where in the web app a person finds the item.
	check string
}

// settle decides an item that the feeds do not show, from the journal. An
// unanswered POST is settled as "not posted" only by a feed that has shown
// rtctl's own posts on this account (the journal's evidence), in a read
// that reached back to when it was sent, once SettleAfter has passed since
// the run that sent it was last heard of. Otherwise it is uncertain, and
// the reason says what to check and which command to run: a duplicate can
// never be deleted.
func (m *maker) settle(a *Action, t feedTrust) {
	rec, ok := m.lookup(a.Key)
	loc := m.plan.Location
	sent := func() string { return rec.IntentAt.In(loc).Format("2006-01-02 15:04") }
	ask := func() string {
		return fmt.Sprintf("Check %s in the RescueTime web app: if it is there, run rtctl journal confirm %s; if it is not, run rtctl apply --retry-uncertain --target %s", t.check, a.Address, a.Address)
	}
	switch {
	case ok && rec.Result == journal.AppliedUnverified:
		m.settleUnverified(a, rec, t, ask)
	case ok && rec.Done():
		a.Status = InSync
		a.Reason = fmt.Sprintf("applied %s (journal); the %s does not show it yet", rec.ResultAt.In(loc).Format("2006-01-02 15:04"), t.what)
	case !ok || rec.Attempts == 0:
		a.Status, a.Reason = Create, "not in the account"
	case rec.Pending() && t.feed == "":
		a.Status = Uncertain
		a.Reason = fmt.Sprintf("sent %s without a known outcome, and the %s cannot tell whether it arrived. %s", sent(), t.what, ask())
	case rec.Pending() && !m.hasEvidence(t.feed):
		a.Status = Uncertain
		a.Reason = fmt.Sprintf("sent %s without a known outcome, and the %s has not yet shown one of rtctl's posts on this account, so its silence proves nothing. %s", sent(), t.what, ask())
	case rec.Pending() && !t.covers:
		a.Status = Uncertain
		reach := "no longer reaches back to then"
		if !t.since.IsZero() {
			reach = fmt.Sprintf("proves only what was sent from %s on (its oldest entry, allowing for the two clocks' difference)", t.since.In(loc).Format("2006-01-02 15:04:05"))
		}
		a.Reason = fmt.Sprintf("sent %s without a known outcome, and the %s %s, so its silence proves nothing. %s", sent(), t.what, reach, ask())
	case rec.Pending():
		last := rec.IntentAt
		if seen := m.journal.LastSeen(rec.IntentRun); seen.After(last) {
			last = seen
		}
		if settled := last.Add(SettleAfter); m.plan.Now.Before(settled) {
			a.Status = Uncertain
			a.SettlesAt = settled
			a.Reason = fmt.Sprintf("sent %s without a known outcome; the server may still be handling it, so the %s proves nothing before %s: run again then", rec.IntentAt.In(loc).Format("15:04:05"), t.what, settled.In(loc).Format("15:04"))
			return
		}
		a.Status = Create
		a.Reason = fmt.Sprintf("an earlier attempt got no answer, and the %s, which shows rtctl's posts on this account, shows it never arrived", t.what)
	case rec.Result == journal.Failed:
		a.Status = Create
		a.Reason = "not in the account; the last attempt failed: " + rec.LastError
	default:
		a.Status, a.Reason = Create, "not in the account"
	}
}

// settleUnverified decides an item whose POST was answered 2xx with a body
// that does not prove the write, and that the feeds do not show. It is not
// sent again by itself (the server may well have written it), nor trusted
// forever: once the feed has shown rtctl's posts on this account and the
// time to sync has passed, its absence is put to a person.
func (m *maker) settleUnverified(a *Action, rec journal.Record, t feedTrust, ask func() string) {
	loc := m.plan.Location
	answered := rec.ResultAt.In(loc).Format("2006-01-02 15:04")
	a.Status = InSync
	switch {
	case t.feed == "" || !t.covers:
		a.Reason = fmt.Sprintf("applied %s (journal); RescueTime's answer did not prove the write, and the %s cannot show it", answered, t.what)
	case !m.hasEvidence(t.feed):
		a.Reason = fmt.Sprintf("applied %s (journal); RescueTime's answer did not prove the write, and the %s has not yet shown one of rtctl's posts on this account, so it cannot be checked yet", answered, t.what)
	case m.plan.Now.Before(rec.ResultAt.Add(SettleAfter)):
		a.Reason = fmt.Sprintf("applied %s (journal); RescueTime's answer did not prove the write, and the %s does not show it yet: it is checked again from %s", answered, t.what, rec.ResultAt.Add(SettleAfter).In(loc).Format("15:04"))
	default:
		a.Status = Uncertain
		a.Reason = fmt.Sprintf("RescueTime answered its POST %s with a success that does not prove the write, and the %s, which shows rtctl's posts on this account, does not show it. %s", answered, t.what, ask())
	}
}

// outOfWindow decides an item before the lookback window: rtctl leaves it
// alone, since no feed it reads reaches it. Except one whose POST was sent
// and never answered: nothing will settle it any more, and dropping it
// from the plan would let it be lost, or duplicated, without a word. It
// stays uncertain until a person confirms it or sends it again.
func (m *maker) outOfWindow(a *Action, reason, check string) {
	if rec, ok := m.lookup(a.Key); ok && rec.Pending() {
		a.Status = Uncertain
		a.Reason = fmt.Sprintf("sent %s without a known outcome, and it is now %s, where no feed can show whether it arrived. Check %s in the RescueTime web app: if it is there, run rtctl journal confirm %s; if it is not, run rtctl apply --retry-uncertain --target %s",
			rec.IntentAt.In(m.plan.Location).Format("2006-01-02 15:04"), strings.TrimPrefix(strings.TrimPrefix(reason, "starts "), "dated "), check, a.Address, a.Address)
		return
	}
	a.Status, a.Reason = OutOfWindow, reason
}

// hasEvidence reports whether feed has shown rtctl's own posts on this
// account: before the journal recorded that, nothing proves its silence
// means anything.
func (m *maker) hasEvidence(feed string) bool {
	_, ok := m.journal.Evidence(feed)
	return ok || m.evidenced[feed]
}

// readEvidence looks, before any decision, for the feeds' evidence in this
// read: an item rtctl's journal has as posted (confirmed) that a feed
// shows. Found, it counts for this plan already, and goes to the journal.
func (m *maker) readEvidence() {
	for _, rec := range m.records() {
		if rec.Result != journal.Applied {
			continue
		}
		it, err := decodeItem(rec.Item)
		if err != nil {
			continue
		}
		a := Action{Key: rec.Key}
		switch {
		case it.Highlight != nil && m.highs[rec.Key]:
			m.recordEvidence(&a, journal.Evidence{Feed: journal.FeedHighlights})
		case it.Offline != nil && !m.hasEvidence(journal.FeedOffline):
			o := it.Offline
			d := o.Duration()
			if own, _, _ := m.offline.coverage(o.Start, o.End, o.Activity, nil); own >= d-offlineTolerance(d) {
				m.recordEvidence(&a, journal.Evidence{Feed: journal.FeedOffline, Activity: o.Activity, Category: m.offline.category[normalize(o.Activity)], PostedActivity: o.Activity})
			} else if name, cat, ok := m.offline.shownAs(o.Start, o.End); ok {
				m.recordEvidence(&a, journal.Evidence{Feed: journal.FeedOffline, Activity: name, Category: cat, PostedActivity: o.Activity})
				if normalize(name) != normalize(o.Activity) {
					m.offline.alias = normalize(name)
				}
			}
		}
	}
}

// recordEvidence records that a feed showed an item rtctl's journal has as
// posted: the evidence that the feed shows rtctl's posts, kept once per
// feed.
func (m *maker) recordEvidence(a *Action, ev journal.Evidence) {
	if m.hasEvidence(ev.Feed) {
		return
	}
	rec, ok := m.lookup(a.Key)
	if !ok || rec.Result != journal.Applied {
		return // only a confirmed POST proves what the feed shows of one
	}
	ev.Key, ev.PostedAt, ev.SeenAt = a.Key, rec.ResultAt, m.plan.Now
	m.evidenced[ev.Feed] = true
	m.plan.Evidence = append(m.plan.Evidence, ev)
}

// journalAloneWarnings says when a feed has never shown any of the items
// rtctl's journal has as posted, long after they should have synced: the
// account shows them otherwise or not at all, so they are planned from the
// journal alone, and a lost journal would post them again.
func (m *maker) journalAloneWarnings() {
	for _, f := range []struct{ feed, what, items string }{
		{journal.FeedOffline, "offline time report", "offline blocks"},
		{journal.FeedHighlights, "highlights feed", "highlights"},
	} {
		if m.hasEvidence(f.feed) {
			continue
		}
		n := 0
		var oldest time.Time
		for _, a := range m.plan.Actions {
			if (f.feed == journal.FeedOffline) != (a.Kind == KindOffline) || (f.feed == journal.FeedHighlights) != (a.Kind == KindHighlight) {
				continue
			}
			rec, ok := m.lookup(a.Key)
			if a.Status != InSync || a.observed || !ok || !rec.Done() || m.plan.Now.Sub(rec.ResultAt) < SettleAfter {
				continue
			}
			n++
			if oldest.IsZero() || rec.ResultAt.Before(oldest) {
				oldest = rec.ResultAt
			}
		}
		if n > 0 {
			m.plan.Warnings = append(m.plan.Warnings, fmt.Sprintf("the %s has not shown any of the %d %s rtctl posted on this account (the oldest on %s): here they are planned from the journal alone. Keep the journal (commit it, or keep it between CI runs): without it, rtctl would post them again.",
				f.what, n, f.items, oldest.In(m.plan.Location).Format("2006-01-02")))
		}
	}
}

func (m *maker) orphans() {
	if m.journal == nil {
		return
	}
	var declaredAt map[string]*Action // declared items by base address
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
		if declaredAt == nil {
			declaredAt = map[string]*Action{}
			for i := range m.plan.Actions {
				if d := &m.plan.Actions[i]; d.Status != Orphaned {
					declaredAt[baseAddress(d.Address)] = d
				}
			}
		}
		live := declaredAt[baseAddress(rec.Address)]
		switch {
		case live == nil:
			a.Reason = fmt.Sprintf("%s by rtctl and is no longer declared; the API cannot delete it: remove it in the RescueTime web app (%s), then run rtctl forget %s (or forget --orphaned)", verb, webAppPlace(a.Kind), rec.Address)
		case !sameDay(&Previous{Offline: a.Offline, Highlight: a.Highlight}, live, m.plan.Location):
			// The address names an item of another day now (its date
			// follows today()): this one is the item of its own day.
			day, _ := itemTime(a, m.plan.Location)
			a.Address = fmt.Sprintf("%s (%s)", rec.Address, day.Format(time.DateOnly))
			a.Reason = fmt.Sprintf("%s by rtctl for %s, and %s now declares an item of another day; the API cannot delete it: remove it in the RescueTime web app (%s), then run rtctl forget '%s' (or forget --orphaned)",
				verb, day.Format(time.DateOnly), rec.Address, webAppPlace(a.Kind), a.Address)
		default:
			// The address is declared, by a newer version: this one was
			// superseded (apply --replace, or a lifecycle that posts
			// changes). Its own address form keeps it apart from the live
			// version, for the plan and for rtctl forget.
			when := rec.ResultAt
			if when.IsZero() {
				when = rec.IntentAt
			}
			a.Address = SupersededAddress(rec.Address, when.In(m.plan.Location))
			a.Reason = fmt.Sprintf("an earlier version of %s, which %s by rtctl %s and has since been replaced by the declared one; the API cannot delete it: remove it in the RescueTime web app (%s), then run rtctl forget '%s' (or forget --orphaned)",
				rec.Address, verb, when.In(m.plan.Location).Format("2006-01-02 15:04"), webAppPlace(a.Kind), a.Address)
		}
		m.plan.Actions = append(m.plan.Actions, a)
	}
}

// SupersededAddress is how a plan names an earlier version of a declared
// item that rtctl posted before a newer one replaced it:
// "highlight.e (superseded 2026-12-01)", dated when it was posted. rtctl
// forget takes that form, so that forgetting it never touches the live
// version at the plain address.
func SupersededAddress(address string, postedAt time.Time) string {
	return fmt.Sprintf("%s (superseded %s)", address, postedAt.Format(time.DateOnly))
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
