package jsonplan

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

func TestRoundTrip(t *testing.T) {
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
	b, err := json.Marshal(FromPlan(p))
	if err != nil {
		t.Fatal(err)
	}
	var d Plan
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	got, err := d.ToPlan()
	if err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{cmpopts.IgnoreUnexported(plan.Action{}), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
		cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })}
	if diff := cmp.Diff(p, got, opts); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestToPlanRefusesDamage(t *testing.T) {
	huge := strings.Repeat("x", 100000)
	for _, tc := range []struct {
		name string
		d    Plan
		want string
	}{
		{"zone", Plan{Timezone: "Mars/" + huge, Lookback: "14d"}, "unknown time zone"},
		{"lookback", Plan{Timezone: "UTC", Lookback: "fortnight"}, "invalid lookback"},
		{"status", Plan{Timezone: "UTC", Lookback: "14d", Actions: []Action{{Status: huge, Kind: "highlight"}}}, "unknown status"},
		{"kind", Plan{Timezone: "UTC", Lookback: "14d", Actions: []Action{{Status: "create", Kind: "email"}}}, "unknown kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.d.ToPlan()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("the error echoes %d characters of input", len(err.Error()))
			}
		})
	}
}
