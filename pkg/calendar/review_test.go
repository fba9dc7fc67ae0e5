package calendar

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// vcal wraps VEVENT lines (and anything else) in a VCALENDAR, CRLF-ended.
func vcal(lines ...string) string {
	return strings.Join(append(append([]string{"BEGIN:VCALENDAR", "VERSION:2.0"}, lines...), "END:VCALENDAR", ""), "\r\n")
}

func mustParse(t *testing.T, src string) *Calendar {
	t.Helper()
	cal, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// A reminder (DTSTART only) or an event whose DTEND equals its DTSTART
// blocks no time: skipped unless asked for.
func TestZeroLength(t *testing.T) {
	cal := mustParse(t, vcal(
		"BEGIN:VEVENT", "UID:reminder", "DTSTART:20261116T090000Z", "SUMMARY:Reminder", "END:VEVENT",
		"BEGIN:VEVENT", "UID:same-end", "DTSTART:20261116T100000Z", "DTEND:20261116T100000Z", "SUMMARY:Same end", "END:VEVENT",
		"BEGIN:VEVENT", "UID:meeting", "DTSTART:20261116T110000Z", "DTEND:20261116T113000Z", "SUMMARY:Meeting", "END:VEVENT",
		"BEGIN:VEVENT", "UID:rdate-period", "DTSTART:20261117T080000Z", "DURATION:PT1H",
		"RDATE;VALUE=PERIOD:20261118T080000Z/20261118T080000Z", "SUMMARY:Empty period", "END:VEVENT",
	))
	got := expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-19T00:00:00+01:00", Filter{})
	want := []string{
		"meeting 2026-11-16T12:00:00+01:00 2026-11-16T12:30:00+01:00 Meeting",
		"rdate-period/20261117T080000Z 2026-11-17T09:00:00+01:00 2026-11-17T10:00:00+01:00 Empty period",
	}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("default filter (-want +got):\n%s", diff)
	}
	got = expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-19T00:00:00+01:00", Filter{IncludeZeroLength: true})
	want = []string{
		"reminder 2026-11-16T10:00:00+01:00 2026-11-16T10:00:00+01:00 Reminder",
		"same-end 2026-11-16T11:00:00+01:00 2026-11-16T11:00:00+01:00 Same end",
		"meeting 2026-11-16T12:00:00+01:00 2026-11-16T12:30:00+01:00 Meeting",
		"rdate-period/20261117T080000Z 2026-11-17T09:00:00+01:00 2026-11-17T10:00:00+01:00 Empty period",
		"rdate-period/20261118T080000Z 2026-11-18T09:00:00+01:00 2026-11-18T09:00:00+01:00 Empty period",
	}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("IncludeZeroLength (-want +got):\n%s", diff)
	}
}

