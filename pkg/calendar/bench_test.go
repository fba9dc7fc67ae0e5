package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchCalendar builds a calendar of n events like a busy team's export:
// weekly and daily series begun up to a year before the window (with EXDATEs
// and moved instances), monthly series, and single meetings, in three zones.
func benchCalendar(n int) string {
	zones := []string{"Europe/Berlin", "America/New_York", "W. Europe Standard Time"}
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rtctl//bench//EN\r\n")
	base := time.Date(2025, 11, 3, 8, 0, 0, 0, time.UTC) // a Monday
	for i := 0; i < n; i++ {
		start := base.AddDate(0, 0, i%365).Add(time.Duration(i%20) * 30 * time.Minute)
		tz := zones[i%len(zones)]
		f := start.Format("20060102T150405")
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:bench-%d@example.com\r\nDTSTAMP:20251101T000000Z\r\n", i)
		fmt.Fprintf(&b, "DTSTART;TZID=%s:%s\r\nDTEND;TZID=%s:%s\r\n", tz, f, tz, start.Add(45*time.Minute).Format("20060102T150405"))
		fmt.Fprintf(&b, "SUMMARY:Meeting %d\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com\r\n", i)
		switch i % 10 {
		case 0, 1, 2, 3:
			b.WriteString("RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n")
			fmt.Fprintf(&b, "EXDATE;TZID=%s:%s,%s\r\n", tz, start.AddDate(0, 0, 7).Format("20060102T150405"), start.AddDate(0, 0, 14).Format("20060102T150405"))
		case 4, 5:
			b.WriteString("RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270101T000000Z\r\n")
		case 6:
			b.WriteString("RRULE:FREQ=MONTHLY;COUNT=24\r\n")
		}
		b.WriteString("END:VEVENT\r\n")
		if i%10 == 0 {
			// Move one instance of the weekly series.
			rid := start.AddDate(0, 0, 21)
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:bench-%d@example.com\r\nSEQUENCE:1\r\nRECURRENCE-ID;TZID=%s:%s\r\n", i, tz, rid.Format("20060102T150405"))
			fmt.Fprintf(&b, "DTSTART;TZID=%s:%s\r\nDTEND;TZID=%s:%s\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n",
				tz, rid.Add(2*time.Hour).Format("20060102T150405"), tz, rid.Add(3*time.Hour).Format("20060102T150405"))
		}
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

func BenchmarkExpand10kEvents90Days(b *testing.B) {
	cal, err := Parse(strings.NewReader(benchCalendar(10000)))
	if err != nil {
		b.Fatal(err)
	}
	loc := mustLoad(b, "Europe/Berlin")
	w := Window{Start: time.Date(2026, 9, 1, 0, 0, 0, 0, loc), End: time.Date(2026, 11, 30, 0, 0, 0, 0, loc)}
	// The calendar yields some 218,000 occurrences, more than the default
	// total limit protects a configuration from: raise it, since this
	// measures expansion itself.
	opts := Options{Location: loc, Filter: Filter{AttendeeEmail: "me@example.com"}, MaxOccurrences: 1 << 20}
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		occ, err := cal.Expand(w, opts)
		if err != nil {
			b.Fatal(err)
		}
		n = len(occ)
	}
	b.ReportMetric(float64(n), "occurrences")
}

func BenchmarkParse10kEvents(b *testing.B) {
	src := benchCalendar(10000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(strings.NewReader(src)); err != nil {
			b.Fatal(err)
		}
	}
}
