package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

func intentOf(a Action, at time.Time) journal.Entry {
	return journal.Entry{Type: journal.Intent, Key: a.Key, Address: a.Address, Kind: string(a.Kind), Item: a.JournalItem(), Time: at, Run: "r1"}
}

// TestUncertainHighlightOlderThanTheFeedIsNotResent reproduces the
// duplicate: a highlight sent with its answer lost, planned 31 days later
// with a 45-day lookback, while the feed lists only the last 30 days. The
// feed's silence says nothing about what was entered before the oldest
// item it returned.
func TestUncertainHighlightOlderThanTheFeedIsNotResent(t *testing.T) {
	now := at("2026-11-20 18:00")
	sent := now.Add(-31 * 24 * time.Hour)
	lost := highlightAction("highlight.release", "2026-10-20", "Released v1")
	seen := highlightAction("highlight.seen", "2026-11-18", "Seen")
	j := journalOf(t,
		journal.Entry{Type: journal.EvidenceEntry, Evidence: &journal.Evidence{Feed: journal.FeedHighlights}},
		intentOf(lost, sent),
	)
	// The feed reaches back 30 days: its oldest item was entered then.
	rem := &Remote{Highlights: []RemoteHighlight{{Date: "2026-11-18", Description: "Seen", CreatedAt: now.Add(-30 * 24 * time.Hour)}}}
	d := Desired{Location: berlin, Lookback: 45 * 24 * time.Hour, Highlights: []DesiredHighlight{
		{Address: lost.Address, Date: lost.Highlight.Date, Description: lost.Highlight.Description},
		{Address: seen.Address, Date: seen.Highlight.Date, Description: seen.Highlight.Description},
	}}
	p := Make(d, rem, j, now)
	a := findAction(t, p, "highlight.release")
	if a.Status != Uncertain || !strings.Contains(a.Reason, "proves only what was sent from 2026-10-21") {
		t.Fatalf("%s: %s, want uncertain because the feed does not reach back", a.Status, a.Reason)
	}
	// Sent 10 days ago, inside what the feed showed: absence settles it.
	j = journalOf(t,
		journal.Entry{Type: journal.EvidenceEntry, Evidence: &journal.Evidence{Feed: journal.FeedHighlights}},
		intentOf(lost, now.Add(-10*24*time.Hour)),
	)
	if a := findAction(t, Make(d, rem, j, now), "highlight.release"); a.Status != Create {
		t.Errorf("inside the feed's reach: %s (%s), want create", a.Status, a.Reason)
	}
	// An empty feed reaches nowhere.
	if a := findAction(t, Make(d, &Remote{}, j, now), "highlight.release"); a.Status != Uncertain {
		t.Errorf("empty feed: %s, want uncertain", a.Status)
	}
}

// TestOfflineReportShownUnderAnotherName checks the models of the unknown
// report shape: a confirmed block the report shows under another name
// teaches the planner that name (evidence for the journal); with that
// evidence, blocks shown so are present, and never posted twice.
func TestOfflineReportShownUnderAnotherName(t *testing.T) {
	now := at("2026-11-20 18:00")
	first := block("offline_time.first", "2026-11-20 09:00", "2026-11-20 09:30", "Meeting")
	second := block("offline_time.second", "2026-11-20 11:00", "2026-11-20 11:15", "Call")
	firstA := offlineAction(first.Address, "2026-11-20 09:00", "2026-11-20 09:30", "Meeting")
	secondA := offlineAction(second.Address, "2026-11-20 11:00", "2026-11-20 11:15", "Call")
	renamed := func(bs ...DesiredOffline) []OfflineBucket {
		var rows []OfflineBucket
		for _, b := range posted(bs...) {
			b.Activity, b.Category = "Offline Time", "Uncategorized"
			rows = append(rows, b)
		}
		return rows
	}
	rem := &Remote{Offline: renamed(first, second)}
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Offline: []DesiredOffline{first, second}}

	// Only the lost block in the journal: the renamed time where it goes
	// may be it, so it is a conflict, never a second post.
	lostOnly := journalOf(t, intentOf(secondA, now.Add(-2*time.Hour)))
	if a := findAction(t, Make(d, rem, lostOnly, now), second.Address); a.Status != Conflict || !strings.Contains(a.Reason, `"Offline Time"`) {
		t.Errorf("lost block without evidence: %s (%s), want a conflict naming what the report shows", a.Status, a.Reason)
	}

	// first was confirmed: the report shows it renamed, which teaches the
	// name; the lost block, shown so, is present.
	j := journalOf(t, append(applied(firstA, now.Add(-2*time.Hour)), intentOf(secondA, now.Add(-2*time.Hour)))...)
	p := Make(d, rem, j, now)
	if len(p.Evidence) != 1 || p.Evidence[0].Activity != "Offline Time" || p.Evidence[0].PostedActivity != "Meeting" {
		t.Fatalf("evidence %+v, want the report's own name learned from the confirmed block", p.Evidence)
	}
	for _, addr := range []string{first.Address, second.Address} {
		if a := findAction(t, p, addr); a.Status != InSync {
			t.Errorf("%s: %s (%s), want in sync", addr, a.Status, a.Reason)
		}
	}
	// Recorded, the evidence keeps working in later plans.
	j.Apply(journal.Entry{Type: journal.EvidenceEntry, Evidence: &p.Evidence[0]})
	if p := Make(d, rem, j, now); len(p.Evidence) != 0 || findAction(t, p, second.Address).Status != InSync {
		t.Errorf("with recorded evidence: %+v", p.Actions)
	}
}

