package rtapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPostValidationNamesTheField(t *testing.T) {
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("sent %s despite invalid input", r.URL.Path) })
	c := env.client
	ctx := context.Background()
	past := fixedNow.Add(-2 * time.Hour)
	long := strings.Repeat("é", 256) // 256 characters, 512 bytes
	ok255 := strings.Repeat("é", 255)
	off := func(mod func(*OfflineTimePost)) func() error {
		p := OfflineTimePost{Start: past, Duration: 30 * time.Minute, ActivityName: "Meeting"}
		mod(&p)
		return func() error { return c.PostOfflineTime(ctx, p) }
	}
	hl := func(mod func(*HighlightPost)) func() error {
		p := HighlightPost{Date: fixedNow, Description: "Shipped"}
		mod(&p)
		return func() error { return c.PostHighlight(ctx, p) }
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"offline: no start", off(func(p *OfflineTimePost) { p.Start = time.Time{} }), "start_time"},
		{"offline: neither end nor duration", off(func(p *OfflineTimePost) { p.Duration = 0 }), "duration"},
		{"offline: both end and duration", off(func(p *OfflineTimePost) { p.End = past.Add(time.Hour) }), "end_time"},
		{"offline: duration not whole minutes", off(func(p *OfflineTimePost) { p.Duration = 30*time.Minute + time.Second }), "duration"},
		{"offline: over 4 hours", off(func(p *OfflineTimePost) {
			p.Start = fixedNow.Add(-5 * time.Hour)
			p.Duration = 4*time.Hour + time.Minute
		}), "duration"},
		{"offline: end over 4 hours", off(func(p *OfflineTimePost) { p.Start = fixedNow.Add(-5 * time.Hour); p.Duration = 0; p.End = fixedNow }), "end_time"},
		{"offline: under 5 minutes", off(func(p *OfflineTimePost) { p.Duration = 4 * time.Minute }), "duration"},
		{"offline: end before start", off(func(p *OfflineTimePost) { p.Duration = 0; p.End = past.Add(-time.Minute) }), "end_time"},
		{"offline: negative duration", off(func(p *OfflineTimePost) { p.Duration = -30 * time.Minute }), "duration"},
		{"offline: starts in the future", off(func(p *OfflineTimePost) { p.Start = fixedNow.Add(time.Minute) }), "start_time"},
		{"offline: ends in the future", off(func(p *OfflineTimePost) { p.Start = fixedNow.Add(-10 * time.Minute) }), "duration"},
		{"offline: end_time in the future", off(func(p *OfflineTimePost) { p.Duration = 0; p.End = fixedNow.Add(time.Minute) }), "end_time"},
		{"offline: no activity name", off(func(p *OfflineTimePost) { p.ActivityName = "" }), "activity_name"},
		{"offline: activity name 256 characters", off(func(p *OfflineTimePost) { p.ActivityName = long }), "activity_name"},
		{"offline: details 256 characters", off(func(p *OfflineTimePost) { p.ActivityDetails = long }), "activity_details"},
		{"offline: invalid UTF-8", off(func(p *OfflineTimePost) { p.ActivityName = "\xff" }), "activity_name"},
		{"highlight: no date", hl(func(p *HighlightPost) { p.Date = time.Time{} }), "highlight_date"},
		{"highlight: no description", hl(func(p *HighlightPost) { p.Description = "" }), "description"},
		{"highlight: description 256 characters", hl(func(p *HighlightPost) { p.Description = long }), "description"},
		{"highlight: source 256 characters", hl(func(p *HighlightPost) { p.Source = long }), "source"},
		{"focus: zero", func() error { return c.StartFocusTime(ctx, 0) }, "duration"},
		{"focus: not a multiple of 5", func() error { return c.StartFocusTime(ctx, 12) }, "duration"},
		{"focus: negative other than -1", func() error { return c.StartFocusTime(ctx, -5) }, "duration"},
		{"alerts: negative id", func() error { _, err := c.Alerts(ctx, -1); return err }, "alert_id"},
	}
	for _, tt := range tests {
		err := tt.call()
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("%s: got %v, want a ValidationError on %s", tt.name, err, tt.field)
			continue
		}
		if !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: message %q does not name %s", tt.name, err, tt.field)
		}
	}
	// The limits themselves are accepted.
	if err := (OfflineTimePost{Start: fixedNow.Add(-4 * time.Hour), Duration: 4 * time.Hour, ActivityName: ok255, ActivityDetails: ok255}).Validate(fixedNow); err != nil {
		t.Errorf("4h block ending now with 255-character texts: %v", err)
	}
	if _, err := c.StartFocusTimeRequest(FocusUntilEndOfDay); err != nil {
		t.Errorf("-1: %v", err)
	}
}

