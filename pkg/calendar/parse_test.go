package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func expandOne(t *testing.T, cal *Calendar, start, end string, f Filter) []Occurrence {
	t.Helper()
	got, err := cal.Expand(Window{Start: mustTime(t, start), End: mustTime(t, end)},
		Options{Location: mustLoad(t, "Europe/Berlin"), Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTextFoldingAndEscapes(t *testing.T) {
	cal := parseFile(t, "text.ics")
	got := expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-17T00:00:00+01:00", Filter{})
	want := []Occurrence{{
		Key: "text", UID: "text",
		Start:        mustTime(t, "2026-11-16T11:00:00+01:00"),
		End:          mustTime(t, "2026-11-16T12:00:00+01:00"),
		Summary:      "Quarterly planning with the whole team",
		Description:  "Line one\nLine two, with comma; and semicolon \\ backslash",
		Location:     "Room 4, Floor 2",
		Categories:   []string{"Work", "Planning", "Quarterly"},
		Status:       "CONFIRMED",
		Transparency: "OPAQUE",
		Organizer:    "boss@example.com",
		Attendees:    []Attendee{{Email: "me@example.com", Status: "ACCEPTED"}, {Email: "other@example.com", Status: "NEEDS-ACTION"}},
		Sequence:     4,
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got[0].Start.Location().String() != "Europe/Berlin" {
		t.Errorf("start is in %s, want the account's zone", got[0].Start.Location())
	}
}

// A content line longer than 64 KB, unfolded (as some exporters write it)
// and folded every 74 octets (as RFC 5545 asks), with LF or CRLF endings.
func TestLongLines(t *testing.T) {
	long := strings.Repeat("0123456789", 7000) // 70,000 bytes
	fold := func(s string) string {
		var b strings.Builder
		for len(s) > 74 {
			b.WriteString(s[:74] + "\r\n ")
			s = s[74:]
		}
		b.WriteString(s)
		return b.String()
	}
	for name, descLine := range map[string]string{
		"unfolded": "DESCRIPTION:" + long,
		"folded":   fold("DESCRIPTION:" + long),
	} {
		for _, eol := range []string{"\r\n", "\n"} {
			src := strings.Join([]string{
				"BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:long",
				"DTSTART:20261116T100000Z", "DTEND:20261116T110000Z", "SUMMARY:after",
				descLine, "END:VEVENT", "END:VCALENDAR", "",
			}, "\r\n")
			src = strings.ReplaceAll(src, "\r\n", eol)
			cal, err := Parse(strings.NewReader(src))
			if err != nil {
				t.Fatalf("%s %q: %v", name, eol, err)
			}
			got := expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-17T00:00:00+01:00", Filter{})
			if len(got) != 1 || got[0].Description != long || got[0].Summary != "after" {
				t.Fatalf("%s %q: got %d occurrences, description of %d bytes", name, eol, len(got), len(got[0].Description))
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	wrap := func(body ...string) string {
		return strings.Join(append(append([]string{"BEGIN:VCALENDAR", "VERSION:2.0"}, body...), "END:VCALENDAR"), "\r\n")
	}
	ev := func(props ...string) []string {
		return append(append([]string{"BEGIN:VEVENT", "UID:x"}, props...), "END:VEVENT")
	}
	tests := []struct {
		name, src string
		want      string // substring of the error
	}{
		{"unknown IANA-looking zone", wrap(ev("DTSTART;TZID=Mars/Olympus:20261116T100000")...),
			`calendar line 5: DTSTART: unknown time zone "Mars/Olympus"`},
		{"custom VTIMEZONE without X-LIC-LOCATION", wrap(append([]string{"BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "END:VTIMEZONE"},
			ev("DTSTART;TZID=Customized Time Zone:20261116T100000")...)...),
			`calendar line 8: DTSTART: unknown time zone "Customized Time Zone"`},
		{"Local is not a zone", wrap(ev("DTSTART;TZID=Local:20261116T100000")...), `unknown time zone "Local"`},
		{"bad date", wrap(ev("DTSTART:20261345T100000")...), `calendar line 5: DTSTART: "20261345T100000" is not a valid date or time`},
		{"not a date", wrap(ev("DTSTART:tomorrow")...), `calendar line 5: DTSTART: "tomorrow" is not an iCalendar date or date-time`},
		{"bad exdate in list", wrap(ev("DTSTART:20261116T100000Z", "RRULE:FREQ=DAILY", "EXDATE:20261117T100000Z,nope")...), `calendar line 7: EXDATE:`},
		{"bad rrule", wrap(ev("DTSTART:20261116T100000Z", "RRULE:FREQ=SOMETIMES")...), `calendar line 6: RRULE:`},
		{"bad until", wrap(ev("DTSTART:20261116T100000Z", "RRULE:FREQ=DAILY;UNTIL=soon")...), `calendar line 6: RRULE UNTIL:`},
		{"sub-daily with BYHOUR", wrap(ev("DTSTART:20261116T100000Z", "RRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=5")...), `not supported`},
		{"exrule", wrap(ev("DTSTART:20261116T100000Z", "EXRULE:FREQ=DAILY")...), `calendar line 6: EXRULE is not supported`},
		{"bad duration", wrap(ev("DTSTART:20261116T100000Z", "DURATION:1 hour")...), `calendar line 6: DURATION:`},
		{"dtend and duration", wrap(ev("DTSTART:20261116T100000Z", "DTEND:20261116T110000Z", "DURATION:PT1H")...), `calendar line 3: VEVENT "x" has both DTEND and DURATION`},
		{"no dtstart", wrap(ev("SUMMARY:x")...), `calendar line 3: VEVENT "x" has no DTSTART`},
		{"bad sequence", wrap(ev("DTSTART:20261116T100000Z", "SEQUENCE:two")...), `calendar line 6: SEQUENCE`},
		{"unbalanced end", wrap("BEGIN:VEVENT", "END:VTODO"), `calendar line 4: END:VTODO closes BEGIN:VEVENT of line 3`},
		{"never closed", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", `calendar line 2: BEGIN:VEVENT is never closed`},
		{"not a content line", wrap("this is not ical"), `calendar line 3: not a content line`},
		{"outside vcalendar", "SUMMARY:x\r\n", `calendar line 1: property SUMMARY outside BEGIN:VCALENDAR`},
		{"empty", "", `no BEGIN:VCALENDAR found`},
		{"html instead of ical", "<html>\n<body>Sign in</body>\n</html>\n", `calendar line 1: not a content line`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestUnknownZoneIsTypedError(t *testing.T) {
	_, err := Parse(strings.NewReader("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Nowhere Standard Time:20261116T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	if !errors.Is(err, errUnknownZone) {
		t.Fatalf("err = %v, want errUnknownZone", err)
	}
	var le *lineError
	if !errors.As(err, &le) || le.line != 4 {
		t.Fatalf("err = %v, want a lineError on line 4", err)
	}
}

func TestParseSizeLimit(t *testing.T) {
	r := strings.NewReader(strings.Repeat("x", MaxParseBytes+1))
	if _, err := Parse(r); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}

func TestKeysAreSafe(t *testing.T) {
	src := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a b/\"c\"\\d:é\r\nDTSTART:20261116T100000Z\r\nRRULE:FREQ=DAILY;COUNT=1\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART:20261116T120000Z\r\nSUMMARY:no uid\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	cal, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	// These events have no DTEND: zero-length, kept here for their keys.
	got := expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-17T00:00:00+01:00", Filter{IncludeZeroLength: true})
	if len(got) != 2 {
		t.Fatalf("got %d occurrences, want 2", len(got))
	}
	if want := "a%20b%2F%22c%22%5Cd%3A%C3%A9/20261116T100000Z"; got[0].Key != want || got[0].UID != "a b/\"c\"\\d:é" {
		t.Errorf("key = %q uid = %q, want key %q", got[0].Key, got[0].UID, want)
	}
	// Without a UID the key is derived from DTSTART and SUMMARY, so it is
	// the same on every run.
	again, _ := Parse(strings.NewReader(src))
	got2 := expandOne(t, again, "2026-11-16T00:00:00+01:00", "2026-11-17T00:00:00+01:00", Filter{IncludeZeroLength: true})
	if !strings.HasPrefix(got[1].Key, "no-uid-") || got[1].Key != got2[1].Key {
		t.Errorf("keys without UID: %q and %q", got[1].Key, got2[1].Key)
	}
}

func TestWindowBoundaries(t *testing.T) {
	src := strings.Join([]string{"BEGIN:VCALENDAR",
		"BEGIN:VEVENT", "UID:starts-at-window-start", "DTSTART:20261116T090000Z", "DTEND:20261116T100000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:zero-length-at-start", "DTSTART:20261116T090000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:ends-at-window-start", "DTSTART:20261116T080000Z", "DTEND:20261116T090000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:overlaps-start", "DTSTART:20261116T083000Z", "DTEND:20261116T093000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:overlaps-end", "DTSTART:20261116T113000Z", "DTEND:20261116T123000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:starts-at-window-end", "DTSTART:20261116T120000Z", "DTEND:20261116T130000Z", "END:VEVENT",
		"END:VCALENDAR"}, "\r\n")
	cal, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	// The zero-length event is kept so that the window's own rule for it
	// is what is tested; TestZeroLength covers the filter.
	got := expandOne(t, cal, "2026-11-16T09:00:00Z", "2026-11-16T12:00:00Z", Filter{IncludeZeroLength: true})
	var keys []string
	for _, o := range got {
		keys = append(keys, o.Key)
	}
	want := []string{"overlaps-start", "starts-at-window-start", "zero-length-at-start", "overlaps-end"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestExpandOptionErrors(t *testing.T) {
	cal := parseFile(t, "rrule.ics")
	berlin := mustLoad(t, "Europe/Berlin")
	start := mustTime(t, "2026-11-16T00:00:00+01:00")
	tests := []struct {
		name string
		w    Window
		opts Options
		want string
	}{
		{"no location", Window{start, start.Add(time.Hour)}, Options{}, "Location is required"},
		{"empty window", Window{start, start}, Options{Location: berlin}, "is not after its start"},
		{"window too long", Window{start, start.AddDate(2, 0, 0)}, Options{Location: berlin}, "longer than the limit"},
		{"custom window limit", Window{start, start.AddDate(0, 0, 8)}, Options{Location: berlin, MaxWindow: 7 * 24 * time.Hour}, "longer than the limit"},
		{"negative limit", Window{start, start.Add(time.Hour)}, Options{Location: berlin, MaxOccurrencesPerSeries: -1}, "must not be negative"},
		{"occurrence cap", Window{start, start.AddDate(0, 0, 12)}, Options{Location: berlin, MaxOccurrencesPerSeries: 2},
			`event "daily-count": its recurrence produces more than 2 occurrences`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cal.Expand(tt.w, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// A daily series begun decades ago would pass the default cap if expanded
// from its start; skipping ahead keeps it cheap and correct, also with an
// INTERVAL whose phase must be kept and across many DST changes.
func TestOldSeriesSkipAhead(t *testing.T) {
	src := strings.Join([]string{"BEGIN:VCALENDAR",
		"BEGIN:VEVENT", "UID:old-daily", "DTSTART;TZID=Europe/Berlin:19900101T090000", "DURATION:PT15M", "RRULE:FREQ=DAILY", "END:VEVENT",
		// 1990-01-01 is a Monday; every 3rd week on Monday, phase from 1990.
		"BEGIN:VEVENT", "UID:old-3weekly", "DTSTART;TZID=Europe/Berlin:19900101T100000", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;INTERVAL=3", "END:VEVENT",
		"END:VCALENDAR"}, "\r\n")
	cal, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	got := expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-23T00:00:00+01:00", Filter{})
	// Days from 1990-01-01 to 2026-11-16: 13468 = 1924 weeks, and 1924 mod 3 = 1:
	// the 3-weekly series falls on 2026-11-09 and 2026-11-30, so not in this week.
	want := []string{
		"old-daily/20261116T080000Z 2026-11-16T09:00:00+01:00 2026-11-16T09:15:00+01:00 ",
		"old-daily/20261117T080000Z 2026-11-17T09:00:00+01:00 2026-11-17T09:15:00+01:00 ",
		"old-daily/20261118T080000Z 2026-11-18T09:00:00+01:00 2026-11-18T09:15:00+01:00 ",
		"old-daily/20261119T080000Z 2026-11-19T09:00:00+01:00 2026-11-19T09:15:00+01:00 ",
		"old-daily/20261120T080000Z 2026-11-20T09:00:00+01:00 2026-11-20T09:15:00+01:00 ",
		"old-daily/20261121T080000Z 2026-11-21T09:00:00+01:00 2026-11-21T09:15:00+01:00 ",
		"old-daily/20261122T080000Z 2026-11-22T09:00:00+01:00 2026-11-22T09:15:00+01:00 ",
	}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got = expandOne(t, cal, "2026-11-30T00:00:00+01:00", "2026-11-30T12:00:00+01:00", Filter{})
	want = []string{
		"old-daily/20261130T080000Z 2026-11-30T09:00:00+01:00 2026-11-30T09:15:00+01:00 ",
		"old-3weekly/20261130T090000Z 2026-11-30T10:00:00+01:00 2026-11-30T11:00:00+01:00 ",
	}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDurationParsing(t *testing.T) {
	tests := []struct {
		in   string
		want nominalDuration
		ok   bool
	}{
		{"PT1H30M", nominalDuration{exact: 90 * time.Minute}, true},
		{"P1W", nominalDuration{days: 7}, true},
		{"P1DT2H", nominalDuration{days: 1, exact: 2 * time.Hour}, true},
		{"+PT15S", nominalDuration{exact: 15 * time.Second}, true},
		{"-PT5M", nominalDuration{exact: -5 * time.Minute}, true},
		{"P", nominalDuration{}, false},
		{"PT", nominalDuration{}, false},
		{"P1H", nominalDuration{}, false},
		{"PT1D", nominalDuration{}, false},
		{"1H", nominalDuration{}, false},
		{"PT99999999999H", nominalDuration{}, false},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("parseDuration(%q) = %+v, %v; want %+v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestDateExdateOnTimedSeries(t *testing.T) {
	src := strings.Join([]string{"BEGIN:VCALENDAR",
		"BEGIN:VEVENT", "UID:s", "DTSTART;TZID=Europe/Berlin:20261116T090000", "DURATION:PT30M",
		"RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=DATE:20261117", "END:VEVENT",
		"END:VCALENDAR"}, "\r\n")
	cal, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	got := expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-20T00:00:00+01:00", Filter{})
	want := []string{
		"s/20261116T080000Z 2026-11-16T09:00:00+01:00 2026-11-16T09:30:00+01:00 ",
		"s/20261118T080000Z 2026-11-18T09:00:00+01:00 2026-11-18T09:30:00+01:00 ",
	}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
