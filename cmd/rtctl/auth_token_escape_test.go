package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The scopes auth token prints come from the token endpoint's answer: a
// server (or whoever sits in its place) must not drive the terminal with
// them.
func TestAuthTokenEscapesScopes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"tok-123","token_type":"bearer","scope":"time_data\u001b]0;PWN\u0007\r\u202ehighlight_data"}`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	vars := map[string]string{
		"RTCTL_ENDPOINT": srv.URL, "RTCTL_STATE_DIR": filepath.Join(dir, "state"),
		"RESCUETIME_CLIENT_SECRET": "client-secret",
	}
	runAuth := func(stdin string, args ...string) (int, string) {
		var out bytes.Buffer
		e := &env{
			stdin: strings.NewReader(stdin), stdout: &out, stderr: &out,
			getenv:     func(k string) string { return vars[k] },
			now:        func() time.Time { return time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) },
			httpClient: srv.Client(), isTerminal: func(any) bool { return true },
		}
		args = append(args, "--client-id", "app", "--redirect-uri", "https://app.example/cb", "--scope", "time_data,highlight_data")
		return run(args, e), out.String()
	}
	code, out := runAuth("", "auth", "url")
	if code != 0 {
		t.Fatalf("auth url: %d %s", code, out)
	}
	page, _ := url.Parse(strings.TrimSpace(strings.SplitN(out, "\n", 2)[0]))
	redirect := "https://app.example/cb?code=c0de-123&state=" + url.QueryEscape(page.Query().Get("state"))
	code, out = runAuth(redirect+"\n", "auth", "token", "--token-file", filepath.Join(dir, "token.txt"))
	if code != 0 {
		t.Fatalf("auth token: exit %d:\n%s", code, out)
	}
	for _, bad := range []string{"\x1b", "\a", "\r", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q raw:\n%q", bad, out)
		}
	}
	if want := `(scopes: time_data\x1b]0;PWN\a\r\u202ehighlight_data)`; !strings.Contains(out, want) {
		t.Errorf("want %s in:\n%s", want, out)
	}
}
