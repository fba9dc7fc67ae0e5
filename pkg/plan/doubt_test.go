package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/journal"
)

// TestLostJournalPostsOnlyWhatTheFeedsProveAbsent reproduces the lost
// journal: everything applied, the journal deleted, and the next run
// posted again all the feeds did not show (a capped feed, a sync delay, a
// hidden report), without a word. The account showing declared items the
// journal has no record of puts it in doubt: the plan says so first, and
// holds as uncertain what the feeds cannot prove absent.
func TestLostJournalPostsOnlyWhatTheFeedsProveAbsent(t *testing.T) {
	now := at("2026-11-20 18:00")
	shown := DesiredHighlight{Address: "highlight.shown", Date: "2026-11-19", Description: "Shown"}
	hidden := DesiredHighlight{Address: "highlight.hidden", Date: "2026-11-19", Description: "Cut from the capped feed"}
	block := block("offline_time.standup", "2026-11-20 09:00", "2026-11-20 09:15", "Standup")
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Highlights: []DesiredHighlight{shown, hidden}, Offline: []DesiredOffline{block}}
	rem := &Remote{Highlights: []RemoteHighlight{{Date: shown.Date, Description: shown.Description, CreatedAt: at("2026-11-19 20:00")}}}

	empty := journalOf(t)
	p := Make(d, rem, empty, now)
	want := []got{{"highlight.shown", InSync}, {"highlight.hidden", Uncertain}, {"offline_time.standup", Uncertain}}
	if diff := cmp.Diff(want, statuses(p), cmpSortGot); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	if !strings.Contains(p.JournalDoubt, "the journal is empty, but the account already holds 1 of the declared items") {
		t.Errorf("JournalDoubt = %q", p.JournalDoubt)
	}
	if r := findAction(t, p, "highlight.hidden").Reason; !strings.Contains(r, "rtctl journal adopt highlight.hidden") || !strings.Contains(r, "--retry-uncertain --target highlight.hidden") {
		t.Errorf("the reason names no way out: %s", r)
	}

	// An empty journal and an account that shows nothing declared: a first
	// run, nothing to doubt.
	if p := Make(d, &Remote{}, empty, now); p.JournalDoubt != "" || findAction(t, p, "highlight.hidden").Status != Create {
		t.Errorf("first run: doubt %q, %s", p.JournalDoubt, findAction(t, p, "highlight.hidden").Status)
	}
}

// TestYoungerJournalTrustsWhatTheFeedsProve: a journal begun after the
// lost one, which has since shown that the feeds show rtctl's posts. A
// declared highlight entered before it began puts it in doubt; an item the
// feeds cover from the first moment rtctl could have posted it, long after
// the journal began, is proven absent and created; one they do not cover
// is uncertain.
func TestYoungerJournalTrustsWhatTheFeedsProve(t *testing.T) {
	now := at("2026-11-20 18:00")
	began := at("2026-11-18 12:00")
	known := highlightAction("highlight.known", "2026-11-18", "Known")
	j := journalOf(t, append([]journal.Entry{
		{Type: journal.EvidenceEntry, Evidence: &journal.Evidence{Feed: journal.FeedHighlights}},
		{Type: journal.EvidenceEntry, Evidence: &journal.Evidence{Feed: journal.FeedOffline, Activity: "Standup", PostedActivity: "Standup"}},
	}, applied(known, began)...)...)
	old := DesiredHighlight{Address: "highlight.old", Date: "2026-11-17", Description: "Entered before the journal"}
	covered := DesiredHighlight{Address: "highlight.covered", Date: "2026-11-19", Description: "Dated inside the feed's reach"}
	uncovered := DesiredHighlight{Address: "highlight.uncovered", Date: "2026-11-16", Description: "Dated before the feed's reach"}
	standup := block("offline_time.standup", "2026-11-18 09:00", "2026-11-18 09:15", "Standup")
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Offline: []DesiredOffline{standup}, Highlights: []DesiredHighlight{
		{Address: known.Address, Date: known.Highlight.Date, Description: known.Highlight.Description}, old, covered, uncovered,
	}}
	rem := &Remote{Highlights: []RemoteHighlight{
		{Date: old.Date, Description: old.Description, CreatedAt: at("2026-11-17 10:00")},
		{Date: known.Highlight.Date, Description: known.Highlight.Description, CreatedAt: began},
	}}
	p := Make(d, rem, j, now)
	want := []got{
		{"highlight.known", InSync}, {"highlight.old", InSync}, {"highlight.covered", Create},
		{"highlight.uncovered", Uncertain}, {"offline_time.standup", Create},
	}
	if diff := cmp.Diff(want, statuses(p), cmpSortGot); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	if !strings.Contains(p.JournalDoubt, "1 declared highlight entered before this journal began") {
		t.Errorf("JournalDoubt = %q", p.JournalDoubt)
	}
	// Within the time to sync after the journal began, nothing is proven.
	p = Make(d, rem, j, began.Add(10*time.Minute))
	if a := findAction(t, p, "offline_time.standup"); a.Status != Uncertain {
		t.Errorf("right after the journal began: %s (%s), want uncertain", a.Status, a.Reason)
	}
}

// TestDoubtFromTheCaller: another journal of the account beside this one,
// or a lock file of an apply whose journal is gone, said by the caller
// without a time: nothing the journal lacks is created.
func TestDoubtFromTheCaller(t *testing.T) {
	now := at("2026-11-20 18:00")
	j := journalOf(t, journal.Entry{Type: journal.EvidenceEntry, Evidence: &journal.Evidence{Feed: journal.FeedHighlights}})
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour,
		Highlights:    []DesiredHighlight{{Address: "highlight.a", Date: "2026-11-20", Description: "A"}},
		JournalDoubts: []JournalDoubt{{Reason: "another journal of this account is beside it (.rtctl/journal-1234abcd.jsonl)"}},
	}
	p := Make(d, &Remote{Highlights: []RemoteHighlight{{Date: "2026-11-01", Description: "x", CreatedAt: at("2026-11-01 10:00")}}}, j, now)
	if a := findAction(t, p, "highlight.a"); a.Status != Uncertain {
		t.Errorf("%s (%s), want uncertain", a.Status, a.Reason)
	}
	if !strings.HasPrefix(p.JournalDoubt, "This journal may not be the account's whole record: another journal of this account") {
		t.Errorf("JournalDoubt = %q", p.JournalDoubt)
	}
}

var cmpSortGot = cmp.Transformer("sort", func(in []got) map[string]Status {
	out := map[string]Status{}
	for _, g := range in {
		out[g.Address] = g.Status
	}
	return out
})
