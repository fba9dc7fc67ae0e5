package reads

import (
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

func TestDataQueryParse(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC is already the 21st in Berlin: today is the account's.
	now := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		flags   DataQuery
		wantErr string // empty: valid
	}{
		{flags: DataQuery{Begin: "2026-11-21"}},
		{flags: DataQuery{Begin: "2026-11-22"}, wantErr: "invalid --begin 2026-11-22: it is after today (2026-11-21), the default --end"},
		{flags: DataQuery{Begin: "2030-01-01", End: "2030-01-02"}},
		{flags: DataQuery{Begin: "2026-11-19", End: "2026-11-18"}, wantErr: "invalid --end 2026-11-18: it is before --begin 2026-11-19"},
		{flags: DataQuery{Kind: "foo"}, wantErr: `invalid --kind: "foo" is not one of`},
		{flags: DataQuery{Resolution: "second"}, wantErr: `invalid --resolution: "second" is not one of`},
		{flags: DataQuery{ScheduleID: "abc"}, wantErr: `invalid --schedule-id "abc": want a positive whole number`},
		{flags: DataQuery{ScheduleID: "0"}, wantErr: `invalid --schedule-id "0"`},
		{flags: DataQuery{ScheduleID: "42"}},
		{flags: DataQuery{Kind: "efficiency"}}, // rank: a row per level (recorded)
		{flags: DataQuery{Kind: "efficiency", Perspective: "interval"}},
		{flags: DataQuery{Perspective: "member"}},
		{flags: DataQuery{Perspective: "member", Kind: "efficiency"}},
		{flags: DataQuery{Thingy: "x"}, wantErr: "invalid --thingy: it needs --thing"},
	}
	for _, tt := range tests {
		_, err := tt.flags.parse(berlin, now)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tt.flags, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%+v: error %v, want one containing %q", tt.flags, err, tt.wantErr)
		case err != nil && strings.Contains(err.Error(), "restrict_"):
			t.Errorf("%+v: error %q names an API parameter, not a flag", tt.flags, err)
		}
	}
	q, err := DataQuery{ScheduleID: "42", Kind: "overview", Begin: "2026-11-01"}.parse(berlin, now)
	if err != nil {
		t.Fatal(err)
	}
	if q.ScheduleID != 42 || q.Kind != rtapi.KindOverview || !q.Begin.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, berlin)) {
		t.Errorf("query = %+v", q)
	}
}
