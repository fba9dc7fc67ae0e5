package rtapi_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// The emulator's clock: a Friday evening in Berlin.
var emuNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

const (
	premiumKey = "premium-key-0123"
	liteKey    = "lite-key-4567"
	zone       = "Europe/Berlin"
)

type world struct {
	emu *emulator.Emulator
	srv *httptest.Server
	loc *time.Location
}

func newWorld(t *testing.T) *world {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(emuNow)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []emulator.Account{
		{Key: premiumKey, Plan: emulator.Premium, TimeZone: zone, Seed: 7},
		{Key: liteKey, Plan: emulator.Lite, TimeZone: zone, Seed: 8},
	} {
		if err := emu.AddAccount(a); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return &world{emu: emu, srv: srv, loc: loc}
}

func (w *world) client(t *testing.T, creds rtapi.Credentials) *rtapi.Client {
	t.Helper()
	c, err := rtapi.New(rtapi.Options{
		BaseURL:     w.srv.URL,
		Credentials: creds,
		HTTPClient:  w.srv.Client(),
		Location:    w.loc,
		Now:         func() time.Time { return emuNow },
		Sleep:       func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var allScopes = []string{"time_data", "category_data", "productivity_data", "alert_data", "highlight_data", "focustime_data"}

// credentials returns both auth modes for an account key.
func (w *world) credentials(t *testing.T, key string) map[string]rtapi.Credentials {
	t.Helper()
	tok, err := w.emu.IssueToken(key, allScopes...)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]rtapi.Credentials{"key": rtapi.APIKey(key), "token": rtapi.AccessToken(tok)}
}

func TestEmulatorPremiumEveryEndpoint(t *testing.T) {
	for _, mode := range []string{"key", "token"} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t)
			c := w.client(t, w.credentials(t, premiumKey)[mode])
			ctx := context.Background()

			days, err := c.DailySummaries(ctx)
			if err != nil || len(days) == 0 {
				t.Fatalf("DailySummaries: %d, %v", len(days), err)
			}
			today := time.Date(2026, 11, 20, 0, 0, 0, 0, w.loc)
			for _, d := range days {
				// "The previous two weeks": a recorded feed held 15 days.
				if !d.Date.Before(today) || d.Date.Before(today.AddDate(0, 0, -15)) {
					t.Errorf("summary for %s outside the previous 15 days", d.Date)
				}
				if d.ID != d.Date.Unix() {
					t.Errorf("summary id %d is not the Unix time of %s", d.ID, d.Date)
				}
			}
			defs, err := c.AlertDefinitions(ctx)
			if err != nil || len(defs) == 0 {
				t.Fatalf("AlertDefinitions: %v, %v", defs, err)
			}
			alerts, err := c.Alerts(ctx, defs[0].ID)
			if err != nil {
				t.Fatalf("Alerts: %v", err)
			}
			for _, a := range alerts {
				if a.AlertID != defs[0].ID || a.CreatedAt.IsZero() {
					t.Errorf("alert %+v", a)
				}
			}

			// Writes, then the feeds that show them.
			hl := rtapi.HighlightPost{Date: today, Description: "Shipped v1.2 ✓", Source: "releases"}
			if err := c.PostHighlight(ctx, hl); err != nil {
				t.Fatalf("PostHighlight: %v", err)
			}
			hs, err := c.Highlights(ctx)
			if err != nil || len(hs) != 1 || hs[0].Description != hl.Description || !hs[0].Date.Equal(today) {
				t.Fatalf("Highlights after post: %+v, %v", hs, err)
			}
			if err := c.StartFocusTime(ctx, 30); err != nil {
				t.Fatalf("StartFocusTime: %v", err)
			}
			started, err := c.FocusTimeStarted(ctx)
			if err != nil || len(started) != 1 || started[0].Minutes != 30 || !started[0].CreatedAt.Equal(emuNow) {
				t.Fatalf("FocusTimeStarted: %+v, %v", started, err)
			}
			if err := c.EndFocusTime(ctx); err != nil {
				t.Fatalf("EndFocusTime: %v", err)
			}
			ended, err := c.FocusTimeEnded(ctx)
			if err != nil || len(ended) != 1 {
				t.Fatalf("FocusTimeEnded: %+v, %v", ended, err)
			}
			block := rtapi.OfflineTimePost{
				Start: time.Date(2026, 11, 20, 9, 0, 0, 0, w.loc), Duration: time.Hour,
				ActivityName: "Standup", ActivityDetails: "daily",
			}
			if err := c.PostOfflineTime(ctx, block); err != nil {
				t.Fatalf("PostOfflineTime: %v", err)
			}
			off, err := c.AnalyticData(ctx, rtapi.AnalyticDataQuery{
				Perspective: rtapi.PerspectiveInterval, Resolution: rtapi.ResolutionMinute,
				Kind: rtapi.KindActivity, SourceType: rtapi.SourceOffline, Begin: today, End: today,
			})
			if err != nil {
				t.Fatalf("offline AnalyticData: %v", err)
			}
			total := 0
			for _, r := range off.Rows {
				if r.Activity != "Standup" || r.Date.Before(block.Start) || !r.Date.Before(block.Start.Add(time.Hour)) {
					t.Errorf("offline row %+v outside the posted block", r)
				}
				total += r.Seconds
			}
			if total != 3600 {
				t.Errorf("offline seconds %d, want 3600", total)
			}

			rec, ok := w.emu.Record().Account(premiumKey)
			if !ok {
				t.Fatal("no record")
			}
			for kind, want := range map[string]int{emulator.KindHighlight: 1, emulator.KindFocusStart: 1, emulator.KindFocusEnd: 1, emulator.KindOfflineTime: 1} {
				if n, _ := rec.Count(kind); n != want {
					t.Errorf("%s posted %d times, want %d", kind, n, want)
				}
			}
		})
	}
}

