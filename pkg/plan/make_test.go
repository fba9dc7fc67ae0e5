package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

var berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at parses a wall-clock time in Berlin.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
	if err != nil {
		panic(err)
	}
	return t
}

// posted turns offline blocks into the five-minute rows the Analytic Data
// API reports for them, the way the account would show them once posted.
func posted(blocks ...DesiredOffline) []OfflineBucket {
	var rows []OfflineBucket
	for _, b := range blocks {
		for s := b.Start.Truncate(bucket); s.Before(b.End); s = s.Add(bucket) {
			secs := overlapLen(s, s.Add(bucket), b.Start, b.End)
			rows = append(rows, OfflineBucket{Start: s, Activity: b.Activity, Seconds: int(secs / time.Second)})
		}
	}
	return rows
}

func block(addr, from, to, activity string) DesiredOffline {
	return DesiredOffline{Address: addr, Start: at(from), End: at(to), Activity: activity}
}

type got struct {
	Address string
	Status  Status
}

func statuses(p *Plan) []got {
	var out []got
	for _, a := range p.Actions {
		out = append(out, got{a.Address, a.Status})
	}
	return out
}

func journalOf(t *testing.T, entries ...journal.Entry) *journal.State {
	t.Helper()
	st := &journal.State{}
	for _, e := range entries {
		st.Apply(e)
	}
	return st
}

