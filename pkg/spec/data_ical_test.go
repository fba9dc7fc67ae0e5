package spec

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

// testICS is a small calendar in the shape of real exports: a weekly series
// with an EXDATE and a moved instance, a cancelled instance of another
// series, a declined meeting, free time, an all-day event and a five-hour
// all-hands.
const testICS = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//rtctl//test//EN
BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20261101T080000Z
DTSTART;TZID=Europe/Berlin:20261116T093000
DTEND;TZID=Europe/Berlin:20261116T094500
RRULE:FREQ=DAILY;COUNT=5
EXDATE;TZID=Europe/Berlin:20261117T093000
SUMMARY:Standup
CATEGORIES:Team,Daily
ORGANIZER:mailto:lead@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com
END:VEVENT
BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20261110T080000Z
RECURRENCE-ID;TZID=Europe/Berlin:20261118T093000
SEQUENCE:1
DTSTART;TZID=Europe/Berlin:20261118T100000
DTEND;TZID=Europe/Berlin:20261118T101500
SUMMARY:Standup (late)
END:VEVENT
BEGIN:VEVENT
UID:one@example.com
DTSTAMP:20261101T080000Z
DTSTART;TZID=Europe/Berlin:20261119T160000
DTEND;TZID=Europe/Berlin:20261119T163000
STATUS:CANCELLED
SUMMARY:1:1
END:VEVENT
BEGIN:VEVENT
UID:demo@example.com
DTSTAMP:20261101T080000Z
DTSTART;TZID=Europe/Berlin:20261119T110000
DTEND;TZID=Europe/Berlin:20261119T120000
SUMMARY:Vendor demo
ATTENDEE;PARTSTAT=DECLINED:mailto:Me@Example.com
END:VEVENT
BEGIN:VEVENT
UID:focus@example.com
DTSTAMP:20261101T080000Z
DTSTART;TZID=Europe/Berlin:20261118T140000
DTEND;TZID=Europe/Berlin:20261118T170000
TRANSP:TRANSPARENT
SUMMARY:Focus
END:VEVENT
BEGIN:VEVENT
UID:hack@example.com
DTSTAMP:20261101T080000Z
DTSTART;VALUE=DATE:20261120
DTEND;VALUE=DATE:20261121
SUMMARY:Hackathon
END:VEVENT
BEGIN:VEVENT
UID:allhands@example.com
DTSTAMP:20261101T080000Z
DTSTART:20261120T120000Z
DTEND:20261120T170000Z
SUMMARY:All hands
DESCRIPTION:Quarterly\, with cake
LOCATION:Hall
END:VEVENT
END:VCALENDAR
`

// testNow is a Friday evening in Berlin, after every event of testICS.
var testNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

const icalHeader = `rtctl {
  timezone = "Europe/Berlin"
}
`

// event is the part of an events element most tests compare.
type event struct{ Key, Start, End, Summary string }

// loadEvents loads body (after the rtctl block) with work.ics beside it and
// returns data.ical.NAME.events through an output the test can read: a
// highlight per event carrying key|start|end|summary.
func loadEvents(t *testing.T, body string, opts LoadOptions) []event {
	t.Helper()
	cfg := mustLoad(t, map[string]string{
		"main.rt.hcl": icalHeader + body + `
highlight "e" {
  for_each    = { for e in data.ical.work.events : e.key => e }
  date        = substr(each.value.start, 0, 10)
  description = join("|", [each.value.key, each.value.start, each.value.end, each.value.summary])
}
`,
		"work.ics": testICS,
	}, opts)
	var out []event
	for _, h := range cfg.Highlights {
		f := strings.Split(h.Description, "|")
		out = append(out, event{f[0], f[1], f[2], f[3]})
	}
	// Highlights come in address order; put them back in time order.
	sortEvents(out)
	return out
}

// sortEvents orders events by start, then key. The starts of one test share
// an offset, so comparing them as text is comparing them in time.
func sortEvents(es []event) {
	slices.SortFunc(es, func(a, b event) int {
		if c := strings.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
}

func TestICalDefaultFilters(t *testing.T) {
	got := loadEvents(t, `
