package calendar

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParseExpand feeds arbitrary bytes through ParseTolerant and
// ExpandDetailed (what data "ical" uses): both may
// fail, neither may panic, and what Expand returns must honour its contract.
func FuzzParseExpand(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ics"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261116\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART;TZID=\"a,b\":20261116T010203\nRRULE:FREQ=WEEKLY;BYSETPOS=-1;BYDAY=MO,TU\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nRECURRENCE-ID;VALUE=DATE:20261116\nDTSTART:20261116T100000Z\nEND:VEVENT\nEND:VCALENDAR\n"))
	// The hardening cases: inputs quoted in errors, at sizes past the
	// clipping; deep nesting; many broken events.
	long := strings.Repeat("x", 2000)
	for _, lines := range [][]string{
		{"UID:a", "DTSTART;TZID=" + long + ":20261116T090000"},
		{"UID:" + long},
		{"UID:a", "DTSTART:2026" + long},
		{"UID:a", "DTSTART:20261116T090000Z", "DURATION:P" + long},
		{"UID:a", "DTSTART:20261116T090000Z", "SEQUENCE:" + long},
		{"UID:a", "DTSTART:20261116T090000Z", "RDATE;VALUE=PERIOD:" + long},
		{"UID:a", "DTSTART:20261116T090000Z", "RRULE:FREQ=" + long},
		{"UID:a", "DTSTART:20261116T090000Z", "RRULE:FREQ=DAILY;" + long + "=1"},
		{"UID:a", "DTSTART:20261116T090000Z", "RRULE:FREQ=DAILY;UNTIL=" + long},
		{"UID:a", "DTSTART:20261116T090000Z", "X-A;" + long},
	} {
		f.Add([]byte(vcal(append(append([]string{"BEGIN:VEVENT"}, lines...), "END:VEVENT")...)))
	}
	f.Add([]byte("BEGIN:VCALENDAR\r\n" + strings.Repeat("BEGIN:X\r\n", 1000) + strings.Repeat("END:X\r\n", 1000) + "END:VCALENDAR\r\n"))
	f.Add([]byte(vcal(strings.Repeat("BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20261116T090000Z\r\nEXRULE:FREQ=DAILY\r\nEND:VEVENT\r\n", 50))))
	f.Add([]byte(vcal("BEGIN:VEVENT", "UID:r", "DTSTART:20261116T090000Z", "RRULE:FREQ=SECONDLY", "END:VEVENT")))

	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	w := Window{
		Start: time.Date(2026, 10, 1, 0, 0, 0, 0, loc),
		End:   time.Date(2026, 12, 31, 0, 0, 0, 0, loc),
	}
	all := Filter{IncludeCancelled: true, IncludeTransparent: true, IncludeAllDay: true, IncludeDeclined: true, IncludeZeroLength: true}
	// checkMessage: an error quotes no input in full, whatever its size.
	checkMessage := func(t *testing.T, err error) {
		if n := len(err.Error()); n > (maxListedErrors+1)*(maxMessage+200) {
			t.Errorf("an error of %d bytes: %.300s", n, err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := ParseTolerant(bytes.NewReader(data))
		if err != nil {
			checkMessage(t, err)
			return
		}
		x, err := cal.ExpandDetailed(w, Options{Location: loc, MaxOccurrencesPerSeries: 2000, Filter: all})
		if err != nil {
			checkMessage(t, err)
			return
		}
		for _, wn := range x.Warnings {
			if n := len(wn.String()); n > maxMessage+400 {
				t.Errorf("a warning of %d bytes: %.300s", n, wn)
			}
		}
		occ := x.Occurrences
		keys := map[string]bool{}
		for i, o := range occ {
			if o.End.Before(o.Start) {
				t.Fatalf("occurrence %q ends before it starts", o.Key)
			}
			if !o.Start.Before(w.End) || (!o.End.After(w.Start) && !o.Start.Equal(w.Start)) {
				t.Fatalf("occurrence %q [%s, %s) is outside the window", o.Key, o.Start, o.End)
			}
			if i > 0 && o.Start.Before(occ[i-1].Start) {
				t.Fatalf("occurrences not sorted at %d", i)
			}
			if keys[o.Key] {
				t.Fatalf("duplicate key %q", o.Key)
			}
			keys[o.Key] = true
		}
	})
}
