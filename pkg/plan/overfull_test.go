package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestOverfullBucket: a five-minute bucket can hold more than 300 s when
// several devices log at once (recorded, up to 900 s). rtctl's offline
// block beside 600 s of other offline time is still found present, and an
// absent one is a conflict measured against the block, never more of it
// than it has.
func TestOverfullBucket(t *testing.T) {
	now := at("2026-11-20 18:00")
	mine := block("offline_time.probe", "2026-11-20 09:00", "2026-11-20 09:05", "rtctl doctor probe")
	other := []OfflineBucket{{Start: at("2026-11-20 09:00"), Activity: "Commute", Seconds: 600}}
	tests := []struct {
		name       string
		remote     []OfflineBucket
		want       Status
		wantReason string
	}{
		{"present beside 600 s of other time", append(posted(mine), other...), InSync, "present in the account"},
		{"present twice over (two devices)", []OfflineBucket{{Start: at("2026-11-20 09:00"), Activity: mine.Activity, Seconds: 600}}, InSync, "present in the account"},
		{"absent beside 600 s of other time", other, Conflict, "5m of it is already recorded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Make(Desired{Location: berlin, Lookback: 14 * 24 * time.Hour, Offline: []DesiredOffline{mine}}, &Remote{Offline: tt.remote}, nil, now)
			if diff := cmp.Diff([]got{{mine.Address, tt.want}}, statuses(p)); diff != "" {
				t.Fatalf("statuses (-want +got):\n%s", diff)
			}
			if r := p.Actions[0].Reason; !strings.Contains(r, tt.wantReason) {
				t.Errorf("reason %q, want it to say %q", r, tt.wantReason)
			}
		})
	}
	ix := indexOffline(other, berlin)
	own, interior, overlap := ix.coverage(mine.Start, mine.End, mine.Activity, nil)
	if own != 0 || interior != 0 || overlap != 5*time.Minute {
		t.Errorf("coverage: own %s, interior %s, overlap %s; want 0, 0 and the block's 5m", own, interior, overlap)
	}
}
