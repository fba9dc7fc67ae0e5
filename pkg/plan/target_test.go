package plan

import (
	"strings"
	"testing"
)

func TestMatchAddress(t *testing.T) {
	for _, tc := range []struct {
		pattern, address string
		want             bool
	}{
		{"highlight.ship", "highlight.ship", true},
		{"highlight.ship", `highlight.ship["a"]`, true},
		{"highlight.ship", "highlight.shipped", false},
		{"highlight", "highlight.ship", true},
		{"highlight", "highlights.x", false},
		{"offline_time.offsite", "offline_time.offsite[chunk 1/2]", true},
		{`offline_time.meetings["standup"]`, `offline_time.meetings["standup"][chunk 2/2]`, true},
		{`offline_time.meetings["standup"]`, `offline_time.meetings["standup2"]`, false},
		{"highlight.*", "highlight.ship", true},
		{"highlight.*", `highlight.day["2026-11-20"]`, true},
		{"highlight.*", "offline_time.x", false},
		{`offline_time.meetings["*@example.com"]`, `offline_time.meetings["a@example.com"]`, true},
		{`offline_time.meetings["*@example.com"]`, `offline_time.meetings["a@example.com"][chunk 1/2]`, true},
		{"*", "focus_session.deep[2026-11-20]", true},
		{"", "highlight.ship", false},
		{strings.Repeat("*a", 1000), strings.Repeat("a", 5000) + "b", false}, // no blow-up
	} {
		if got := MatchAddress(tc.pattern, tc.address); got != tc.want {
			t.Errorf("MatchAddress(%q, %q) = %v, want %v", tc.pattern, tc.address, got, tc.want)
		}
	}
}

func TestTarget(t *testing.T) {
	p := &Plan{Actions: []Action{{Address: "highlight.a"}, {Address: `highlight.b["x"]`}, {Address: "offline_time.c[chunk 1/2]"}}}
	unmatched := p.Target([]string{"highlight.b", "offline_time.c", "highlight.zzz"})
	if len(p.Actions) != 2 || p.Actions[0].Address != `highlight.b["x"]` {
		t.Errorf("kept %v", p.Actions)
	}
	if len(unmatched) != 1 || unmatched[0] != "highlight.zzz" {
		t.Errorf("unmatched %v, want the pattern that selected nothing", unmatched)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "2 of the 3 items") {
		t.Errorf("warnings %q", p.Warnings)
	}
}

// TestSuggestAddress checks "did you mean" for a -target or -replace that
// selects nothing (issue 24, item 5).
func TestSuggestAddress(t *testing.T) {
	p := &Plan{Actions: []Action{
		{Address: "highlight.ship"},
		{Address: `offline_time.lunch["mon"]`},
		{Address: `offline_time.lunch["tue"]`},
		{Address: "offline_time.offsite[chunk 1/2]"},
	}}
	for _, tc := range []struct{ typed, want string }{
		{"offline_time.lnch", "offline_time.lunch"},
		{"highlight.shipp", "highlight.ship"},
		{`offline_time.lunch["mom"]`, `offline_time.lunch["mon"]`},
		{"offline_time.ofsite", "offline_time.offsite"},
		{"hightlight.ship", "highlight.ship"},
		{"focus_session.deep", ""},
		{"x", ""},
	} {
		if got := p.SuggestAddress(tc.typed); got != tc.want {
			t.Errorf("SuggestAddress(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// TestUnmatched checks that a pattern is unmatched only when no action's
// address answers it, whatever the action.
func TestUnmatched(t *testing.T) {
	p := &Plan{Actions: []Action{{Address: "highlight.ship"}, {Address: `offline_time.lunch["mon"]`}}}
	got := p.Unmatched([]string{"highlight.ship", "offline_time.lunch", "offline_time.lnch", "highlight.*"})
	if len(got) != 1 || got[0] != "offline_time.lnch" {
		t.Errorf("Unmatched = %q", got)
	}
}