// Floating UNTIL, EXDATE, RDATE and RECURRENCE-ID values of a series with a
// TZID name its instances on its own wall clock, not the account's.
// New York is -05:00 in mid-November, so 09:30 there is 15:30 in Berlin.
func TestFloatingValuesReadInSeriesZone(t *testing.T) {
	cal := mustParse(t, vcal(
		"BEGIN:VEVENT", "UID:ny", "DTSTART;TZID=America/New_York:20261116T093000", "DURATION:PT30M",
		"RRULE:FREQ=DAILY;UNTIL=20261120T093000",
		"EXDATE:20261117T093000",
		"RDATE:20261121T120000",
		"SUMMARY:NY daily", "END:VEVENT",
		"BEGIN:VEVENT", "UID:ny", "RECURRENCE-ID:20261118T093000",
		"DTSTART;TZID=America/New_York:20261118T110000", "DURATION:PT30M", "SUMMARY:NY moved", "END:VEVENT",
	))
	got := expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-23T00:00:00+01:00", Filter{})
	want := []string{
		"ny/20261116T143000Z 2026-11-16T15:30:00+01:00 2026-11-16T16:00:00+01:00 NY daily",
		"ny/20261118T143000Z 2026-11-18T17:00:00+01:00 2026-11-18T17:30:00+01:00 NY moved",
		"ny/20261119T143000Z 2026-11-19T15:30:00+01:00 2026-11-19T16:00:00+01:00 NY daily",
		"ny/20261120T143000Z 2026-11-20T15:30:00+01:00 2026-11-20T16:00:00+01:00 NY daily",
		"ny/20261121T170000Z 2026-11-21T18:00:00+01:00 2026-11-21T18:30:00+01:00 NY daily",
	}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A DATE RECURRENCE-ID on a timed series names that day's instance, which
// the override replaces: the meeting appears once, moved.
func TestDateRecurrenceIDOnTimedSeries(t *testing.T) {
	cal := mustParse(t, vcal(
		"BEGIN:VEVENT", "UID:s", "DTSTART;TZID=Europe/Berlin:20261116T093000", "DURATION:PT30M",
		"RRULE:FREQ=DAILY;COUNT=3", "SUMMARY:Standup", "END:VEVENT",
		"BEGIN:VEVENT", "UID:s", "RECURRENCE-ID;VALUE=DATE:20261117",
		"DTSTART;TZID=Europe/Berlin:20261117T110000", "DURATION:PT30M", "SUMMARY:Standup (moved)", "END:VEVENT",
	))
	got := expandOne(t, cal, "2026-11-16T00:00:00+01:00", "2026-11-20T00:00:00+01:00", Filter{})
	want := []string{
		"s/20261116T083000Z 2026-11-16T09:30:00+01:00 2026-11-16T10:00:00+01:00 Standup",
		"s/20261117T083000Z 2026-11-17T11:00:00+01:00 2026-11-17T11:30:00+01:00 Standup (moved)",
		"s/20261118T083000Z 2026-11-18T09:30:00+01:00 2026-11-18T10:00:00+01:00 Standup",
	}
	if diff := cmp.Diff(want, lines(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if rid := got[1].RecurrenceID.Format(time.RFC3339); rid != "2026-11-17T09:30:00+01:00" {
		t.Errorf("RecurrenceID = %s, want the replaced instance's start", rid)
	}
}

func TestMaxOccurrences(t *testing.T) {
	cal := parseFile(t, "rrule.ics")
	berlin := mustLoad(t, "Europe/Berlin")
	w := Window{mustTime(t, "2026-11-16T00:00:00+01:00"), mustTime(t, "2026-11-28T00:00:00+01:00")}
	// 16 occurrences in this window (TestExpandGolden).
	if _, err := cal.Expand(w, Options{Location: berlin, MaxOccurrences: 16}); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	_, err := cal.Expand(w, Options{Location: berlin, MaxOccurrences: 15})
	if err == nil || !strings.Contains(err.Error(), "more than 15 occurrences") {
		t.Fatalf("err = %v, want the total limit named", err)
	}
	if _, err := cal.Expand(w, Options{Location: berlin, MaxOccurrences: -1}); err == nil || !strings.Contains(err.Error(), "must not be negative") {
		t.Fatalf("err = %v, want a negative limit refused", err)
	}
}

// tolerantICS mixes events rtctl cannot read with good ones. The window
// used below is 16-23 November 2026.
var tolerantICS = vcal(
	// Good, in the window.
	"BEGIN:VEVENT", "UID:good", "DTSTART:20261116T090000Z", "DTEND:20261116T100000Z", "SUMMARY:Good", "END:VEVENT",
	// Line 14: EXRULE on a series that ended in 2025.
	"BEGIN:VEVENT", "UID:old-exrule", "DTSTART:20250106T090000Z", "DURATION:PT1H",
	"RRULE:FREQ=WEEKLY;UNTIL=20250630T000000Z", "EXRULE:FREQ=MONTHLY", "END:VEVENT",
	// A series ended by COUNT in January 2025, moved from an
	// instance on with RANGE=THISANDFUTURE (line 24).
	"BEGIN:VEVENT", "UID:old-series", "DTSTART:20250106T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=10", "END:VEVENT",
	"BEGIN:VEVENT", "UID:old-series", "RECURRENCE-ID;RANGE=THISANDFUTURE:20250110T090000Z",
	"DTSTART:20250110T100000Z", "DURATION:PT1H", "END:VEVENT",
	// Line 33: Outlook's custom zone without X-LIC-LOCATION, in 2025.
	"BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "END:VTIMEZONE",
	"BEGIN:VEVENT", "UID:custom-zone", "DTSTART;TZID=Customized Time Zone:20250301T100000",
	"DTEND;TZID=Customized Time Zone:20250301T110000", "END:VEVENT",
	// Line 36: DATE start with a DATE-TIME end, in 2027.
	"BEGIN:VEVENT", "UID:mixed", "DTSTART;VALUE=DATE:20270105", "DTEND:20270105T100000Z", "END:VEVENT",
)

func TestTolerantParse(t *testing.T) {
	// Parse stays strict and names every broken event.
	_, err := Parse(strings.NewReader(tolerantICS))
	for _, want := range []string{"calendar line 14: EXRULE", "calendar line 24: RECURRENCE-ID;RANGE=THISANDFUTURE",
		`calendar line 33: DTSTART: unknown time zone "Customized Time Zone"`, "calendar line 36: VEVENT \"mixed\""} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse error %v lacks %q", err, want)
		}
	}

	cal, err := ParseTolerant(strings.NewReader(tolerantICS))
	if err != nil {
		t.Fatal(err)
	}
	berlin := mustLoad(t, "Europe/Berlin")
	w := Window{mustTime(t, "2026-11-16T00:00:00+01:00"), mustTime(t, "2026-11-23T00:00:00+01:00")}
	x, err := cal.ExpandDetailed(w, Options{Location: berlin})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"good 2026-11-16T10:00:00+01:00 2026-11-16T11:00:00+01:00 Good"}, lines(x.Occurrences)); diff != "" {
		t.Errorf("occurrences (-want +got):\n%s", diff)
	}
	var warned []string
	for _, wn := range x.Warnings {
		warned = append(warned, wn.UID)
		if !strings.Contains(wn.String(), "cannot reach the window") || wn.Err == nil {
			t.Errorf("warning %q", wn)
		}
	}
	if diff := cmp.Diff([]string{"old-exrule", "old-series", "custom-zone", "mixed"}, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	// A window that the broken events may reach makes them errors: one
	// in March 2025 reaches the custom-zone event and the 2025 series' end
	// (with a day's slack for the zone it may be in).
	w = Window{mustTime(t, "2025-03-01T00:00:00Z"), mustTime(t, "2025-03-02T00:00:00Z")}
	_, err = cal.ExpandDetailed(w, Options{Location: berlin})
	if err == nil || !strings.Contains(err.Error(), "calendar line 33") || !strings.Contains(err.Error(), "calendar line 14") {
		t.Fatalf("err = %v, want the custom zone and the EXRULE series as errors", err)
	}
	if strings.Contains(err.Error(), "line 24") || strings.Contains(err.Error(), "line 36") {
		t.Errorf("err = %v names events that cannot reach the window", err)
	}
}

