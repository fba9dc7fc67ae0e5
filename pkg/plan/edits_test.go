package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/journal"
)

// applied is the journal of one item rtctl posted: its intent and outcome.
func applied(a Action, at time.Time) []journal.Entry {
	return []journal.Entry{
		{Type: journal.Intent, Key: a.Key, Address: a.Address, Kind: string(a.Kind), Item: a.JournalItem(), Time: at},
		{Type: journal.Outcome, Key: a.Key, Result: journal.Applied, Time: at},
	}
}

func highlightAction(addr, date, desc string) Action {
	return Action{Address: addr, Kind: KindHighlight, Key: HighlightKey(date, desc), Highlight: &Highlight{Date: date, Description: desc}}
}

func offlineAction(addr, from, to, activity string) Action {
	s, e := at(from), at(to)
	return Action{Address: addr, Kind: KindOffline, Key: OfflineKey(s, e, activity, ""), Offline: &Offline{Start: s, End: e, Activity: activity}}
}

// TestMakePairsEdits checks that a declared item that changed since rtctl
// posted it is shown as one held change, not as an unrelated item to create
// beside an orphan: posting it would leave the old one for good.
func TestMakePairsEdits(t *testing.T) {
	now := at("2026-11-20 18:00")
	posted := now.Add(-2 * time.Hour)
	oldShip := highlightAction("highlight.ship", "2026-11-20", "Shipped v1")
	oldStandup := offlineAction("offline_time.standup", "2026-11-20 09:00", "2026-11-20 09:15", "Meeting")
	oldLong := offlineAction("offline_time.offsite", "2026-11-19 09:00", "2026-11-19 12:00", "Offsite")
	j := journalOf(t, append(append(applied(oldShip, posted), applied(oldStandup, posted)...), applied(oldLong, posted)...)...)

	newShip := DesiredHighlight{Address: "highlight.ship", Date: "2026-11-20", Description: "Shipped v1.2"}
	moved := block("offline_time.standup", "2026-11-20 10:00", "2026-11-20 10:15", "Meeting")
	longer := block("offline_time.offsite", "2026-11-19 09:00", "2026-11-19 14:00", "Offsite") // now two chunks
	tomorrow := DesiredHighlight{Address: "highlight.ship", Date: "2026-11-21", Description: "Shipped v1"}

	tests := []struct {
		name string
		d    Desired
		want []got
	}{
		{"an edited highlight is held", Desired{Highlights: []DesiredHighlight{newShip}},
			[]got{{"highlight.ship", Held}}},
		{"a moved block is held", Desired{Offline: []DesiredOffline{moved}},
			[]got{{"offline_time.standup", Held}}},
		{"a block split differently is held, chunk by chunk", Desired{Offline: []DesiredOffline{longer}},
			[]got{{"offline_time.offsite[chunk 1/2]", Held}, {"offline_time.offsite[chunk 2/2]", Held}}},
		{"--replace posts it", Desired{Highlights: []DesiredHighlight{newShip}, Replace: []string{"highlight.ship"}},
			[]got{{"highlight.ship", Create}}},
		{"--replace of a block posts its chunks", Desired{Offline: []DesiredOffline{longer}, Replace: []string{"offline_time.offsite"}},
			[]got{{"offline_time.offsite[chunk 1/2]", Create}, {"offline_time.offsite[chunk 2/2]", Create}}},
		{"the lifecycle setting posts it", Desired{Highlights: []DesiredHighlight{{Address: "highlight.ship", Date: "2026-11-20", Description: "Shipped v1.2", PostChanges: true}}},
			[]got{{"highlight.ship", Create}}},
		{"another day is a new item, and the old one an orphan", Desired{Highlights: []DesiredHighlight{tomorrow}},
			[]got{{"highlight.ship", Deferred}, {"highlight.ship (2026-11-20)", Orphaned}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.d.Location, tt.d.Lookback = berlin, 14*24*time.Hour
			p := Make(tt.d, nil, j, now)
			// The other items of the journal are orphans of this plan.
			declared := map[string]bool{}
			for _, h := range tt.d.Highlights {
				declared[h.Address] = true
			}
			for _, o := range tt.d.Offline {
				declared[o.Address] = true
			}
			var gotStatuses []got
			for _, a := range p.Actions {
				// An orphan at a declared address has a form of its own.
				addr, _, _ := strings.Cut(a.Address, " (")
				if declared[baseAddress(addr)] {
					gotStatuses = append(gotStatuses, got{a.Address, a.Status})
				}
			}
			if diff := cmp.Diff(tt.want, gotStatuses); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
				for _, a := range p.Actions {
					t.Logf("%s %s: %s", a.Status, a.Address, a.Reason)
				}
			}
		})
	}

	p := Make(Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Highlights: []DesiredHighlight{newShip}, Offline: []DesiredOffline{moved}}, nil, j, now)
	for _, a := range p.Actions {
		switch a.Address {
		case "highlight.ship":
			if a.Previous == nil || a.Previous.Highlight.Description != "Shipped v1" {
				t.Errorf("held highlight's previous version: %+v", a.Previous)
			}
			for _, want := range []string{`description "Shipped v1" → "Shipped v1.2"`, "remove the old one in the RescueTime web app (Daily Highlights)", "apply --replace highlight.ship"} {
				if !strings.Contains(a.Reason, want) {
					t.Errorf("reason %q does not say %q", a.Reason, want)
				}
			}
		case "offline_time.standup":
			for _, want := range []string{`start "2026-11-20 09:00" → "2026-11-20 10:00"`, "both blocks count, so that time is counted twice"} {
				if !strings.Contains(a.Reason, want) {
					t.Errorf("reason %q does not say %q", a.Reason, want)
				}
			}
		}
		if a.Status == Orphaned && a.Address != "offline_time.offsite" {
			t.Errorf("%s is listed as orphaned beside its changed version", a.Address)
		}
	}
}

