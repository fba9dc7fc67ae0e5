package reads

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/sandbox"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// TestDataTodayIsTheWorkspacesPresent: a read's "today" is the present of
// the one clock model (the workspace's Now: RTCTL_NOW when pinned), not a
// reading of the real clock, which here is two days later.
func TestDataTodayIsTheWorkspacesPresent(t *testing.T) {
	pinned := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	ws, err := workspace.Open(dir, workspace.Options{
		Account: workspace.Account{Sandbox: true, Timezone: "UTC"},
		Sandbox: sandbox.Open,
		Now:     pinned,
		Clock:   func() time.Time { return pinned.Add(48 * time.Hour) },
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Data(context.Background(), DataQuery{Begin: "2026-11-21"})
	if err == nil || !strings.Contains(err.Error(), "it is after today (2026-11-20)") {
		t.Errorf("Data(--begin the day after the pinned present) = %v, want it refused as after today (2026-11-20)", err)
	}
	if _, err := r.Data(context.Background(), DataQuery{Begin: "2026-11-20"}); err != nil {
		t.Errorf("Data(--begin the pinned day) = %v", err)
	}
	if z := r.LocalZone(); z != "" {
		t.Errorf("LocalZone() = %q for an account with a zone, want \"\"", z)
	}
}
