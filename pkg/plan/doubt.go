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
	entered := map[string]time.Time{}
	for _, h := range r.Highlights {
		entered[HighlightKey(h.Date, h.Description)] = h.CreatedAt
	}
	present, before := 0, 0
	for _, a := range m.plan.Actions {
		if !a.observed {
			continue
		}
		if _, ok := m.lookup(a.Key); ok {
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
		if _, ok := m.lookup(a.Key); ok {
			continue // the journal knows this item: its decision stands
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