// TestHiddenOfflineTimeIsPlannedFromTheJournalAlone checks that when the
// report never shows rtctl's offline time, unanswered posts stay uncertain
// and the plan says plainly that only the journal protects the rest.
func TestHiddenOfflineTimeIsPlannedFromTheJournalAlone(t *testing.T) {
	now := at("2026-11-20 18:00")
	first := block("offline_time.first", "2026-11-20 09:00", "2026-11-20 09:30", "Meeting")
	firstA := offlineAction(first.Address, "2026-11-20 09:00", "2026-11-20 09:30", "Meeting")
	j := journalOf(t, applied(firstA, now.Add(-2*time.Hour))...)
	p := Make(Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Offline: []DesiredOffline{first}}, &Remote{}, j, now)
	if a := findAction(t, p, first.Address); a.Status != InSync {
		t.Errorf("%s, want in sync from the journal", a.Status)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "the offline time report has not shown any of the 1 offline blocks rtctl posted") || !strings.Contains(p.Warnings[0], "planned from the journal alone") {
		t.Errorf("warnings %q", p.Warnings)
	}
	if len(p.Evidence) != 0 {
		t.Errorf("evidence %+v from a report that shows nothing", p.Evidence)
	}
}

func findAction(t *testing.T, p *Plan, address string) Action {
	t.Helper()
	for _, a := range p.Actions {
		if a.Address == address {
			return a
		}
	}
	t.Fatalf("no action %s in %+v", address, p.Actions)
	return Action{}
}

// An item whose POST went unanswered and that then left the lookback
// window stays uncertain: as out of window it would drop from every plan,
// lost (or posted by hand twice) without a word. Reproduced by the long
// crash run, whose clock outran its oldest blocks.
func TestUnansweredItemLeavingTheWindowStaysUncertain(t *testing.T) {
	now := at("2026-11-20 18:00")
	old := block("offline_time.old", "2026-11-01 09:00", "2026-11-01 09:30", "Meeting")
	oldA := offlineAction(old.Address, "2026-11-01 09:00", "2026-11-01 09:30", "Meeting")
	note := highlightAction("highlight.note", "2026-11-01", "Note")
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Offline: []DesiredOffline{old},
		Highlights: []DesiredHighlight{{Address: note.Address, Date: note.Highlight.Date, Description: note.Highlight.Description}}}

	p := Make(d, &Remote{}, journalOf(t, intentOf(oldA, at("2026-11-01 10:00")), intentOf(note, at("2026-11-01 10:00"))), now)
	for _, addr := range []string{old.Address, note.Address} {
		a := findAction(t, p, addr)
		if a.Status != Uncertain || !strings.Contains(a.Reason, "rtctl journal confirm "+addr) || !strings.Contains(a.Reason, "before the lookback window") {
			t.Errorf("%s: %s (%s), want uncertain, saying why and what to run", addr, a.Status, a.Reason)
		}
	}
	// Never sent, or answered: out of the window, as always.
	p = Make(d, &Remote{}, journalOf(t, applied(oldA, at("2026-11-01 10:00"))...), now)
	for _, addr := range []string{old.Address, note.Address} {
		if a := findAction(t, p, addr); a.Status != OutOfWindow {
			t.Errorf("%s: %s, want out of window", addr, a.Status)
		}
	}
}

