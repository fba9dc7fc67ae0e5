package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

// JournalDoubt is a reason to believe the journal in use is not the whole
// record of what rtctl posted to the account: it was lost and started
// again, another journal of the account lies beside it, or another machine
// applies the account. The planner trusts "no record of it" as "never
// posted" only without one.
type JournalDoubt struct {
	// Reason says what was found, for the plan's first line.
	Reason string
	// Since is when the posts the journal may lack could have been made
	// until: a journal started afresh at this time, or another journal's
	// last entry. Zero when unknown (they could be happening now).
	Since time.Time
}

// doubtJournal gathers the reasons to doubt the journal: those the caller
// found (d.JournalDoubts: a lock file of an apply with no journal, another
// journal of the account beside it) and what the feeds show, which only
// the planner sees: declared items present in the account that the
// journal has no record of, while the journal is empty, or entered before
// it began.
//
// A nil journal is a plan made without one (a preview, a test), which
// claims nothing about what was posted: only the caller's reasons count.
func (m *maker) doubtJournal(d Desired, r *Remote) []JournalDoubt {
	doubts := append([]JournalDoubt(nil), d.JournalDoubts...)
	if m.journal == nil {
		return doubts
	}
	var first time.Time // the journal's first intent
	empty := true
	for _, rec := range m.records() {
		empty = false
		if rec.Attempts > 0 && (first.IsZero() || rec.IntentAt.Before(first)) {
			first = rec.IntentAt
		}
	}
	// The account's other journals are its record too (OtherJournal).
	known := func(key string) bool {
		if _, ok := m.lookup(key); ok {
			return true
		}
		for _, o := range d.OtherJournals {
			if rec, ok := o.State.Lookup(key); ok && !rec.Forgotten {
				return true
			}
		}
		return false
	}
	for _, o := range d.OtherJournals {
		if o.State.Len() > 0 {
			empty = false
		}
	}
	entered := map[string]time.Time{}
	for _, h := range r.Highlights {
		entered[HighlightKey(h.Date, h.Description)] = h.CreatedAt
	}
	present, before := 0, 0
	for _, a := range m.plan.Actions {
		if !a.observed {
			continue
		}
		if known(a.Key) {
			continue
		}
		present++
		if at, ok := entered[a.Key]; ok && !at.IsZero() && !first.IsZero() && at.Before(first) {
			before++
		}
	}
	switch {
	case empty && present > 0:
		doubts = append(doubts, JournalDoubt{Reason: fmt.Sprintf("the journal is empty, but the account already holds %d of the declared items", present)})
	case before > 0:
		doubts = append(doubts, JournalDoubt{
			Reason: fmt.Sprintf("the account holds %d declared highlight%s entered before this journal began (%s) that it has no record of", before, plural(before), first.In(m.plan.Location).Format("2006-01-02 15:04")),
			Since:  first,
		})
	}
	return doubts
}

// OtherJournal is another journal of the same account than the one in
// use (another path given with --journal or RTCTL_JOURNAL, beside it in
// .rtctl, or recorded as started for the account): what it recorded is as
// much rtctl's record of the account as the journal in use.
type OtherJournal struct {
	Path  string
	State *journal.State
}

// applyOtherJournals counts what other journals of the account recorded:
// an item this journal would create, or holds as failed, not sent or
// absent, that another journal has posted is in the account; one another
// journal sent without an answer is uncertain. Without this, a run on
// either journal posted again what the other had posted.
func (m *maker) applyOtherJournals(others []OtherJournal) {
	if len(others) == 0 {
		return
	}
	for i := range m.plan.Actions {
		a := &m.plan.Actions[i]
		if a.Status != Create || a.Previous != nil {
			continue
		}
		if rec, ok := m.lookup(a.Key); ok && rec.Pending() {
			continue
		}
		for _, o := range others {
			rec, ok := o.State.Lookup(a.Key)
			if !ok || rec.Forgotten {
				continue
			}
			switch {
			case rec.Done():
				a.Status = InSync
				a.Reason = fmt.Sprintf("posted by rtctl %s, as another journal of this account records (%s)", rec.ResultAt.In(m.plan.Location).Format("2006-01-02 15:04"), o.Path)
			case rec.Pending():
				a.Status = Uncertain
				a.Reason = fmt.Sprintf("sent by rtctl %s without a known outcome, as another journal of this account records (%s). Settle it there: run its plan (--journal %s), or check the web app and run rtctl journal adopt %s if it is there, rtctl apply --retry-uncertain --target %s if not",
					rec.IntentAt.In(m.plan.Location).Format("2006-01-02 15:04"), o.Path, o.Path, a.Address, a.Address)
			default:
				continue
			}
			break
		}
	}
	var paths []string
	for _, o := range others {
		paths = append(paths, o.Path)
	}
	m.plan.Warnings = append(m.plan.Warnings, fmt.Sprintf("another journal of this account is in use (%s): its records count in this plan, so nothing one posted is posted again by the other; keep one journal per account (rtctl journal --all lists them)", strings.Join(paths, ", ")))
}

