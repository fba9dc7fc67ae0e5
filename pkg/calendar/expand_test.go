package calendar

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func parseFile(t testing.TB, name string) *Calendar {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cal, err := Parse(f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return cal
}

// line renders an occurrence the way the expectations below are written by
// hand: key, start, end (RFC 3339 in the account's zone) and summary.
func line(o Occurrence) string {
	return fmt.Sprintf("%s %s %s %s", o.Key, o.Start.Format(time.RFC3339), o.End.Format(time.RFC3339), o.Summary)
}

func lines(occ []Occurrence) []string {
	out := []string{}
	for _, o := range occ {
		out = append(out, line(o))
	}
	return out
}

// The expected occurrences below were worked out by hand from the fixtures
// (Berlin is +01:00 in November, +02:00 until 25 October 2026 and from 29
// March 2026; New York is -04:00 until 1 November 2026, then -05:00).
func TestExpandGolden(t *testing.T) {
	all := Filter{IncludeCancelled: true, IncludeTransparent: true, IncludeAllDay: true, IncludeDeclined: true}
	tests := []struct {
		name       string
		file       string
		zone       string
		start, end string
		filter     Filter
		want       []string
	}{
		{
			name: "rrule daily weekly monthly count until interval", file: "rrule.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-28T00:00:00+01:00",
			want: []string{
				"daily-count/20261116T080000Z 2026-11-16T09:00:00+01:00 2026-11-16T09:30:00+01:00 Daily, three times",
				"daily-interval-until/20261116T090000Z 2026-11-16T10:00:00+01:00 2026-11-16T10:15:00+01:00 Every third day until the 25th",
				"weekly-byday/20261116T130000Z 2026-11-16T14:00:00+01:00 2026-11-16T15:00:00+01:00 Mon Wed Fri",
				"daily-count/20261117T080000Z 2026-11-17T09:00:00+01:00 2026-11-17T09:30:00+01:00 Daily, three times",
				"daily-count/20261118T080000Z 2026-11-18T09:00:00+01:00 2026-11-18T09:30:00+01:00 Daily, three times",
				"weekly-interval2/20261118T080000Z 2026-11-18T09:00:00+01:00 2026-11-18T09:45:00+01:00 Every other Wednesday",
				"weekly-byday/20261118T130000Z 2026-11-18T14:00:00+01:00 2026-11-18T15:00:00+01:00 Mon Wed Fri",
				"daily-interval-until/20261119T090000Z 2026-11-19T10:00:00+01:00 2026-11-19T10:15:00+01:00 Every third day until the 25th",
				"monthly/20261120T103000Z 2026-11-20T11:30:00+01:00 2026-11-20T12:00:00+01:00 Monthly on the 20th",
				"weekly-byday/20261120T130000Z 2026-11-20T14:00:00+01:00 2026-11-20T15:00:00+01:00 Mon Wed Fri",
				"daily-interval-until/20261122T090000Z 2026-11-22T10:00:00+01:00 2026-11-22T10:15:00+01:00 Every third day until the 25th",
				"weekly-byday/20261123T130000Z 2026-11-23T14:00:00+01:00 2026-11-23T15:00:00+01:00 Mon Wed Fri",
				"daily-interval-until/20261125T090000Z 2026-11-25T10:00:00+01:00 2026-11-25T10:15:00+01:00 Every third day until the 25th",
				"weekly-byday/20261125T130000Z 2026-11-25T14:00:00+01:00 2026-11-25T15:00:00+01:00 Mon Wed Fri",
				"weekly-byday/20261127T130000Z 2026-11-27T14:00:00+01:00 2026-11-27T15:00:00+01:00 Mon Wed Fri",
				"monthly-lastfri/20261127T150000Z 2026-11-27T16:00:00+01:00 2026-11-27T17:00:00+01:00 Last Friday of the month",
			},
		},
		{
			name: "exdate lists, repeated lines, TZID, UTC and Windows zones", file: "exdate.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-23T00:00:00+01:00",
			want: []string{
				"standup/20261116T081500Z 2026-11-16T09:15:00+01:00 2026-11-16T09:30:00+01:00 Standup",
				"utc-ex/20261116T120000Z 2026-11-16T13:00:00+01:00 2026-11-16T14:00:00+01:00 UTC series",
				"windows-ex/20261116T160000Z 2026-11-16T17:00:00+01:00 2026-11-16T17:30:00+01:00 Outlook series",
				"utc-ex/20261118T120000Z 2026-11-18T13:00:00+01:00 2026-11-18T14:00:00+01:00 UTC series",
				"windows-ex/20261118T160000Z 2026-11-18T17:00:00+01:00 2026-11-18T17:30:00+01:00 Outlook series",
				"standup/20261119T081500Z 2026-11-19T09:15:00+01:00 2026-11-19T09:30:00+01:00 Standup",
				"utc-ex/20261119T120000Z 2026-11-19T13:00:00+01:00 2026-11-19T14:00:00+01:00 UTC series",
			},
		},
		{
			name: "rdate lists, periods, rule plus rdate", file: "rdate.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-12-01T00:00:00+01:00",
			want: []string{
				"rdate-list/20261116T140000Z 2026-11-16T15:00:00+01:00 2026-11-16T16:00:00+01:00 Extra dates",
				"rrule-plus-rdate/20261117T100000Z 2026-11-17T11:00:00+01:00 2026-11-17T11:30:00+01:00 Rule plus extra",
				"rdate-list/20261118T140000Z 2026-11-18T15:00:00+01:00 2026-11-18T16:00:00+01:00 Extra dates",
				"rrule-plus-rdate/20261119T100000Z 2026-11-19T11:00:00+01:00 2026-11-19T11:30:00+01:00 Rule plus extra",
				"rdate-list/20261125T100000Z 2026-11-25T11:00:00+01:00 2026-11-25T12:00:00+01:00 Extra dates",
				"rdate-list/20261127T130000Z 2026-11-27T14:00:00+01:00 2026-11-27T16:00:00+01:00 Extra dates",
				"rdate-list/20261130T140000Z 2026-11-30T15:00:00+01:00 2026-11-30T16:00:00+01:00 Extra dates",
			},
		},
		{
			name: "overrides, orphans, duplicates, cancellations skipped", file: "overrides.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-30T00:00:00+01:00",
			want: []string{
				"weekly-sync/20261116T090000Z 2026-11-17T15:00:00+01:00 2026-11-17T16:00:00+01:00 Sync (moved again)",
				"weekly-sync/20261109T090000Z 2026-11-18T10:00:00+01:00 2026-11-18T11:00:00+01:00 Sync (moved from 9th)",
				"orphan/20261119T070000Z 2026-11-19T08:30:00+01:00 2026-11-19T09:00:00+01:00 Orphan instance",
				"dup-event 2026-11-20T15:00:00+01:00 2026-11-20T16:00:00+01:00 Review v2",
				"weekly-sync/20261130T090000Z 2026-11-27T09:00:00+01:00 2026-11-27T10:00:00+01:00 Sync (pulled forward)",
			},
		},
		{
			name: "overrides with cancellations included", file: "overrides.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-30T00:00:00+01:00", filter: Filter{IncludeCancelled: true},
			want: []string{
				"weekly-sync/20261116T090000Z 2026-11-17T15:00:00+01:00 2026-11-17T16:00:00+01:00 Sync (moved again)",
				"weekly-sync/20261109T090000Z 2026-11-18T10:00:00+01:00 2026-11-18T11:00:00+01:00 Sync (moved from 9th)",
				"orphan/20261119T070000Z 2026-11-19T08:30:00+01:00 2026-11-19T09:00:00+01:00 Orphan instance",
				"dup-event 2026-11-20T15:00:00+01:00 2026-11-20T16:00:00+01:00 Review v2",
				"weekly-sync/20261123T090000Z 2026-11-23T10:00:00+01:00 2026-11-23T11:00:00+01:00 Sync",
				"cancelled-single 2026-11-24T12:00:00+01:00 2026-11-24T13:00:00+01:00 Called off",
				"weekly-sync/20261130T090000Z 2026-11-27T09:00:00+01:00 2026-11-27T10:00:00+01:00 Sync (pulled forward)",
			},
		},
		{
			name: "IANA, Windows, VTIMEZONE, path-prefixed, UTC and floating, seen from Berlin", file: "timezones.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-17T00:00:00+01:00",
			want: []string{
				"win-display 2026-11-16T08:00:00+01:00 2026-11-16T08:30:00+01:00 Windows display name",
				"vtimezone-lic 2026-11-16T10:00:00+01:00 2026-11-16T10:30:00+01:00 VTIMEZONE with X-LIC-LOCATION",
				"mozilla-path 2026-11-16T12:00:00+01:00 2026-11-16T12:30:00+01:00 Path-prefixed IANA name",
				"win-pacific 2026-11-16T14:00:00+01:00 2026-11-16T14:30:00+01:00 Windows zone name",
				"iana-ny 2026-11-16T15:00:00+01:00 2026-11-16T16:00:00+01:00 IANA zone",
				"utc 2026-11-16T17:00:00+01:00 2026-11-16T17:30:00+01:00 UTC",
				"floating 2026-11-16T19:00:00+01:00 2026-11-16T19:30:00+01:00 Floating",
			},
		},
		{
			name: "floating times follow the account's zone", file: "timezones.ics", zone: "America/New_York",
			start: "2026-11-16T18:00:00-05:00", end: "2026-11-17T00:00:00-05:00",
			want: []string{
				"floating 2026-11-16T19:00:00-05:00 2026-11-16T19:30:00-05:00 Floating",
			},
		},
		{
			name: "all-day events are calendar days, end exclusive", file: "allday.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-23T00:00:00+01:00", filter: Filter{IncludeAllDay: true},
			want: []string{
				"trip 2026-11-14T00:00:00+01:00 2026-11-17T00:00:00+01:00 Trip",
				"holiday 2026-11-18T00:00:00+01:00 2026-11-19T00:00:00+01:00 Holiday",
				"weekly-allday/20261119 2026-11-19T00:00:00+01:00 2026-11-20T00:00:00+01:00 Gym",
				"no-end 2026-11-20T00:00:00+01:00 2026-11-21T00:00:00+01:00 No DTEND",
				"duration-allday 2026-11-21T00:00:00+01:00 2026-11-23T00:00:00+01:00 Weekend away",
			},
		},
		{
			name: "all-day events are skipped by default", file: "allday.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-23T00:00:00+01:00",
			want: []string{},
		},
		{
			name: "autumn DST change, midnight crossing, zones changing on different dates", file: "dst.ics", zone: "Europe/Berlin",
			start: "2026-10-12T00:00:00+02:00", end: "2026-11-03T00:00:00+01:00", filter: Filter{IncludeAllDay: true},
			want: []string{
				"weekly-berlin/20261019T070000Z 2026-10-19T09:00:00+02:00 2026-10-19T09:30:00+02:00 Weekly 09:00 Berlin",
				"ny-weekly/20261019T140000Z 2026-10-19T16:00:00+02:00 2026-10-19T17:00:00+02:00 New York weekly",
				"daily-across/20261023T233000Z 2026-10-24T01:30:00+02:00 2026-10-24T03:30:00+02:00 Two hours at 01:30",
				"across-change 2026-10-24T23:00:00+02:00 2026-10-25T05:00:00+01:00 Night shift over the change",
				"allday-dst 2026-10-25T00:00:00+02:00 2026-10-26T00:00:00+01:00 The long day",
				"daily-across/20261024T233000Z 2026-10-25T01:30:00+02:00 2026-10-25T02:30:00+01:00 Two hours at 01:30",
				"weekly-berlin/20261026T080000Z 2026-10-26T09:00:00+01:00 2026-10-26T09:30:00+01:00 Weekly 09:00 Berlin",
				"ny-weekly/20261026T140000Z 2026-10-26T15:00:00+01:00 2026-10-26T16:00:00+01:00 New York weekly",
				"midnight 2026-10-30T22:00:00+01:00 2026-10-31T01:30:00+01:00 Past midnight",
				"weekly-berlin/20261102T080000Z 2026-11-02T09:00:00+01:00 2026-11-02T09:30:00+01:00 Weekly 09:00 Berlin",
				"ny-weekly/20261102T150000Z 2026-11-02T16:00:00+01:00 2026-11-02T17:00:00+01:00 New York weekly",
			},
		},
		{
			name: "spring DST change keeps 09:00 local", file: "dst.ics", zone: "Europe/Berlin",
			start: "2026-03-16T00:00:00+01:00", end: "2026-04-01T00:00:00+02:00",
			want: []string{
				"spring-weekly/20260316T080000Z 2026-03-16T09:00:00+01:00 2026-03-16T09:30:00+01:00 Spring weekly",
				"spring-weekly/20260323T080000Z 2026-03-23T09:00:00+01:00 2026-03-23T09:30:00+01:00 Spring weekly",
				"spring-weekly/20260330T070000Z 2026-03-30T09:00:00+02:00 2026-03-30T09:30:00+02:00 Spring weekly",
			},
		},
		{
			name: "work calendar, default filters", file: "work.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-21T00:00:00+01:00", filter: Filter{AttendeeEmail: "me@example.com"},
			want: []string{
				"standup-2026@example.com/20261116T083000Z 2026-11-16T09:30:00+01:00 2026-11-16T09:45:00+01:00 Daily standup",
				"standup-2026@example.com/20261117T083000Z 2026-11-17T09:30:00+01:00 2026-11-17T09:45:00+01:00 Daily standup",
				"planning-2026-11-17@example.com 2026-11-17T13:00:00+01:00 2026-11-17T15:00:00+01:00 Sprint planning",
				"standup-2026@example.com/20261118T083000Z 2026-11-18T10:00:00+01:00 2026-11-18T10:15:00+01:00 Daily standup (late)",
				"standup-2026@example.com/20261119T083000Z 2026-11-19T09:30:00+01:00 2026-11-19T09:45:00+01:00 Daily standup",
				"all-hands-2026-11@example.com 2026-11-20T13:00:00+01:00 2026-11-20T18:00:00+01:00 All hands",
			},
		},
		{
			name: "work calendar, declined kept without an attendee e-mail", file: "work.ics", zone: "Europe/Berlin",
			start: "2026-11-19T00:00:00+01:00", end: "2026-11-20T00:00:00+01:00",
			want: []string{
				"standup-2026@example.com/20261119T083000Z 2026-11-19T09:30:00+01:00 2026-11-19T09:45:00+01:00 Daily standup",
				"vendor-demo@example.com 2026-11-19T11:00:00+01:00 2026-11-19T12:00:00+01:00 Vendor demo",
			},
		},
		{
			name: "work calendar, e-mail matched case-insensitively", file: "work.ics", zone: "Europe/Berlin",
			start: "2026-11-19T00:00:00+01:00", end: "2026-11-20T00:00:00+01:00", filter: Filter{AttendeeEmail: "ME@Example.com"},
			want: []string{
				"standup-2026@example.com/20261119T083000Z 2026-11-19T09:30:00+01:00 2026-11-19T09:45:00+01:00 Daily standup",
			},
		},
		{
			name: "work calendar, everything included", file: "work.ics", zone: "Europe/Berlin",
			start: "2026-11-16T00:00:00+01:00", end: "2026-11-21T00:00:00+01:00", filter: func() Filter { f := all; f.AttendeeEmail = "me@example.com"; return f }(),
			want: []string{
				"standup-2026@example.com/20261116T083000Z 2026-11-16T09:30:00+01:00 2026-11-16T09:45:00+01:00 Daily standup",
				"standup-2026@example.com/20261117T083000Z 2026-11-17T09:30:00+01:00 2026-11-17T09:45:00+01:00 Daily standup",
				"planning-2026-11-17@example.com 2026-11-17T13:00:00+01:00 2026-11-17T15:00:00+01:00 Sprint planning",
				"standup-2026@example.com/20261118T083000Z 2026-11-18T10:00:00+01:00 2026-11-18T10:15:00+01:00 Daily standup (late)",
				"focus-2026-11-18@example.com 2026-11-18T14:00:00+01:00 2026-11-18T17:00:00+01:00 Focus time",
				"standup-2026@example.com/20261119T083000Z 2026-11-19T09:30:00+01:00 2026-11-19T09:45:00+01:00 Daily standup",
				"vendor-demo@example.com 2026-11-19T11:00:00+01:00 2026-11-19T12:00:00+01:00 Vendor demo",
				"one-on-one@example.com/20261119T150000Z 2026-11-19T16:00:00+01:00 2026-11-19T16:30:00+01:00 1:1 with Lead",
				"hackathon-2026@example.com 2026-11-20T00:00:00+01:00 2026-11-21T00:00:00+01:00 Hackathon",
				"all-hands-2026-11@example.com 2026-11-20T13:00:00+01:00 2026-11-20T18:00:00+01:00 All hands",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := parseFile(t, tt.file)
			got, err := cal.Expand(Window{Start: mustTime(t, tt.start), End: mustTime(t, tt.end)},
				Options{Location: mustLoad(t, tt.zone), Filter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, lines(got)); diff != "" {
				t.Errorf("occurrences (-want +got):\n%s", diff)
			}
		})
	}
}