func TestOfflineTimeRequestRendering(t *testing.T) {
	env := newTestEnv(t, respond(200, "", ""))
	berlin := mustLoad(t, "Europe/Berlin")
	start := time.Date(2025, 11, 21, 9, 0, 0, 0, berlin) // 08:00 UTC, before fixedNow
	r, err := env.client.OfflineTimeRequest(OfflineTimePost{Start: start.UTC(), Duration: time.Hour, ActivityName: "Meeting", ActivityDetails: "Daily Planning"})
	if err != nil {
		t.Fatal(err)
	}
	want := `POST offline_time_post {"start_time":"2025-11-21 09:00:00","duration":60,"activity_name":"Meeting","activity_details":"Daily Planning"}`
	if r.String() != want {
		t.Errorf("got  %s\nwant %s", r, want)
	}
	r, err = env.client.OfflineTimeRequest(OfflineTimePost{Start: start, End: start.Add(90 * time.Minute), ActivityName: "Driving"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"start_time":"2025-11-21 09:00:00","end_time":"2025-11-21 10:30:00","activity_name":"Driving"}`; string(r.Body) != want {
		t.Errorf("body %s", r.Body)
	}
	if _, err := env.client.Do(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	got := env.rec.all()[0]
	if got.Method != http.MethodPost || got.Path != "/anapi/offline_time_post" || got.Body != string(r.Body) ||
		got.Header.Get("Content-Type") != "application/json" || got.Query["key"][0] != testKey {
		t.Errorf("sent %+v", got)
	}
	if strings.Contains(r.String(), testKey) {
		t.Error("rendered request holds the key")
	}
}

func TestHighlightAndFocusRequests(t *testing.T) {
	env := newTestEnv(t, respond(200, "application/json", `{"message":"Highlight created"}`), func(o *Options) {
		o.Credentials = AccessToken("tok")
	})
	ctx := context.Background()
	if err := env.client.PostHighlight(ctx, HighlightPost{Date: time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC), Description: "Shipped v1.2", Source: "releases"}); err != nil {
		t.Fatal(err)
	}
	if err := env.client.StartFocusTime(ctx, 45); err != nil {
		t.Fatal(err)
	}
	if err := env.client.EndFocusTime(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := env.rec.all()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	h := reqs[0]
	if h.Path != "/api/oauth/highlights_post" || h.Query["highlight_date"][0] != "2025-11-20" ||
		h.Query["description"][0] != "Shipped v1.2" || h.Query["source"][0] != "releases" || h.Query["access_token"][0] != "tok" {
		t.Errorf("highlight %+v", h)
	}
	if reqs[1].Path != "/api/oauth/start_focustime" || reqs[1].Query["duration"][0] != "45" || reqs[1].Method != http.MethodPost {
		t.Errorf("start %+v", reqs[1])
	}
	if reqs[2].Path != "/api/oauth/end_focustime" || reqs[2].Method != http.MethodPost {
		t.Errorf("end %+v", reqs[2])
	}
}

func TestFocusTimeAcceptsNonJSONSuccess(t *testing.T) {
	// An HTML page is never the API's answer: TestPOSTSuccessMustBeProven.
	for _, body := range []string{"", "OK", `{"message":"FocusTime started"}`} {
		env := newTestEnv(t, respond(200, "text/plain", body))
		if err := env.client.StartFocusTime(context.Background(), 30); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestNoCredentials(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Highlights(context.Background()); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("got %v", err)
	}
}

func TestOfflineTimeInTheRepeatedHourIsSentAsUnixTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	c, err := New(Options{Credentials: APIKey("k"), Location: berlin, Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	// 02:30 CET on 25 October 2026 comes after 02:30 CEST of the same
	// night: naive "02:30:00" would name either.
	second := time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)
	r, err := c.OfflineTimeRequest(OfflineTimePost{Start: second, Duration: 20 * time.Minute, ActivityName: "Flight"})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(`"start_time":%d`, second.Unix()); !strings.Contains(string(r.Body), want) {
		t.Errorf("body %s lacks %s", r.Body, want)
	}
	// An ordinary time keeps the documented form.
	r, err = c.OfflineTimeRequest(OfflineTimePost{Start: time.Date(2026, 10, 26, 9, 0, 0, 0, berlin), Duration: 20 * time.Minute, ActivityName: "Standup"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r.Body), `"start_time":"2026-10-26 09:00:00"`) {
		t.Errorf("body %s", r.Body)
	}
}

func TestWriteProven(t *testing.T) {
	for _, tc := range []struct {
		endpoint, body string
		want           bool
	}{
		{"offline_time_post", `{"message":"Offline time added"}`, true},
		{"offline_time_post", "\ufeff {\"message\": \"ok\"}\n", true},
		{"offline_time_post", ``, false},
		{"offline_time_post", `{"message":null}`, false},
		{"offline_time_post", `{}`, false},
		{"offline_time_post", `{"status":"ok"}`, false},
		{"offline_time_post", `[]`, false},
		{"offline_time_post", `ok`, false},
		{"highlights_post", `{"message":"ok"}`, true},
		{"start_focustime", ``, true},
	} {
		if got := WriteProven(tc.endpoint, []byte(tc.body)); got != tc.want {
			t.Errorf("WriteProven(%s, %q) = %v, want %v", tc.endpoint, tc.body, got, tc.want)
		}
	}
}