func TestEmulatorAnalyticDataShapes(t *testing.T) {
	w := newWorld(t)
	c := w.client(t, rtapi.APIKey(premiumKey))
	ctx := context.Background()
	day := time.Date(2026, 11, 19, 0, 0, 0, 0, w.loc)
	wantHeaders := map[string][]string{
		"rank/activity":         {"Rank", "Time Spent (seconds)", "Number of People", "Activity", "Category", "Productivity"},
		"rank/overview":         {"Rank", "Time Spent (seconds)", "Number of People", "Category"},
		"rank/category":         {"Rank", "Time Spent (seconds)", "Number of People", "Category"},
		"rank/productivity":     {"Rank", "Time Spent (seconds)", "Number of People", "Productivity"},
		"rank/document":         {"Rank", "Time Spent (seconds)", "Number of People", "Activity", "Document", "Category", "Productivity"},
		"interval/activity":     {"Date", "Time Spent (seconds)", "Number of People", "Activity", "Category", "Productivity"},
		"interval/overview":     {"Date", "Time Spent (seconds)", "Number of People", "Category"},
		"interval/efficiency":   {"Date", "Time Spent (seconds)", "Number of People", "Efficiency (-2:2)", "Efficiency (percent)"},
		"interval/productivity": {"Date", "Time Spent (seconds)", "Number of People", "Productivity"},
		"rank/efficiency":       {"Rank", "Time Spent (seconds)", "Number of People", "Efficiency"},
		"member/activity":       {"Person", "Time Spent (seconds)", "Activity", "Category", "Productivity"},
	}
	for name, headers := range wantHeaders {
		p, k, _ := strings.Cut(name, "/")
		q := rtapi.AnalyticDataQuery{Perspective: rtapi.Perspective(p), Kind: rtapi.Kind(k), Resolution: rtapi.ResolutionHour, Begin: day, End: day}
		d, err := c.AnalyticData(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(headers, d.RowHeaders); diff != "" {
			t.Errorf("%s headers (-want +got):\n%s", name, diff)
		}
		if len(d.Rows) == 0 {
			t.Errorf("%s: no rows for a weekday of synthetic history", name)
		}
		for _, r := range d.Rows {
			if p == "interval" && (r.Date.Location().String() != zone || r.Date.Before(day) || !r.Date.Before(day.AddDate(0, 0, 1))) {
				t.Errorf("%s: row date %s not within the day in %s", name, r.Date, zone)
				break
			}
		}
		// CSV decodes to the same report.
		raw, err := c.AnalyticDataRaw(ctx, q, rtapi.FormatCSV)
		if err != nil {
			t.Fatalf("%s CSV: %v", name, err)
		}
		fromCSV, err := rtapi.ParseAnalyticData(raw, rtapi.FormatCSV, w.loc)
		if err != nil {
			t.Fatalf("%s CSV: %v", name, err)
		}
		if diff := cmp.Diff(d.Rows, fromCSV.Rows); diff != "" {
			t.Errorf("%s: CSV and JSON rows differ (-json +csv):\n%s", name, diff)
		}
	}

	// Minute resolution: five-minute buckets, never over 300 seconds of
	// computer time per bucket.
	d, err := c.AnalyticData(ctx, rtapi.AnalyticDataQuery{Perspective: rtapi.PerspectiveInterval, Resolution: rtapi.ResolutionMinute,
		Kind: rtapi.KindProductivity, SourceType: rtapi.SourceComputers, Begin: day, End: day})
	if err != nil {
		t.Fatal(err)
	}
	perBucket := map[time.Time]int{}
	for _, r := range d.Rows {
		if r.Date.Minute()%5 != 0 || r.Date.Second() != 0 {
			t.Errorf("bucket %s is not on a five-minute boundary", r.Date)
		}
		perBucket[r.Date] += r.Seconds
	}
	for b, s := range perBucket {
		if s > 300 {
			t.Errorf("bucket %s holds %d seconds", b, s)
		}
	}
	// The chunked fetch of a long range joins the chunks.
	long, err := c.AnalyticDataChunked(ctx, rtapi.AnalyticDataQuery{Perspective: rtapi.PerspectiveInterval, Resolution: rtapi.ResolutionMinute,
		Kind: rtapi.KindProductivity, Begin: day.AddDate(0, 0, -40), End: day})
	if err != nil || len(long.Rows) <= len(d.Rows) {
		t.Fatalf("chunked: %v rows, %v", len(long.Rows), err)
	}
}

func TestEmulatorRestrictedReports(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	tok, err := w.emu.IssueToken(premiumKey, "category_data")
	if err != nil {
		t.Fatal(err)
	}
	c := w.client(t, rtapi.AccessToken(tok))
	d, err := c.AnalyticData(ctx, rtapi.AnalyticDataQuery{Report: rtapi.ReportOverview, Kind: rtapi.KindActivity})
	if err != nil {
		t.Fatalf("overview_data: %v", err)
	}
	for _, h := range d.RowHeaders {
		if h == "Activity" {
			t.Errorf("overview_data reported activities: %v", d.RowHeaders)
		}
	}
	// Scopes are enforced: a category_data token cannot read highlights
	// nor the full report, and the token never shows in the error.
	for name, call := range map[string]func() error{
		"highlights": func() error { _, err := c.Highlights(ctx); return err },
		"data":       func() error { _, err := c.AnalyticData(ctx, rtapi.AnalyticDataQuery{}); return err },
	} {
		err := call()
		var ue *rtapi.UnauthorizedError
		if !errors.As(err, &ue) {
			t.Errorf("%s without its scope: %v", name, err)
		}
		if err != nil && strings.Contains(err.Error(), tok) {
			t.Errorf("%s: error shows the token", name)
		}
	}
}

func TestEmulatorLite(t *testing.T) {
	for _, mode := range []string{"key", "token"} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t)
			c := w.client(t, w.credentials(t, liteKey)[mode])
			ctx := context.Background()
			if _, err := c.DailySummaries(ctx); err != nil {
				t.Errorf("DailySummaries: %v", err)
			}
			if _, err := c.AnalyticData(ctx, rtapi.AnalyticDataQuery{Kind: rtapi.KindOverview}); err != nil {
				t.Errorf("AnalyticData: %v", err)
			}
			if hs, err := c.Highlights(ctx); err != nil || len(hs) != 0 {
				t.Errorf("Highlights: %v, %v; want empty", hs, err)
			}
			if as, err := c.Alerts(ctx, 0); err != nil || len(as) != 0 {
				t.Errorf("Alerts: %v, %v; want empty", as, err)
			}
			past := emuNow.Add(-2 * time.Hour)
			for name, call := range map[string]func() error{
				"highlights_post": func() error { return c.PostHighlight(ctx, rtapi.HighlightPost{Date: past, Description: "x"}) },
				"start_focustime": func() error { return c.StartFocusTime(ctx, 30) },
				"end_focustime":   func() error { return c.EndFocusTime(ctx) },
				"offline_time_post": func() error {
					return c.PostOfflineTime(ctx, rtapi.OfflineTimePost{Start: past, Duration: time.Hour, ActivityName: "x"})
				},
			} {
				err := call()
				var pe *rtapi.PremiumRequiredError
				if !errors.As(err, &pe) || pe.Endpoint != name {
					t.Errorf("%s on Lite: %v, want PremiumRequiredError", name, err)
				}
				if rtapi.MayHaveBeenApplied(err) {
					t.Errorf("%s: a 400 reported as maybe applied", name)
				}
			}
			rec, _ := w.emu.Record().Account(liteKey)
			for _, k := range []string{emulator.KindHighlight, emulator.KindOfflineTime, emulator.KindFocusStart} {
				if n, _ := rec.Count(k); n != 0 {
					t.Errorf("%s recorded %d for Lite", k, n)
				}
			}
		})
	}
}