func TestMakeOffline(t *testing.T) {
	now := at("2026-11-20 18:00")
	standup := block("offline_time.standup", "2026-11-20 09:00", "2026-11-20 09:15", "Meeting")
	tests := []struct {
		name   string
		now    time.Time
		blocks []DesiredOffline
		remote []OfflineBucket
		want   []got
	}{
		{
			name:   "absent block that ended is created",
			blocks: []DesiredOffline{standup},
			want:   []got{{"offline_time.standup", Create}},
		},
		{
			name:   "posted block is in sync",
			blocks: []DesiredOffline{standup},
			remote: posted(standup),
			want:   []got{{"offline_time.standup", InSync}},
		},
		{
			name:   "block ending exactly now is created",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-20 17:00", "2026-11-20 18:00", "Meeting")},
			want:   []got{{"offline_time.b", Create}},
		},
		{
			name:   "block ending after now is deferred",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-20 17:30", "2026-11-20 18:01", "Meeting")},
			want:   []got{{"offline_time.b", Deferred}},
		},
		{
			name:   "block older than the lookback is out of window",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-01 09:00", "2026-11-01 10:00", "Meeting")},
			want:   []got{{"offline_time.b", OutOfWindow}},
		},
		{
			name:   "block half inside the window is out of window",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-06 17:00", "2026-11-06 19:00", "Meeting")},
			want:   []got{{"offline_time.b", OutOfWindow}},
		},
		{
			name:   "block crossing midnight is created whole",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-19 23:00", "2026-11-20 01:00", "Travel")},
			want:   []got{{"offline_time.b", Create}},
		},
		{
			name:   "block crossing midnight matches its buckets on both days",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-19 23:00", "2026-11-20 01:00", "Travel")},
			remote: posted(block("x", "2026-11-19 23:00", "2026-11-20 01:00", "Travel")),
			want:   []got{{"offline_time.b", InSync}},
		},
		{
			name:   "block across the DST change keeps its elapsed length",
			now:    at("2026-10-26 12:00"),
			blocks: []DesiredOffline{{Address: "offline_time.night", Start: time.Date(2026, 10, 25, 1, 30, 0, 0, berlin), End: time.Date(2026, 10, 25, 3, 30, 0, 0, berlin), Activity: "Flight"}},
			remote: posted(DesiredOffline{Start: time.Date(2026, 10, 25, 1, 30, 0, 0, berlin), End: time.Date(2026, 10, 25, 3, 30, 0, 0, berlin), Activity: "Flight"}),
			want:   []got{{"offline_time.night", InSync}},
		},
		{
			name:   "a block in the hour that repeats matches the naive buckets the API reports",
			now:    at("2026-10-26 12:00"),
			blocks: []DesiredOffline{{Address: "offline_time.late", Start: time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 25, 1, 40, 0, 0, time.UTC), Activity: "Flight"}},
			// 02:00-02:40 CET, the second 02:00 of the night; the API's rows
			// carry only "02:00", which reads back as the first one.
			remote: []OfflineBucket{
				{Start: time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), Activity: "Flight", Seconds: 300},
				{Start: time.Date(2026, 10, 25, 0, 5, 0, 0, time.UTC), Activity: "Flight", Seconds: 300},
				{Start: time.Date(2026, 10, 25, 0, 10, 0, 0, time.UTC), Activity: "Flight", Seconds: 300},
				{Start: time.Date(2026, 10, 25, 0, 15, 0, 0, time.UTC), Activity: "Flight", Seconds: 300},
				{Start: time.Date(2026, 10, 25, 0, 20, 0, 0, time.UTC), Activity: "Flight", Seconds: 300},
				{Start: time.Date(2026, 10, 25, 0, 25, 0, 0, time.UTC), Activity: "Flight", Seconds: 300},
				{Start: time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), Activity: "Flight", Seconds: 300},
				{Start: time.Date(2026, 10, 25, 0, 35, 0, 0, time.UTC), Activity: "Flight", Seconds: 300},
			},
			want: []got{{"offline_time.late", InSync}},
		},
		{
			name:   "a 4h block is posted whole",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-20 08:00", "2026-11-20 12:00", "Workshop")},
			want:   []got{{"offline_time.b", Create}},
		},
		{
			name:   "a 4h01m block is split in two",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-20 08:00", "2026-11-20 12:01", "Workshop")},
			want:   []got{{"offline_time.b[chunk 1/2]", Create}, {"offline_time.b[chunk 2/2]", Create}},
		},
		{
			name:   "chunks are planned on their own",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-20 08:00", "2026-11-20 17:00", "Offsite")},
			remote: posted(block("x", "2026-11-20 08:00", "2026-11-20 11:00", "Offsite")),
			want:   []got{{"offline_time.b[chunk 2/3]", Create}, {"offline_time.b[chunk 3/3]", Create}, {"offline_time.b[chunk 1/3]", InSync}},
		},
		{
			name:   "overlap with another activity is a conflict",
			blocks: []DesiredOffline{standup},
			remote: posted(block("x", "2026-11-20 09:10", "2026-11-20 09:40", "Commute")),
			want:   []got{{"offline_time.standup", Conflict}},
		},
		{
			name:   "another activity sharing only an edge bucket is no conflict",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-20 09:02", "2026-11-20 09:30", "Meeting")},
			remote: posted(block("x", "2026-11-20 08:30", "2026-11-20 09:02", "Commute")),
			want:   []got{{"offline_time.b", Create}},
		},
		{
			name:   "a neighbour of the same activity in an edge bucket does not count",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-20 09:32", "2026-11-20 10:00", "Meeting")},
			remote: posted(block("x", "2026-11-20 09:02", "2026-11-20 09:32", "Meeting")),
			want:   []got{{"offline_time.b", Create}},
		},
		{
			name:   "partly present under the same activity is a conflict",
			blocks: []DesiredOffline{block("offline_time.b", "2026-11-20 09:00", "2026-11-20 10:00", "Meeting")},
			remote: posted(block("x", "2026-11-20 09:00", "2026-11-20 09:20", "Meeting")),
			want:   []got{{"offline_time.b", Conflict}},
		},
		{
			name:   "two declarations of one block conflict",
			blocks: []DesiredOffline{standup, {Address: "offline_time.again", Start: standup.Start, End: standup.End, Activity: "Meeting"}},
			want:   []got{{"offline_time.standup", Create}, {"offline_time.again", Conflict}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := now
			if !tt.now.IsZero() {
				n = tt.now
			}
			p := Make(Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Offline: tt.blocks}, &Remote{Offline: tt.remote}, nil, n)
			if diff := cmp.Diff(tt.want, statuses(p)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
				for _, a := range p.Actions {
					t.Logf("%s: %s", a.Address, a.Reason)
				}
			}
		})
	}
}

func TestSplitOffline(t *testing.T) {
	s := at("2026-11-20 08:00")
	tests := []struct {
		length time.Duration
		want   []time.Duration
	}{
		{4 * time.Hour, []time.Duration{4 * time.Hour}},
		{4*time.Hour + time.Minute, []time.Duration{2 * time.Hour, 2*time.Hour + time.Minute}},
		{9 * time.Hour, []time.Duration{3 * time.Hour, 3 * time.Hour, 3 * time.Hour}},
		{8*time.Hour + 7*time.Second, []time.Duration{160 * time.Minute, 160 * time.Minute, 160*time.Minute + 7*time.Second}},
		// Long enough that d*i would overflow an int64 of nanoseconds.
		{200 * 24 * time.Hour, nil},
	}
	for _, tt := range tests {
		var lens []time.Duration
		prev := s
		for _, c := range splitOffline(s, s.Add(tt.length)) {
			if !c[0].Equal(prev) {
				t.Errorf("%v: chunk starts %v, want %v (consecutive)", tt.length, c[0], prev)
			}
			if c[1].Sub(c[0]) > rtapi.MaxOfflineDuration {
				t.Errorf("%v: chunk of %v exceeds the limit", tt.length, c[1].Sub(c[0]))
			}
			lens = append(lens, c[1].Sub(c[0]))
			prev = c[1]
		}
		if !prev.Equal(s.Add(tt.length)) {
			t.Errorf("%v: chunks end at %v, want the block's end", tt.length, prev)
		}
		if tt.want == nil {
			continue
		}
		if diff := cmp.Diff(tt.want, lens); diff != "" {
			t.Errorf("split of %v (-want +got):\n%s", tt.length, diff)
		}
	}
}