data "ical" "work" {
  path           = "work.ics"
  attendee_email = "me@example.com"
}
`, LoadOptions{Now: testNow})
	want := []event{
		{"standup@example.com/20261116T083000Z", "2026-11-16T09:30:00+01:00", "2026-11-16T09:45:00+01:00", "Standup"},
		{"standup@example.com/20261118T083000Z", "2026-11-18T10:00:00+01:00", "2026-11-18T10:15:00+01:00", "Standup (late)"},
		{"standup@example.com/20261119T083000Z", "2026-11-19T09:30:00+01:00", "2026-11-19T09:45:00+01:00", "Standup"},
		{"standup@example.com/20261120T083000Z", "2026-11-20T09:30:00+01:00", "2026-11-20T09:45:00+01:00", "Standup"},
		{"allhands@example.com", "2026-11-20T13:00:00+01:00", "2026-11-20T18:00:00+01:00", "All hands"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestICalIncludeFlags(t *testing.T) {
	got := loadEvents(t, `
data "ical" "work" {
  path                = "work.ics"
  attendee_email      = "me@example.com"
  include_cancelled   = true
  include_declined    = true
  include_transparent = true
  include_all_day     = true
  window_start        = "2026-11-18"
  window_end          = "2026-11-21"
}
`, LoadOptions{}) // an explicit window needs no clock
	var keys []string
	for _, e := range got {
		keys = append(keys, e.Key)
	}
	want := []string{
		"standup@example.com/20261118T083000Z",
		"focus@example.com",
		"standup@example.com/20261119T083000Z",
		"demo@example.com",
		"one@example.com",
		"hack@example.com", // midnight, all day
		"standup@example.com/20261120T083000Z",
		"allhands@example.com",
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if hack := got[5]; hack.Start != "2026-11-20T00:00:00+01:00" || hack.End != "2026-11-21T00:00:00+01:00" {
		t.Errorf("all-day event spans %s..%s, want the calendar day in Berlin", hack.Start, hack.End)
	}
}

// loadNoErrors loads files, failing on errors but not on warnings.
func loadNoErrors(t *testing.T, files map[string]string, opts LoadOptions) *Config {
	t.Helper()
	cfg, diags := Load(context.Background(), writeConfig(t, files), opts)
	if diags.HasErrors() {
		var b strings.Builder
		_ = hcldiag.Render(&b, cfg.Files, diags, false)
		t.Fatalf("unexpected errors:\n%s", b.String())
	}
	return cfg
}

// TestICalEventAttributes checks every attribute of one element, through
// the typical offline_time use of the issue.
func TestICalEventAttributes(t *testing.T) {
	cfg := loadNoErrors(t, map[string]string{
		"main.rt.hcl": icalHeader + `
data "ical" "work" {
  path         = "work.ics"
  window_start = "2026-11-20 12:00"
  window_end   = "2026-11-20 19:00"
}

locals {
  e = data.ical.work.events[0]
}

offline_time "meetings" {
  for_each = { for e in data.ical.work.events : e.key => e }
  start    = each.value.start
  end      = each.value.end
  activity = "Meetings"
  details  = join(";", [
    each.value.uid, each.value.summary, each.value.description, each.value.location,
    join(",", each.value.categories), tostring(each.value.all_day), each.value.status,
    each.value.transparency, each.value.organizer, tostring(length(each.value.attendees)),
  ])
}
`,
		"work.ics": testICS,
	}, LoadOptions{})
	if len(cfg.OfflineTimes) != 1 {
		t.Fatalf("got %d offline blocks, want 1 (the all-hands)", len(cfg.OfflineTimes))
	}
	o := cfg.OfflineTimes[0]
	if o.Address != `offline_time.meetings["allhands@example.com"]` {
		t.Errorf("address = %s", o.Address)
	}
	if want := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC); !o.Start.Equal(want) || o.Duration() != 5*time.Hour {
		t.Errorf("block %s for %s, want %s for 5h", o.Start, o.Duration(), want)
	}
	if want := "allhands@example.com;All hands;Quarterly, with cake;Hall;;false;;OPAQUE;;0"; o.Details != want {
		t.Errorf("details = %q, want %q", o.Details, want)
	}

	// Categories and attendees of the standup.
	cfg = mustLoad(t, map[string]string{
		"main.rt.hcl": icalHeader + `
