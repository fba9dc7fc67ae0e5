package calendar

import (
	"strings"
	"testing"
	"time"
)

// Every entry of the table must name a zone the embedded tz database knows,
// or the mapping would fail at the worst moment: on a user's calendar.
func TestWindowsZonesLoad(t *testing.T) {
	seenWin := map[string]bool{}
	seenDisplay := map[string]bool{}
	for _, z := range windowsZones {
		if _, err := time.LoadLocation(z.iana); err != nil {
			t.Errorf("%q -> %q: %v", z.windows, z.iana, err)
		}
		if seenWin[z.windows] || seenDisplay[z.display] {
			t.Errorf("duplicate entry %q / %q", z.windows, z.display)
		}
		seenWin[z.windows], seenDisplay[z.display] = true, true
	}
	if len(windowsZones) < 135 {
		t.Errorf("table has %d entries; CLDR's territory 001 list has 139", len(windowsZones))
	}
}

func TestWindowsZoneMappings(t *testing.T) {
	r := newZoneResolver(nil)
	for tzid, want := range map[string]string{
		"W. Europe Standard Time":                "Europe/Berlin",
		"Pacific Standard Time":                  "America/Los_Angeles",
		"Eastern Standard Time":                  "America/New_York",
		"Central Standard Time":                  "America/Chicago",
		"GMT Standard Time":                      "Europe/London",
		"Romance Standard Time":                  "Europe/Paris",
		"India Standard Time":                    "Asia/Calcutta",
		"Tokyo Standard Time":                    "Asia/Tokyo",
		"AUS Eastern Standard Time":              "Australia/Sydney",
		"UTC":                                    "UTC",
		"pacific standard time":                  "America/Los_Angeles",
		"(UTC-05:00) Eastern Time (US & Canada)": "America/New_York",
		"Europe/Berlin":                          "Europe/Berlin",
		"/freeassociation.sourceforge.net/Tzfile/Europe/Paris": "Europe/Paris",
	} {
		loc, err := r.resolve(tzid)
		if err != nil {
			t.Errorf("resolve(%q): %v", tzid, err)
			continue
		}
		if loc.String() != want {
			t.Errorf("resolve(%q) = %s, want %s", tzid, loc, want)
		}
	}
	for _, bad := range []string{"Nowhere Standard Time", "Local", "", "../../etc/passwd", "Customized Time Zone"} {
		if loc, err := r.resolve(bad); err == nil {
			t.Errorf("resolve(%q) = %s, want an error", bad, loc)
		} else if !strings.Contains(err.Error(), "unknown time zone") {
			t.Errorf("resolve(%q): %v", bad, err)
		}
	}
}
