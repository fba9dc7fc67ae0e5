package funcs

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestTimeFunctionsTakeRtctlTimes checks that timeadd and formatdate take
// rtctl's own "YYYY-MM-DD HH:MM" and its durations (issue 24, item 8:
// timeadd refused them), and still take RFC 3339 and Go's durations.
func TestTimeFunctionsTakeRtctlTimes(t *testing.T) {
	fns := Functions(t.TempDir(), nil)
	for _, tc := range []struct {
		fn   string
		args []cty.Value
		want string
	}{
		{"timeadd", []cty.Value{cty.StringVal("2026-11-20 09:00"), cty.StringVal("30m")}, "2026-11-20 09:30"},
		{"timeadd", []cty.Value{cty.StringVal("2026-11-20 23:30"), cty.StringVal("1.5h")}, "2026-11-21 01:00"},
		{"timeadd", []cty.Value{cty.StringVal("2026-11-20 09:00:30"), cty.StringVal("90 minutes")}, "2026-11-20 10:30:30"},
		{"timeadd", []cty.Value{cty.StringVal("2026-11-20T09:00"), cty.StringVal("1d")}, "2026-11-21 09:00"},
		{"timeadd", []cty.Value{cty.StringVal("2026-11-20 09:00"), cty.StringVal("-15m")}, "2026-11-20 08:45"},
		{"timeadd", []cty.Value{cty.StringVal("2026-11-20T09:00:00+01:00"), cty.StringVal("1h")}, "2026-11-20T10:00:00+01:00"},
		{"timeadd", []cty.Value{cty.StringVal("2026-11-20T09:00:00Z"), cty.StringVal("-1h30m")}, "2026-11-20T07:30:00Z"},
		{"formatdate", []cty.Value{cty.StringVal("EEE DD MMM hh:mm"), cty.StringVal("2026-11-20 09:00")}, "Fri 20 Nov 09:00"},
		{"formatdate", []cty.Value{cty.StringVal("YYYY"), cty.StringVal("2026-01-01T00:00:00Z")}, "2026"},
	} {
		got, err := fns[tc.fn].Call(tc.args)
		if err != nil {
			t.Errorf("%s%v: %v", tc.fn, tc.args, err)
			continue
		}
		if got.AsString() != tc.want {
			t.Errorf("%s%v = %q, want %q", tc.fn, tc.args, got.AsString(), tc.want)
		}
	}
	_, err := fns["timeadd"].Call([]cty.Value{cty.StringVal("tomorrow"), cty.StringVal("1h")})
	want := `"tomorrow" is not a time: write "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM:SS" (wall clock, as rtctl's times are), or RFC 3339 with an offset`
	if err == nil || err.Error() != want {
		t.Errorf("timeadd(tomorrow) = %v, want %s", err, want)
	}
}