data "ical" "work" {
  path         = "work.ics"
  window_start = "2026-11-16"
  window_end   = "2026-11-17"
}

highlight "h" {
  date        = "2026-11-16"
  description = join(" ", concat(data.ical.work.events[0].categories, [for a in data.ical.work.events[0].attendees : "${a.email}=${a.status}"], [data.ical.work.events[0].organizer]))
}
`,
		"work.ics": testICS,
	}, LoadOptions{})
	if got, want := cfg.Highlights[0].Description, "Team Daily me@example.com=ACCEPTED lead@example.com"; got != want {
		t.Errorf("description = %q, want %q", got, want)
	}
}

func TestICalEmptyCalendarTypeChecks(t *testing.T) {
	cfg := mustLoad(t, map[string]string{
		"main.rt.hcl": icalHeader + `
data "ical" "work" {
  path         = "work.ics"
  window_start = "2020-01-01"
  window_end   = "2020-01-02"
}

offline_time "m" {
  for_each = { for e in data.ical.work.events : e.key => e }
  start    = each.value.start
  end      = each.value.end
  activity = "Meetings"
}
`,
		"work.ics": testICS,
	}, LoadOptions{})
	if len(cfg.OfflineTimes) != 0 {
		t.Errorf("got %d blocks from an empty window", len(cfg.OfflineTimes))
	}
}

func TestICalURL(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Query().Get("token") != "s3cr3t-t0ken" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/calendar")
		_, _ = w.Write([]byte(testICS))
	}))
	defer srv.Close()
	env := map[string]string{"CAL_URL": srv.URL + "/private/cal.ics?token=s3cr3t-t0ken"}
	got := loadEvents(t, `
data "ical" "work" {
  url          = env("CAL_URL")
  window_start = "2026-11-20 12:00"
  window_end   = "2026-11-20 19:00"
}
`, LoadOptions{HTTPClient: srv.Client(), Getenv: func(k string) string { return env[k] }})
	if len(got) != 1 || got[0].Key != "allhands@example.com" {
		t.Errorf("events = %v, want the all-hands", got)
	}
	if hits != 1 {
		t.Errorf("the calendar was fetched %d times, want once", hits)
	}
}

// TestICalDiagnostics checks each failure is an error on the block, and
// that a secret calendar address never appears in what is shown, even when
// it is written in the file itself.
func TestICalDiagnostics(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	secretURL := srv.URL + "/private-abc123/basic.ics?token=s3cr3t-t0ken"
	tests := []struct {
		name, body, ics string
		opts            LoadOptions
		want            string
	}{
		{"both sources", `path = "work.ics"
  url = "https://example.com/x.ics"`, testICS, LoadOptions{Now: testNow}, "Conflicting calendar sources"},
		{"no source", `attendee_email = "me@example.com"`, testICS, LoadOptions{Now: testNow}, "Missing calendar source"},
		{"missing file", `path = "nope.ics"`, testICS, LoadOptions{Now: testNow}, "Reading nope.ics for data.ical.work: no such file or directory."},
		{"invalid calendar", `path = "work.ics"`, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:2026-11-20\nEND:VEVENT\nEND:VCALENDAR\n", LoadOptions{Now: testNow}, "Invalid calendar"},
		{"no clock", `path = "work.ics"`, testICS, LoadOptions{}, "Calendar window unknown"},
		{"bad horizon", `path = "work.ics"
  horizon = "soon"`, testICS, LoadOptions{Now: testNow}, "Invalid horizon"},
		{"window reversed", `path = "work.ics"
  window_start = "2026-11-20"
  window_end = "2026-11-19"`, testICS, LoadOptions{Now: testNow}, "Empty calendar window"},
		{"no network", `url = "https://calendar.example.com/secret-path/x.ics?token=s3cr3t-t0ken"`, testICS, LoadOptions{Now: testNow}, "may not use the network"},
		{"url fails", `url = "` + secretURL + `"`, testICS, LoadOptions{Now: testNow, HTTPClient: srv.Client()}, "404 Not Found"},
		{"url not https", `url = "http://calendar.example.com/secret-path/x.ics?token=s3cr3t-t0ken"`, testICS, LoadOptions{Now: testNow, HTTPClient: http.DefaultClient}, "only https is allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeConfig(t, map[string]string{
				"main.rt.hcl": icalHeader + "\ndata \"ical\" \"work\" {\n  " + tc.body + "\n}\n",
				"work.ics":    tc.ics,
			})
			cfg, diags := Load(context.Background(), dir, tc.opts)
			if !diags.HasErrors() {
				t.Fatalf("no error")
			}
			var b strings.Builder
			if err := hcldiag.Render(&b, cfg.Files, diags, false); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(b.String()), " ")
			if !strings.Contains(text, tc.want) {
				t.Errorf("diagnostics lack %q:\n%s", tc.want, text)
			}
			if !strings.Contains(text, `data "ical" "work" {`) {
				t.Errorf("diagnostics do not point at the block:\n%s", text)
			}
			for _, secret := range []string{"s3cr3t-t0ken", "private-abc123", "secret-path"} {
				if strings.Contains(text, secret) {
					t.Errorf("diagnostics reveal %q:\n%s", secret, text)
				}
			}
		})
	}
}

func TestTodayInAccountZone(t *testing.T) {
	// 18:00 UTC on the 20th is already the 21st in Auckland. The zone comes
	// from a local, and the local calling today() is declared first: the
	// loader must still evaluate the rtctl block before it.
	cfg := mustLoad(t, map[string]string{"main.rt.hcl": `
locals {
  day = dateadd(today(), -1)
  tz  = "Pacific/Auckland"
}

rtctl {
  timezone = local.tz
}

highlight "h" {
  date        = today()
  description = "yesterday was ${local.day}"
}
`}, LoadOptions{Now: testNow})
	h := cfg.Highlights[0]
	if h.Date.String() != "2026-11-21" || h.Description != "yesterday was 2026-11-20" {
		t.Errorf("highlight = %s %q, want 2026-11-21 \"yesterday was 2026-11-20\"", h.Date, h.Description)
	}

	// The date is part of the configuration's identity: a saved plan made
	// yesterday is stale today.
	other := mustLoad(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "UTC"
}

highlight "h" {
  date        = "2026-11-20"
  description = "fixed ${today()}"
}
`}, LoadOptions{Now: testNow})
	next := mustLoad(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "UTC"
}

