package zones

import (
	"testing"
	"time"
)

// TestZoneNamesLoad checks that every name "did you mean" may offer is one
// rtctl loads.
func TestZoneNamesLoad(t *testing.T) {
	for _, name := range names {
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("names holds %q: %v", name, err)
		}
	}
}

func TestSuggestZone(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{"Europe/Berln", "Europe/Berlin"},
		{"europe/berlin", "Europe/Berlin"},
		{"Berlin", "Europe/Berlin"},
		{"America/New York", "America/New_York"},
		{"Amerca/Los_Angeles", "America/Los_Angeles"},
		{"utc", "UTC"},
		{"Mars/Olympus_Mons", ""},
		{"", ""},
	} {
		if got := Suggest(tc.typed); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}