// TestCappedHighlightsFeedProvesNothingInItsOldestSecond reproduces the
// duplicate of a capped feed: its times of entry have whole seconds, the
// journal's intents do not, and a highlight entered in the same second as
// the oldest one listed may have been cut from the feed. Nor does the feed
// prove anything about an intent a server clock a little behind rtctl's
// dated before its oldest entry.
func TestCappedHighlightsFeedProvesNothingInItsOldestSecond(t *testing.T) {
	oldest := time.Date(2026, 11, 20, 22, 51, 54, 0, time.UTC)
	lost := highlightAction("highlight.a", "2026-11-19", "Highlight a")
	rem := &Remote{}
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Highlights: []DesiredHighlight{
		{Address: lost.Address, Date: lost.Highlight.Date, Description: lost.Highlight.Description},
	}}
	for i := range 5 {
		desc := string(rune('f'+i)) + " (listed)"
		rem.Highlights = append(rem.Highlights, RemoteHighlight{Date: "2026-11-19", Description: desc, CreatedAt: oldest})
	}
	for _, tc := range []struct {
		name   string
		intent time.Time
		want   Status
	}{
		{"in the oldest entry's second", oldest.Add(880 * time.Millisecond), Uncertain},
		{"a server clock 2 s behind", oldest.Add(2*time.Second + 500*time.Millisecond), Uncertain},
		{"within the clock margin", oldest.Add(ClockSkewMargin), Uncertain},
		{"past the margin", oldest.Add(time.Second + ClockSkewMargin), Create},
		{"before the oldest entry", oldest.Add(-time.Hour), Uncertain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := journalOf(t,
				journal.Entry{Type: journal.EvidenceEntry, Evidence: &journal.Evidence{Feed: journal.FeedHighlights}},
				intentOf(lost, tc.intent),
			)
			// Far past the settle time: only coverage decides.
			a := findAction(t, Make(d, rem, j, tc.intent.Add(time.Hour)), "highlight.a")
			if a.Status != tc.want {
				t.Errorf("%s (%s), want %s", a.Status, a.Reason, tc.want)
			}
		})
	}
}

func TestFeedPrecision(t *testing.T) {
	base := time.Date(2026, 11, 20, 9, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		times []time.Time
		want  time.Duration
	}{
		{[]time.Time{base, base.Add(time.Minute)}, time.Minute},
		{[]time.Time{base, base.Add(7 * time.Second)}, time.Second},
		{[]time.Time{base, base.Add(1500 * time.Millisecond)}, time.Millisecond},
		{[]time.Time{base.Add(3)}, time.Nanosecond},
	} {
		if got := feedPrecision(tc.times); got != tc.want {
			t.Errorf("feedPrecision(%v) = %v, want %v", tc.times, got, tc.want)
		}
	}
}

// TestUnverifiedSuccessIsCheckedInTheReport: a block whose POST was
// answered 2xx without proof is in sync while the report cannot tell, is
// verified (a Settled outcome) when the report shows it, and is put to a
// person when a report that shows rtctl's posts still lacks it after the
// time to sync.
func TestUnverifiedSuccessIsCheckedInTheReport(t *testing.T) {
	now := at("2026-11-20 18:00")
	b := block("offline_time.standup", "2026-11-20 09:00", "2026-11-20 09:15", "Standup")
	a := offlineAction(b.Address, "2026-11-20 09:00", "2026-11-20 09:15", "Standup")
	sent := now.Add(-time.Hour)
	entries := []journal.Entry{intentOf(a, sent), {Type: journal.Outcome, Key: a.Key, Result: journal.AppliedUnverified, Time: sent}}
	evidence := journal.Entry{Type: journal.EvidenceEntry, Evidence: &journal.Evidence{Feed: journal.FeedOffline, Activity: "Other", PostedActivity: "Other"}}
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Offline: []DesiredOffline{b}}

	// No evidence that the report shows rtctl's posts: nothing to check.
	if got := findAction(t, Make(d, &Remote{}, journalOf(t, entries...), now), b.Address); got.Status != InSync {
		t.Errorf("without evidence: %s (%s), want in sync", got.Status, got.Reason)
	}
	withEvidence := journalOf(t, append([]journal.Entry{evidence}, entries...)...)
	// Within the time to sync: in sync, the doubt said.
	if got := findAction(t, Make(d, &Remote{}, withEvidence, sent.Add(10*time.Minute)), b.Address); got.Status != InSync || !strings.Contains(got.Reason, "did not prove the write") {
		t.Errorf("before the sync time: %s (%s)", got.Status, got.Reason)
	}
	// Past it, absent from the report: a person is asked.
	if got := findAction(t, Make(d, &Remote{}, withEvidence, now), b.Address); got.Status != Uncertain || !strings.Contains(got.Reason, "journal confirm "+b.Address) {
		t.Errorf("absent after the sync time: %s (%s), want uncertain", got.Status, got.Reason)
	}
	// Shown by the report: verified, the journal told.
	pr := &Prepared{Journal: withEvidence, Plan: Make(d, &Remote{Offline: posted(b)}, withEvidence, now)}
	if got := findAction(t, pr.Plan, b.Address); got.Status != InSync {
		t.Errorf("shown by the report: %s (%s)", got.Status, got.Reason)
	}
	var settled bool
	for _, e := range pr.Settled() {
		settled = settled || (e.Key == a.Key && e.Result == journal.Settled)
	}
	if !settled {
		t.Error("the report showed the unverified block, but no Settled outcome is written for it")
	}
}