// Events whose reach cannot be bounded are errors in any window.
func TestTolerantParseUnboundedEvents(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"endless series with EXRULE", vcal("BEGIN:VEVENT", "UID:a", "DTSTART:20200106T090000Z", "DURATION:PT1H",
			"RRULE:FREQ=WEEKLY", "EXRULE:FREQ=MONTHLY", "END:VEVENT"), "calendar line 8: EXRULE"},
		{"this and future of an endless series", vcal(
			"BEGIN:VEVENT", "UID:b", "DTSTART:20200106T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY", "END:VEVENT",
			"BEGIN:VEVENT", "UID:b", "RECURRENCE-ID;RANGE=THISANDFUTURE:20200113T090000Z", "DTSTART:20200113T100000Z", "END:VEVENT"),
			"RANGE=THISANDFUTURE"},
		{"override moved away from an instance in the window", vcal(
			"BEGIN:VEVENT", "UID:c", "DTSTART:20261116T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3", "END:VEVENT",
			"BEGIN:VEVENT", "UID:c", "RECURRENCE-ID:20261117T090000Z", "DTSTART:20300101T100000Z", "SEQUENCE:x", "END:VEVENT"),
			"SEQUENCE"},
		{"no DTSTART", vcal("BEGIN:VEVENT", "UID:d", "SUMMARY:x", "END:VEVENT"), "has no DTSTART"},
	}
	w := Window{mustTime(t, "2026-11-16T00:00:00+01:00"), mustTime(t, "2026-11-23T00:00:00+01:00")}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal, err := ParseTolerant(strings.NewReader(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			_, err = cal.ExpandDetailed(w, Options{Location: mustLoad(t, "Europe/Berlin")})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	// Not a calendar at all is still an error of ParseTolerant itself.
	if _, err := ParseTolerant(strings.NewReader("<html>")); err == nil {
		t.Error("ParseTolerant accepted HTML")
	}
}

func TestRdatePeriodEndingBeforeStart(t *testing.T) {
	for _, v := range []string{
		"RDATE;VALUE=PERIOD:20261118T110000Z/20261118T100000Z",
		"RDATE;VALUE=PERIOD;TZID=Europe/Berlin:20261118T110000/20261118T100000",
		"RDATE;VALUE=PERIOD:20261118T110000/20261118T100000",
	} {
		_, err := Parse(strings.NewReader(vcal("BEGIN:VEVENT", "UID:p", "DTSTART:20261116T090000Z", "DURATION:PT1H", v, "END:VEVENT")))
		if err == nil || !strings.Contains(err.Error(), "calendar line 7: RDATE: period") || !strings.Contains(err.Error(), "ends before it starts") {
			t.Errorf("%s: err = %v, want it refused on line 7", v, err)
		}
	}
}

func TestDurationOverflow(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"PT999999999H", false}, // 999999999h overflows time.Duration
		{"PT2562048H", false},   // just past time.Duration's range
		{"PT878400H", true},     // 100 years of 366 days, the limit
		{"PT878401H", false},
		{"PT878400H1S", false},
		{"PT999999999S", true},
	} {
		d, err := parseDuration(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseDuration(%q) = %+v, %v; want ok=%v", tt.in, d, err, tt.ok)
		}
		if err == nil && d.exact <= 0 {
			t.Errorf("parseDuration(%q) = %v, wrapped around", tt.in, d.exact)
		}
	}
}