// applyDoubt keeps to the feeds' proof when the journal is in doubt: an
// item with no record of it that the feeds do not show is created only
// where a feed that has shown rtctl's posts on this account covers every
// moment it could have been posted, long enough after the last of those
// moments to have synced. Everything else is uncertain, with the way out.
func (m *maker) applyDoubt(doubts []JournalDoubt) {
	// A journal lost before the window began posted nothing the window
	// still holds.
	doubts = slices.DeleteFunc(slices.Clone(doubts), func(d JournalDoubt) bool {
		return !d.Since.IsZero() && d.Since.Before(m.plan.WindowStart)
	})
	if len(doubts) == 0 {
		return
	}
	var reasons []string
	since := time.Time{}
	unknownSince := false
	for _, d := range doubts {
		reasons = append(reasons, d.Reason)
		if d.Since.IsZero() {
			unknownSince = true
		} else if d.Since.After(since) {
			since = d.Since
		}
	}
	why := strings.Join(reasons, "; ")
	held := 0
	for i := range m.plan.Actions {
		a := &m.plan.Actions[i]
		if a.Status != Create || a.Previous != nil || (a.Kind != KindOffline && a.Kind != KindHighlight) {
			continue
		}
		// An item this journal sent without an answer is decided by the
		// feeds (settle). One it failed, did not send, or found absent may
		// still have been posted by the journal in doubt: checked as if
		// it had no record.
		if rec, ok := m.lookup(a.Key); ok && rec.Pending() {
			continue
		}
		if !unknownSince && m.provenAbsent(a, since) {
			continue
		}
		held++
		var check string
		if a.Highlight != nil {
			check = "the Daily Highlights of " + a.Highlight.Date
		} else {
			check = fmt.Sprintf("the Offline Time of %s around %s", a.Offline.Start.In(m.plan.Location).Format("2006-01-02"), a.Offline.Start.In(m.plan.Location).Format("15:04"))
		}
		a.Status = Uncertain
		a.Reason = fmt.Sprintf("not shown in the account and not in this journal, but the journal may not hold all rtctl posted (%s), and the feeds cannot prove it was never posted. Check %s in the RescueTime web app: if it is there, run rtctl journal adopt %s; if it is not, run rtctl apply --retry-uncertain --target %s",
			why, check, a.Address, a.Address)
	}
	settled := "the feeds settle every item"
	switch held {
	case 0:
	case 1:
		settled = "1 item the feeds cannot settle is uncertain"
	default:
		settled = fmt.Sprintf("%d items the feeds cannot settle are uncertain", held)
	}
	m.plan.JournalDoubt = fmt.Sprintf("This journal may not be the account's whole record: %s. Only what the feeds prove absent is planned; %s. If rtctl's journal was lost or another copy of this configuration applies the account, keep one journal (see rtctl journal --all); items you find in the account are recorded with rtctl journal adopt, the others sent with rtctl apply --retry-uncertain.",
		why, settled)
}

// provenAbsent reports whether a feed proves that an item rtctl has no
// record of was not posted before since: the feed has shown rtctl's posts
// on this account, reaches back to the first moment rtctl could have
// posted it, and since was long enough ago for such a post to show.
func (m *maker) provenAbsent(a *Action, since time.Time) bool {
	if m.plan.Now.Before(since.Add(SettleAfter)) {
		return false
	}
	switch a.Kind {
	case KindOffline:
		// The report is read over the whole window; rtctl posts a block
		// only once it has ended.
		return m.hasEvidence(journal.FeedOffline)
	case KindHighlight:
		// rtctl posts a highlight on its date or later.
		day, err := time.ParseInLocation(time.DateOnly, a.Highlight.Date, m.plan.Location)
		return err == nil && m.hasEvidence(journal.FeedHighlights) && !m.highlightsCover.IsZero() && !day.Before(m.highlightsCover)
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
