package jsonplan

import (
	"encoding/json"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// TestFromPlan: every field of the plan a reader of the document needs is
// in it, under its documented name (docs/plan-json.md).
func TestFromPlan(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, berlin) }
	p := &plan.Plan{
		Now: at(19), Location: berlin, Lookback: 14 * 24 * time.Hour, WindowStart: at(19).Add(-14 * 24 * time.Hour),
		Warnings: []string{"w"},
		Actions: []plan.Action{
			{Address: "offline_time.a", Kind: plan.KindOffline, Status: plan.Create, Reason: "r", Key: "k1", Origin: "main.rt.hcl:1",
				Offline: &plan.Offline{Start: at(9), End: at(10), Activity: "A", Details: "d", Chunk: 1, Chunks: 2, Note: "n"},
				Request: &rtapi.Request{Method: "POST", Endpoint: "offline_time_post", Body: json.RawMessage(`{"a":1}`)}},
			{Address: "highlight.b", Kind: plan.KindHighlight, Status: plan.Uncertain, Key: "k2", SettlesAt: at(20),
				Highlight: &plan.Highlight{Date: "2026-11-20", Description: "B", Source: "s"}},
			{Address: "focus_end.x", Kind: plan.KindFocusEnd, Status: plan.Orphaned, Key: "k3", Focus: &plan.Focus{SessionStart: at(8)}},
		},
	}
	want := Plan{
		FormatVersion: FormatVersion, Now: at(19), Timezone: "Europe/Berlin", Lookback: "14d", WindowStart: at(19).Add(-14 * 24 * time.Hour),
		Summary:  map[string]int{"create": 1, "uncertain": 1, "orphaned": 1, "conflict": 0, "deferred": 0, "held": 0, "in_sync": 0, "out_of_window": 0},
		Warnings: []string{"w"},
		Actions: []Action{
			{Address: "offline_time.a", Kind: "offline_time", Status: "create", Reason: "r", Key: "k1", Origin: "main.rt.hcl:1",
				Offline: &Offline{Start: at(9), End: at(10), Activity: "A", Details: "d", Chunk: 1, Chunks: 2, Note: "n"},
				Request: &Request{Method: "POST", Endpoint: "offline_time_post", Body: json.RawMessage(`{"a":1}`)}},
			{Address: "highlight.b", Kind: "highlight", Status: "uncertain", Key: "k2", SettlesAt: at(20),
				Highlight: &Highlight{Date: "2026-11-20", Description: "B", Source: "s"}},
			{Address: "focus_end.x", Kind: "focus_end", Status: "orphaned", Key: "k3", Focus: &Focus{SessionStart: at(8)}},
		},
	}
	if diff := cmp.Diff(want, FromPlan(p)); diff != "" {
		t.Errorf("FromPlan (-want +got):\n%s", diff)
	}
}