func TestMakeHighlights(t *testing.T) {
	now := at("2026-11-20 18:00")
	hl := func(addr, date, desc string) DesiredHighlight {
		return DesiredHighlight{Address: addr, Date: date, Description: desc}
	}
	tests := []struct {
		name   string
		items  []DesiredHighlight
		remote []RemoteHighlight
		want   []got
	}{
		{"absent is created", []DesiredHighlight{hl("highlight.a", "2026-11-19", "Shipped v1.2")}, nil, []got{{"highlight.a", Create}}},
		{"present is in sync", []DesiredHighlight{hl("highlight.a", "2026-11-19", "Shipped v1.2")}, []RemoteHighlight{{Date: "2026-11-19", Description: "Shipped v1.2"}}, []got{{"highlight.a", InSync}}},
		{"trailing spaces do not matter", []DesiredHighlight{hl("highlight.a", "2026-11-19", "Shipped v1.2  ")}, []RemoteHighlight{{Date: "2026-11-19", Description: "Shipped v1.2"}}, []got{{"highlight.a", InSync}}},
		{"unicode normalisation does not matter", []DesiredHighlight{hl("highlight.a", "2026-11-19", "Caf\u00e9 launch")}, []RemoteHighlight{{Date: "2026-11-19", Description: "Cafe\u0301 launch"}}, []got{{"highlight.a", InSync}}},
		{
			"same description on two dates are two items",
			[]DesiredHighlight{hl("highlight.a[0]", "2026-11-18", "Standup notes"), hl("highlight.a[1]", "2026-11-19", "Standup notes")},
			[]RemoteHighlight{{Date: "2026-11-18", Description: "Standup notes"}},
			[]got{{"highlight.a[1]", Create}, {"highlight.a[0]", InSync}},
		},
		{"today is created", []DesiredHighlight{hl("highlight.a", "2026-11-20", "x")}, nil, []got{{"highlight.a", Create}}},
		{"tomorrow is deferred", []DesiredHighlight{hl("highlight.a", "2026-11-21", "x")}, nil, []got{{"highlight.a", Deferred}}},
		{"before the window is out of window", []DesiredHighlight{hl("highlight.a", "2026-11-05", "x")}, nil, []got{{"highlight.a", OutOfWindow}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Make(Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Highlights: tt.items}, &Remote{Highlights: tt.remote}, nil, now)
			if diff := cmp.Diff(tt.want, statuses(p)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMakeFocus(t *testing.T) {
	weekdays := [7]bool{false, true, true, true, true, true, false}
	deep := DesiredFocus{Address: "focus_session.deep", Days: weekdays, Start: 9 * time.Hour, Duration: 90 * time.Minute}
	tests := []struct {
		name        string
		now         time.Time
		focus       DesiredFocus
		started     []FocusEvent
		wantStatus  Status
		wantMinutes int
	}{
		{name: "inside the window with no session starts one for the rest", now: at("2026-11-20 09:47"), focus: deep, wantStatus: Create, wantMinutes: 40},
		{name: "a session started in the window is in sync", now: at("2026-11-20 09:47"), focus: deep, started: []FocusEvent{{At: at("2026-11-20 09:01"), Minutes: 90}}, wantStatus: InSync, wantMinutes: 40},
		{name: "a session from before the window does not count", now: at("2026-11-20 09:47"), focus: deep, started: []FocusEvent{{At: at("2026-11-20 08:30"), Minutes: 30}}, wantStatus: Create, wantMinutes: 40},
		{name: "before the window is deferred", now: at("2026-11-20 08:00"), focus: deep, wantStatus: Deferred, wantMinutes: 90},
		{name: "on a day off the next window is shown", now: at("2026-11-21 10:00"), focus: deep, wantStatus: Deferred, wantMinutes: 90},
		{name: "under five minutes left starts nothing", now: at("2026-11-20 10:27"), focus: deep, wantStatus: InSync, wantMinutes: 0},
		{name: "until the end of the day asks for -1", now: at("2026-11-20 16:00"), focus: DesiredFocus{Address: "focus_session.late", Days: weekdays, Start: 15 * time.Hour, UntilEndOfDay: true}, wantStatus: Create, wantMinutes: -1},
		{name: "a window crossing midnight is still open after it", now: at("2026-11-21 00:30"), focus: DesiredFocus{Address: "focus_session.night", Days: weekdays, Start: 23 * time.Hour, Duration: 2 * time.Hour}, wantStatus: Create, wantMinutes: 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Make(Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Focus: []DesiredFocus{tt.focus}}, &Remote{FocusStarted: tt.started}, nil, tt.now)
			if len(p.Actions) != 1 {
				t.Fatalf("got %d actions, want 1", len(p.Actions))
			}
			a := p.Actions[0]
			if a.Status != tt.wantStatus || a.Focus.Minutes != tt.wantMinutes {
				t.Errorf("got %s with %d minutes (%s), want %s with %d", a.Status, a.Focus.Minutes, a.Reason, tt.wantStatus, tt.wantMinutes)
			}
		})
	}
}

func TestMakeJournal(t *testing.T) {
	now := at("2026-11-20 18:00")
	standup := block("offline_time.standup", "2026-11-20 09:00", "2026-11-20 09:15", "Meeting")
	key := OfflineKey(standup.Start, standup.End, standup.Activity, "")
	item := Action{Offline: &Offline{Start: standup.Start, End: standup.End, Activity: "Meeting"}}.JournalItem()
	intent := journal.Entry{Type: journal.Intent, Key: key, Address: standup.Address, Kind: string(KindOffline), Item: item, Time: now.Add(-time.Hour)}
	outcome := func(r journal.Result) journal.Entry {
		return journal.Entry{Type: journal.Outcome, Key: key, Result: r, Time: now.Add(-time.Hour), Error: "boom"}
	}
	deep := DesiredFocus{Address: "focus_session.deep", Days: [7]bool{1: true, 2: true, 3: true, 4: true, 5: true}, Start: 9 * time.Hour, Duration: 90 * time.Minute}
	focusKey := FocusKey(deep.Address, at("2026-11-20 09:00"))
	offlineEvidence := journal.Entry{Type: journal.EvidenceEntry, Evidence: &journal.Evidence{Feed: journal.FeedOffline, Activity: "Lunch", PostedActivity: "Lunch"}}

	tests := []struct {
		name    string
		desired Desired
		journal *journal.State
		remote  *Remote
		now     time.Time
		want    []got
	}{
		{"applied but not yet in the feed is in sync", Desired{Offline: []DesiredOffline{standup}}, journalOf(t, intent, outcome(journal.Applied)), nil, now, []got{{"offline_time.standup", InSync}}},
		{"an unanswered post the feed does not show is sent again, where the report has shown rtctl's posts", Desired{Offline: []DesiredOffline{standup}}, journalOf(t, offlineEvidence, intent), nil, now, []got{{"offline_time.standup", Create}}},
		{"without that evidence it is uncertain", Desired{Offline: []DesiredOffline{standup}}, journalOf(t, intent), nil, now, []got{{"offline_time.standup", Uncertain}}},
		{"an unanswered post the feed shows is in sync", Desired{Offline: []DesiredOffline{standup}}, journalOf(t, intent, outcome(journal.Unknown)), &Remote{Offline: posted(standup)}, now, []got{{"offline_time.standup", InSync}}},
		{"a failed post is created again", Desired{Offline: []DesiredOffline{standup}}, journalOf(t, intent, outcome(journal.Failed)), nil, now, []got{{"offline_time.standup", Create}}},
		{"an applied item no longer declared is orphaned", Desired{}, journalOf(t, intent, outcome(journal.Applied)), nil, now, []got{{"offline_time.standup", Orphaned}}},
		{"an orphan older than the window is not listed", Desired{}, journalOf(t, intent, outcome(journal.Applied)), nil, now.Add(30 * 24 * time.Hour), nil},
		{
			"an unanswered focus start is uncertain",
			Desired{Focus: []DesiredFocus{deep}},
			journalOf(t, journal.Entry{Type: journal.Intent, Key: focusKey, Address: "focus_session.deep[2026-11-20]", Time: at("2026-11-20 09:10")}),
			nil, at("2026-11-20 09:30"),
			[]got{{"focus_session.deep[2026-11-20]", Uncertain}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.desired.Location, tt.desired.Lookback = berlin, 14*24*time.Hour
			p := Make(tt.desired, tt.remote, tt.journal, tt.now)
			if diff := cmp.Diff(tt.want, statuses(p)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
				for _, a := range p.Actions {
					t.Logf("%s: %s", a.Address, a.Reason)
				}
			}
		})
	}
}

func TestMakeFocusEnd(t *testing.T) {
	weekdays := [7]bool{1: true, 2: true, 3: true, 4: true, 5: true}
	deep := DesiredFocus{Address: "focus_session.deep", Days: weekdays, Start: 9 * time.Hour, Duration: 90 * time.Minute}
	short := deep
	short.Duration = 30 * time.Minute
	ws := at("2026-11-20 09:00")
	started := journalOf(t,
		journal.Entry{Type: journal.Intent, Key: FocusKey(deep.Address, ws), Address: "focus_session.deep[2026-11-20]", Kind: string(KindFocusStart), Time: ws,
			Item: Action{Focus: &Focus{WindowStart: ws, WindowEnd: at("2026-11-20 10:30"), Minutes: 90}}.JournalItem()},
		journal.Entry{Type: journal.Outcome, Key: FocusKey(deep.Address, ws), Result: journal.Applied, Time: ws},
	)
	session := []FocusEvent{{At: at("2026-11-20 09:01"), Minutes: 90}}
	now := at("2026-11-20 09:45")
	tests := []struct {
		name    string
		focus   []DesiredFocus
		journal *journal.State
		started []FocusEvent
		ended   []FocusEvent
		want    []got
	}{
		{"the schedule still wants focus: nothing to end", []DesiredFocus{deep}, started, session, nil, []got{{"focus_session.deep[2026-11-20]", InSync}}},
		{"the window was shortened: end the session", []DesiredFocus{short}, started, session, nil, []got{{"focus_session.deep[2026-11-20][end]", Create}, {"focus_session.deep[2026-11-23]", Deferred}}},
		{"the schedule was removed: end the session", nil, started, session, nil, []got{{"focus_session.deep[2026-11-20][end]", Create}}},
		{"a session rtctl did not start is left alone", nil, nil, session, nil, nil},
		{"an ended session needs no end", nil, started, session, []FocusEvent{{At: at("2026-11-20 09:30")}}, nil},
		{"a session whose time is up needs no end", nil, started, []FocusEvent{{At: at("2026-11-20 09:01"), Minutes: 30}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Make(Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Focus: tt.focus}, &Remote{FocusStarted: tt.started, FocusEnded: tt.ended}, tt.journal, now)
			if diff := cmp.Diff(tt.want, statuses(p)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
				for _, a := range p.Actions {
					t.Logf("%s: %s", a.Address, a.Reason)
				}
			}
		})
	}
}

// TestFocusStartUnansweredInAPassedWindowStaysInThePlan: every run in the
// window was killed after sending the start; once the window has passed,
// the plan moves on to the next one, and the unanswered start stays in it
// as uncertain, with the way to settle it, instead of vanishing.
func TestFocusStartUnansweredInAPassedWindowStaysInThePlan(t *testing.T) {
	deep := DesiredFocus{Address: "focus_session.deep", Days: [7]bool{1: true, 2: true, 3: true, 4: true, 5: true}, Start: 9 * time.Hour, Duration: 90 * time.Minute}
	ws := at("2026-11-20 09:00")
	sent := Action{Address: "focus_session.deep[2026-11-20]", Kind: KindFocusStart, Key: FocusKey(deep.Address, ws),
		Focus: &Focus{WindowStart: ws, WindowEnd: ws.Add(90 * time.Minute), Minutes: 60}}
	j := journalOf(t, intentOf(sent, at("2026-11-20 09:30")))
	p := Make(Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Focus: []DesiredFocus{deep}}, &Remote{}, j, at("2026-11-20 18:00"))
	want := []got{{"focus_session.deep[2026-11-20]", Uncertain}, {"focus_session.deep[2026-11-23]", Deferred}}
	if diff := cmp.Diff(want, statuses(p)); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	if r := findAction(t, p, "focus_session.deep[2026-11-20]").Reason; !strings.Contains(r, "rtctl journal confirm focus_session.deep[2026-11-20]") {
		t.Errorf("reason %q does not name the way to settle it", r)
	}
}
