package workspace

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// probeWorld is an emulated account whose clock the probe's sleeps move,
// and a workspace on it whose clock is the same.
func probeWorld(t *testing.T, m emulator.Model) (*Workspace, *emulator.Emulator, *emulator.ManualClock, func(context.Context, time.Duration) error) {
	t.Helper()
	clock := emulator.NewManualClock(testNow)
	emu, err := emulator.New(emulator.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.AddAccount(emulator.Account{Key: "key-a", Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 1, Model: m}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(testConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := open(t, dir, Options{
		Account:    Account{Endpoint: srv.URL, Credentials: rtapi.APIKey("key-a")},
		Clock:      clock.Now,
		HTTPClient: srv.Client(),
		StateDir:   t.TempDir(),
	})
	sleep := func(_ context.Context, d time.Duration) error {
		clock.Advance(d)
		return nil
	}
	return ws, emu, clock, sleep
}

// TestProbeMeasuresTheSyncDelay: against an account that shows posts two
// minutes after they are made, the probe posts one block, asking first,
// and measures the delay within a minute; the journal keeps it as
// evidence, and the next doctor names the model.
func TestProbeMeasuresTheSyncDelay(t *testing.T) {
	for _, tt := range []struct {
		model emulator.Model
		shape string
		flags string
	}{
		{emulator.Model{SyncDelay: emulator.SyncDelay{Fixed: 2 * time.Minute}}, "as-posted", "--offline-report as-posted --sync-delay 2m"},
		{emulator.Model{SyncDelay: emulator.SyncDelay{Fixed: 7 * time.Minute}, OfflineReport: emulator.OfflineOtherName}, "other-name", "--offline-report other-name --sync-delay 7m"},
	} {
		t.Run(tt.shape, func(t *testing.T) {
			ws, emu, _, sleep := probeWorld(t, tt.model)
			var asked []ProbeIntent
			r, err := ws.Doctor(context.Background(), DoctorOptions{Probe: true, Sleep: sleep, Consent: func(in ProbeIntent) (bool, error) {
				asked = append(asked, in)
				return true, nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(asked) != 1 || asked[0].Activity != ProbeActivity || asked[0].End.Sub(asked[0].Start) != 5*time.Minute || !asked[0].End.Before(testNow) {
				t.Fatalf("consent asked %+v, want once, for a 5-minute block in the past", asked)
			}
			p := r.Probe
			want := tt.model.SyncDelay.Fixed
			if p == nil || !p.Seen || p.Shape != tt.shape || p.Delay < want || p.Delay > want+time.Minute {
				t.Fatalf("probe %+v, want it seen %s, within a minute of %s", p, tt.shape, want)
			}
			rec := emu.Record().Accounts[0]
			if len(rec.OfflineTime) != 1 || rec.OfflineTime[0].Activity != ProbeActivity {
				t.Fatalf("posted %+v, want the one probe block", rec.OfflineTime)
			}
			if got := r.Model.Flags(); got != tt.flags {
				t.Errorf("model %q, want %q", got, tt.flags)
			}
			// The journal keeps the evidence, and the probe is no orphan.
			_, st, err := ws.readJournal()
			if err != nil {
				t.Fatal(err)
			}
			ev, ok := st.Evidence(journal.FeedOffline)
			if !ok || ev.SeenAt.Sub(ev.PostedAt) != p.Delay {
				t.Errorf("evidence %+v (%v), want the probe's delay %s", ev, ok, p.Delay)
			}
			if r, _ := st.Lookup(ev.Key); !r.Forgotten || r.Address != ProbeAddress {
				t.Errorf("probe record %+v, want it forgotten at once (no orphan)", r)
			}
			// A second probe posts nothing more.
			again, err := ws.Doctor(context.Background(), DoctorOptions{Probe: true, Sleep: sleep, Consent: func(in ProbeIntent) (bool, error) {
				if !in.Already {
					t.Errorf("second probe's intent %+v, want Already", in)
				}
				return true, nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(emu.Record().Accounts[0].OfflineTime); n != 1 || !again.Probe.Seen {
				t.Errorf("after a second probe %d blocks posted (want 1), seen %v", n, again.Probe.Seen)
			}
		})
	}
}

// TestProbeWithoutConsentPostsNothing: declined, or on an account that
// hides offline time, the probe says so and posts nothing more.
func TestProbeWithoutConsentPostsNothing(t *testing.T) {
	ws, emu, _, sleep := probeWorld(t, emulator.Model{})
	_, err := ws.Doctor(context.Background(), DoctorOptions{Probe: true, Sleep: sleep, Consent: func(ProbeIntent) (bool, error) { return false, nil }})
	if !errors.Is(err, ErrProbeDeclined) {
		t.Fatalf("declined probe: %v, want ErrProbeDeclined", err)
	}
	if n := len(emu.Record().Accounts[0].OfflineTime); n != 0 {
		t.Fatalf("declined probe posted %d blocks", n)
	}

	ws, emu, clock, sleep := probeWorld(t, emulator.Model{OfflineReport: emulator.OfflineHidden})
	began := clock.Now()
	r, err := ws.Doctor(context.Background(), DoctorOptions{Probe: true, Sleep: sleep, ProbeDeadline: 40 * time.Minute, Consent: func(ProbeIntent) (bool, error) { return true, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Probe.Seen || r.Probe.Shape != "hidden" || clock.Now().Sub(began) != 40*time.Minute {
		t.Errorf("probe on a hiding account: %+v after %s, want unseen after the 40m deadline", r.Probe, clock.Now().Sub(began))
	}
	if n := len(emu.Record().Accounts[0].OfflineTime); n != 1 {
		t.Errorf("%d blocks posted, want 1", n)
	}
	var hidden bool
	for _, c := range r.Checks {
		hidden = hidden || (c.Name == "offline report" && c.Status == CheckWarn && strings.Contains(c.Finding, "never appeared"))
	}
	if !hidden {
		t.Errorf("checks %+v: want the offline report found hiding the probe", r.Checks)
	}
}

// TestDoctorSeesACappedHighlightsFeed: a feed that returns exactly a round
// count may be cut at a cap, and doctor says so.
func TestDoctorSeesACappedHighlightsFeed(t *testing.T) {
	ws, emu, _, _ := probeWorld(t, emulator.Model{HighlightsCap: 10})
	srvURL := ws.opts.Account.Endpoint
	for i := range 12 {
		q := url.Values{"key": {"key-a"}, "highlight_date": {"2026-11-20"}, "description": {fmt.Sprintf("h%d", i)}}
		resp, err := http.Post(srvURL+"/anapi/highlights_post?"+q.Encode(), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := len(emu.Record().Accounts[0].Highlights); n != 12 {
		t.Fatalf("%d highlights posted, want 12", n)
	}
	r, err := ws.Doctor(context.Background(), DoctorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range r.Checks {
		if c.Name == "feed highlights_feed" {
			found = c.Status == CheckWarn && strings.Contains(c.Finding, "exactly 10 may be a cap") && strings.Contains(c.Do, "--highlights-cap 10")
		}
	}
	if !found || r.Model.HighlightsCap != 10 {
		t.Errorf("checks %+v, model %+v: want the highlights feed flagged as capped at 10", r.Checks, r.Model)
	}
}

func TestShapeClasses(t *testing.T) {
	for in, want := range map[string]string{
		"2.0": "whole-with-point", "100.0": "whole-with-point", "34": "integer", "0": "integer", "1.74": "decimal", "-0.4": "decimal",
	} {
		if got := numberClass(in); got != want {
			t.Errorf("numberClass(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"": "empty", "2026-11-20": "date", "2026-11-20T09:00:00+01:00": "datetime-offset", "2026-11-20T08:00:00Z": "datetime-offset",
		"2026-11-20 09:00:00": "datetime-naive", "2026-11-20T09:00:00": "datetime-naive", "2h 32m": "duration", "no time": "duration",
		"30s": "duration", "https://example.org/x": "url", "VS Code": "text", "12": "number",
	} {
		if got := stringClass(in); got != want {
			t.Errorf("stringClass(%q) = %q, want %q", in, got, want)
		}
	}
	// A table's columns keep their recorded headers and cell types; an
	// unknown header is written as its length only.
	s := bodyShape([]byte("Date,Time Spent (seconds),Secret Header,Efficiency (-2:2)\n2026-11-20T09:00:00,300,Walrus,2.0\n"), "text/csv; charset=utf-8")
	if s == nil || len(s.Columns) != 4 || s.Columns[0].Header != "Date" || s.Columns[2].Header != "text(13)" ||
		s.Columns[0].Cells.Class != "datetime-naive" || s.Columns[1].Cells.Class != "integer" || s.Columns[3].Cells.Class != "whole-with-point" || *s.Rows != 1 {
		t.Errorf("CSV shape %+v", s)
	}
}
