package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestEmulatorCommandModelFlags: the model flags reach the account, and
// their defaults are the emulator's original behaviour.
func TestEmulatorCommandModelFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, `{}`},
		{[]string{"--sync-delay", "realistic", "--offline-report", "hidden", "--highlights-cap", "5"}, `{"sync_delay":"realistic","offline_report":"hidden","highlights_cap":5}`},
		{[]string{"--sync-delay", "90s", "--offline-report", "other-name"}, `{"sync_delay":"1m30s","offline_report":"other-name"}`},
	} {
		base, stop := startEmulatorCmd(t, append([]string{"--key", "k", "--now", "2026-11-20T18:00:00Z"}, tc.args...)...)
		resp, err := http.Get(base + "/_emulator/model")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := strings.TrimSpace(string(body)); got != tc.want {
			t.Errorf("%v: model %s, want %s", tc.args, got, tc.want)
		}
		if _, _, err := stop(); err != nil {
			t.Errorf("%v: emulator returned %v", tc.args, err)
		}
	}
}