// A redirect from a real (https) server to loopback http is refused; one
// from loopback http to loopback http, as in tests, still works.
func TestFetchRedirectToLoopback(t *testing.T) {
	const body = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
	var local *httptest.Server
	local = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, local.URL+"/cal", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	defer local.Close()
	remote := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, local.URL+"/cal", http.StatusFound)
	}))
	defer remote.Close()
	client := remote.Client()

	_, err := Fetch(context.Background(), client, remote.URL+"/private-s3cr3tt0ken/basic.ics", 0)
	assertRedacted(t, err)
	if !strings.Contains(err.Error(), "refusing a redirect") {
		t.Errorf("err = %v, want the redirect refused", err)
	}
	data, err := Fetch(context.Background(), client, local.URL+"/hop", 0)
	if err != nil || string(data) != body {
		t.Errorf("loopback to loopback: %q, %v", data, err)
	}
}

// An unreadable event may be the newer version of a series that parsed:
// the readable version is used only where it produces nothing, since what
// it shows may be what the newer one changed.
func TestUnreadableNewerVersionOfSeries(t *testing.T) {
	src := vcal(
		"BEGIN:VEVENT", "UID:v", "SEQUENCE:1", "DTSTART:20261116T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3", "END:VEVENT",
		"BEGIN:VEVENT", "UID:v", "SEQUENCE:2", "DTSTART:20250106T090000Z", "DURATION:PT1H",
		"RRULE:FREQ=DAILY;COUNT=3", "EXRULE:FREQ=MONTHLY", "END:VEVENT",
	)
	cal, err := ParseTolerant(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	berlin := mustLoad(t, "Europe/Berlin")
	_, err = cal.ExpandDetailed(Window{mustTime(t, "2026-11-16T00:00:00+01:00"), mustTime(t, "2026-11-23T00:00:00+01:00")}, Options{Location: berlin})
	if err == nil || !strings.Contains(err.Error(), "another version of event \"v\"") {
		t.Fatalf("err = %v, want the unreadable version named", err)
	}
	// Where neither version has occurrences, the warning is enough.
	x, err := cal.ExpandDetailed(Window{mustTime(t, "2026-12-16T00:00:00+01:00"), mustTime(t, "2026-12-23T00:00:00+01:00")}, Options{Location: berlin})
	if err != nil || len(x.Occurrences) != 0 || len(x.Warnings) != 1 {
		t.Fatalf("x = %+v, err = %v", x, err)
	}
}