func TestEmulatorBadCredentials(t *testing.T) {
	w := newWorld(t)
	for _, creds := range []rtapi.Credentials{rtapi.APIKey("no-such-key-999"), rtapi.AccessToken("no-such-token-999")} {
		c := w.client(t, creds)
		for _, f := range []rtapi.Format{rtapi.FormatJSON, rtapi.FormatCSV} {
			_, err := c.AnalyticDataRaw(context.Background(), rtapi.AnalyticDataQuery{}, f)
			var ue *rtapi.UnauthorizedError
			if !errors.As(err, &ue) {
				t.Errorf("%T %s: %v, want UnauthorizedError", creds, f, err)
			}
			if err != nil && strings.Contains(err.Error(), "-999") {
				t.Errorf("error shows the secret: %v", err)
			}
		}
	}
}

func TestEmulatorOAuthFlow(t *testing.T) {
	w := newWorld(t)
	app := emulator.OAuthClient{ID: "app", Secret: "app-secret", RedirectURI: "https://app.example/callback"}
	if err := w.emu.AddOAuthClient(app); err != nil {
		t.Fatal(err)
	}
	c := w.client(t, nil)
	cfg := rtapi.OAuthConfig{ClientID: app.ID, ClientSecret: rtapi.Secret(app.Secret), RedirectURI: app.RedirectURI,
		Scopes: []rtapi.Scope{rtapi.ScopeHighlightData, rtapi.ScopeTimeData}}
	auth, err := c.Authorize(cfg)
	if err != nil {
		t.Fatal(err)
	}
	authURL := auth.URL
	// The emulator grants at once; the account is named by its key.
	noFollow := *w.srv.Client()
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(authURL + "&account=" + url.QueryEscape(premiumKey))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != auth.State {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	code, err := rtapi.CodeFromRedirect(loc.String(), auth.State)
	if err != nil {
		t.Fatal(err)
	}
	// The emulator checks the PKCE verifier: another one is refused.
	other, _ := c.Authorize(cfg)
	if _, err := c.ExchangeCode(context.Background(), cfg, code, other.Verifier); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("ExchangeCode with another verifier: %v", err)
	}
	resp, err = noFollow.Get(authURL + "&account=" + url.QueryEscape(premiumKey))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if code, err = rtapi.CodeFromRedirect(loc.String(), auth.State); err != nil {
		t.Fatal(err)
	}
	tok, err := c.ExchangeCode(context.Background(), cfg, code, auth.Verifier)
	if err != nil {
		t.Fatalf("ExchangeCode: %v", err)
	}
	tc := w.client(t, tok.AccessToken)
	if _, err := tc.Highlights(context.Background()); err != nil {
		t.Errorf("Highlights with the exchanged token: %v", err)
	}
	// A code is good once.
	_, err = c.ExchangeCode(context.Background(), cfg, code, auth.Verifier)
	if err == nil {
		t.Error("a code was exchanged twice")
	}
}

// A client keeps a connection for each request it sends at once: with
// Go's default of two idle connections per host, four requests in flight
// opened a new connection (a TLS handshake, against RescueTime) every
// third request.
func TestClientReusesConnections(t *testing.T) {
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(emuNow)})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.AddAccount(emulator.Account{Key: premiumKey, Plan: emulator.Premium, TimeZone: zone, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(emu)
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := rtapi.New(rtapi.Options{BaseURL: srv.URL, Credentials: rtapi.APIKey(premiumKey), HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	const inFlight, rounds = 4, 25
	for range rounds {
		var wg sync.WaitGroup
		for range inFlight {
			wg.Go(func() {
				if _, err := c.Highlights(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	// A connection may be back in the pool a moment after its request
	// returned, so a round can open one more than it needs; without the
	// pool, a third of the requests do.
	if n := opened.Load(); n > 2*inFlight {
		t.Errorf("%d requests, %d at a time, opened %d connections; want at most %d", inFlight*rounds, inFlight, n, 2*inFlight)
	}
}
