package sandbox

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

// TestOpenKeepsTheAccountsZone: a read command opens the sandbox without a
// zone and must not move the account that apply set up in another.
func TestOpenKeepsTheAccountsZone(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".rtctl", "sandbox.json")
	now := func() time.Time { return testNow }
	for _, tc := range []struct{ give, want string }{
		{"", "UTC"},
		{"Europe/Berlin", "Europe/Berlin"},
		{"", "Europe/Berlin"},
	} {
		_, key, zone, err := Open(state, now, tc.give)
		if err != nil {
			t.Fatal(err)
		}
		if zone != tc.want || key != Key {
			t.Errorf("Open(zone %q) = %q, %q; want %q, %q", tc.give, key, zone, tc.want, Key)
		}
	}
}

// TestTransportServesInProcess: requests reach the emulator without a
// socket, and a request whose context ended is not served.
func TestTransportServesInProcess(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	hc, key, _, err := Open(state, func() time.Time { return testNow }, "")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://localhost/anapi/highlights_feed?key="+string(key), nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("highlights feed: %s", resp.Status)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := hc.Do(req.WithContext(ctx)); err == nil {
		t.Error("a cancelled request was served")
	}
}