// TestMakeForgotten checks that a forgotten item is no orphan, and that one
// declared again is planned afresh with a reason that says so.
func TestMakeForgotten(t *testing.T) {
	now := at("2026-11-20 18:00")
	ship := highlightAction("highlight.ship", "2026-11-20", "Shipped")
	entries := append(applied(ship, now.Add(-2*time.Hour)), journal.Entry{Type: journal.Forget, Key: ship.Key, Time: now.Add(-time.Hour)})
	j := journalOf(t, entries...)
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour}
	if p := Make(d, nil, j, now); len(p.Actions) != 0 {
		t.Errorf("a forgotten item is still listed: %+v", p.Actions)
	}
	d.Highlights = []DesiredHighlight{{Address: "highlight.ship", Date: "2026-11-20", Description: "Shipped"}}
	p := Make(d, nil, j, now)
	if len(p.Actions) != 1 || p.Actions[0].Status != Create || !strings.Contains(p.Actions[0].Reason, "planned afresh: rtctl forget took it out of rtctl's care on 2026-11-20") {
		t.Errorf("declared again: %+v", p.Actions)
	}
	p = Make(d, &Remote{Highlights: []RemoteHighlight{{Date: "2026-11-20", Description: "Shipped"}}}, j, now)
	if p.Actions[0].Status != InSync {
		t.Errorf("declared again and in the account: %s, want in sync", p.Actions[0].Status)
	}
}

// TestOfflineEditsAreHeldWhenTheReportShowsTheOldBlock reproduces the edits
// that went unseen: the report shows the block rtctl posted, and a changed
// version at the same address read as "present in the account" (new
// details), or as a conflict beside an orphan (moved, new activity). Each is
// one held change, with the old and new values; offline time of another
// source over the new block is still a conflict.
func TestOfflineEditsAreHeldWhenTheReportShowsTheOldBlock(t *testing.T) {
	now := at("2026-11-20 18:00")
	old := block("offline_time.lunch", "2026-11-20 12:00", "2026-11-20 13:00", "Lunch")
	old.Details = "Lunch break"
	oldAction := Action{Address: old.Address, Kind: KindOffline, Key: OfflineKey(old.Start, old.End, old.Activity, old.Details),
		Offline: &Offline{Start: old.Start, End: old.End, Activity: old.Activity, Details: old.Details}}
	j := journalOf(t, applied(oldAction, now.Add(-4*time.Hour))...)
	edit := func(f func(*DesiredOffline)) DesiredOffline {
		o := old
		f(&o)
		return o
	}
	byHand := block("", "2026-11-20 13:00", "2026-11-20 13:30", "Walk")
	tests := []struct {
		name    string
		o       DesiredOffline
		report  []DesiredOffline
		replace bool
		want    Status
		change  string
	}{
		{"new details", edit(func(o *DesiredOffline) { o.Details = "Lunch break (long)" }), nil, false, Held, `details "Lunch break" → "Lunch break (long)"`},
		{"moved by 10 minutes", edit(func(o *DesiredOffline) { o.Start, o.End = at("2026-11-20 12:10"), at("2026-11-20 13:10") }), nil, false, Held, `start "2026-11-20 12:00" → "2026-11-20 12:10"`},
		{"another activity", edit(func(o *DesiredOffline) { o.Activity = "Break" }), nil, false, Held, `activity "Lunch" → "Break"`},
		{"longer", edit(func(o *DesiredOffline) { o.End = at("2026-11-20 13:20") }), nil, false, Held, `end "2026-11-20 13:00" → "2026-11-20 13:20"`},
		{"new details, replaced", edit(func(o *DesiredOffline) { o.Details = "Lunch break (long)" }), nil, true, Create, "replaces the version"},
		{"moved onto offline time of another source", edit(func(o *DesiredOffline) { o.Start, o.End = at("2026-11-20 12:30"), at("2026-11-20 13:30") }), []DesiredOffline{byHand}, false, Conflict, "Walk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Offline: []DesiredOffline{tt.o}}
			if tt.replace {
				d.Replace = []string{old.Address}
			}
			rem := &Remote{Offline: posted(append([]DesiredOffline{old}, tt.report...)...)}
			p := Make(d, rem, j, now)
			if diff := cmp.Diff([]got{{old.Address, tt.want}}, statuses(p)); diff != "" {
				t.Fatalf("statuses (-want +got):\n%s\n%s", diff, p.Actions[0].Reason)
			}
			if a := p.Actions[0]; !strings.Contains(a.Reason, tt.change) {
				t.Errorf("reason %q does not say %q", a.Reason, tt.change)
			}
		})
	}
}

// TestHeldEditOfAnUnansweredPost: the held reason of an item whose earlier
// version was sent without an answer does not claim rtctl posted it.
func TestHeldEditOfAnUnansweredPost(t *testing.T) {
	now := at("2026-11-20 18:00")
	old := highlightAction("highlight.ship", "2026-11-20", "Shipped v1")
	j := journalOf(t, intentOf(old, now.Add(-2*time.Hour)))
	d := Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Highlights: []DesiredHighlight{{Address: "highlight.ship", Date: "2026-11-20", Description: "Shipped v1.2"}}}
	a := findAction(t, Make(d, nil, j, now), "highlight.ship")
	if a.Status != Held {
		t.Fatalf("%s (%s), want held", a.Status, a.Reason)
	}
	if strings.Contains(a.Reason, "posted it") || !strings.Contains(a.Reason, "got no answer") {
		t.Errorf("reason %q should say the old version's POST got no answer, not that rtctl posted it", a.Reason)
	}
}