highlight "h" {
  date        = "2026-11-20"
  description = "fixed ${today()}"
}
`}, LoadOptions{Now: testNow.Add(24 * time.Hour)})
	if other.Hash == next.Hash {
		t.Error("the hash does not change with today's date")
	}
}

func TestTodayInRtctlBlockIsRefused(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.rt.hcl": `
locals {
  tz = today() == "" ? "UTC" : "Europe/Berlin"
}

rtctl {
  timezone = local.tz
}
`})
	_, diags := Load(context.Background(), dir, LoadOptions{Now: testNow})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Cycle in references") {
		t.Errorf("want a cycle error, got %v", diags)
	}
}

// TestLoadStopsWhenInterrupted checks that cancelling the context during a
// calendar download ends it at once and that Load says it was interrupted,
// rather than waiting for the download's own timeout or blaming the server.
func TestLoadStopsWhenInterrupted(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Both calendars are read at once: the first request says so.
		once.Do(func() { close(started) })
		select { // a server that never answers
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	dir := writeConfig(t, map[string]string{"main.rt.hcl": icalHeader + `
data "ical" "slow" {
  url = "` + srv.URL + `/cal.ics"
}
data "ical" "after" {
  url = "` + srv.URL + `/other.ics"
}
`})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, diags := Load(ctx, dir, LoadOptions{Now: testNow, HTTPClient: srv.Client()})
	var summaries []string
	for _, d := range diags {
		summaries = append(summaries, d.Summary)
	}
	if want := []string{"Loading interrupted"}; !slices.Equal(summaries, want) {
		t.Fatalf("diagnostics %q, want only %q: %v", summaries, want, diags)
	}
	if !strings.Contains(diags[0].Detail, "interrupted while reading data.ical.") {
		t.Errorf("detail %q does not say where loading stopped", diags[0].Detail)
	}
}
