package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// auth token saves no token that is not one: a server answering a token
// with a line break, a terminal escape or 100 KB gets a refusal that says
// what is wrong without showing the token, and no file is written.
func TestAuthTokenRefusesMalformedTokens(t *testing.T) {
	for name, tc := range map[string]struct{ token, want string }{
		"newline": {"Zq9\nsecond-line", "holds a line break at byte 4"},
		"escape":  {"Zq9\x1b]0;PWN\a", "holds a control character (0x1b) at byte 4"},
		"100 KB":  {"Zq9" + strings.Repeat("A", 100_000), "is 100003 bytes, longer than 4 KiB"},
	} {
		t.Run(name, func(t *testing.T) {
			var form url.Values
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				form = r.PostForm
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(map[string]string{"access_token": tc.token, "token_type": "bearer", "scope": "time_data"})
			}))
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			vars := map[string]string{
				"RTCTL_ENDPOINT": srv.URL, "RTCTL_STATE_DIR": filepath.Join(dir, "state"),
				"RESCUETIME_CLIENT_SECRET": "client-secret-123",
			}
			runAuth := func(stdin string, args ...string) (int, string) {
				var out bytes.Buffer
				e := &env{
					stdin: strings.NewReader(stdin), stdout: &out, stderr: &out,
					getenv:     func(k string) string { return vars[k] },
					now:        func() time.Time { return time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) },
					httpClient: srv.Client(), isTerminal: func(any) bool { return false },
				}
				args = append(args, "--client-id", "app", "--redirect-uri", "https://app.example/cb", "--scope", "time_data")
				return run(args, e), out.String()
			}
			code, out := runAuth("", "auth", "url")
			if code != 0 {
				t.Fatalf("auth url: %d %s", code, out)
			}
			page, _ := url.Parse(strings.TrimSpace(strings.SplitN(out, "\n", 2)[0]))
			redirect := "https://app.example/cb?code=c0de-123&state=" + url.QueryEscape(page.Query().Get("state"))
			tokenFile := filepath.Join(dir, "token.txt")
			code, out = runAuth(redirect+"\n", "auth", "token", "--token-file", tokenFile)
			if code != 1 || !strings.Contains(out, "Error: Could not get an access token: unexpected answer (HTTP 200): its access_token is not an OAuth2 bearer token (RFC 6750), so it is refused: it "+tc.want) {
				t.Errorf("exit %d, output %q; want a refusal saying %q", code, out, tc.want)
			}
			if strings.Contains(out, "Zq9") || strings.Contains(out, "AAAA") || strings.Contains(out, "\x1b") || strings.Contains(out, "second-line") {
				t.Errorf("the output shows the token: %q", out)
			}
			if _, err := os.Stat(tokenFile); err == nil {
				t.Error("the token was saved")
			}
			if form.Get("code") != "c0de-123" || form.Get("code_verifier") == "" {
				t.Errorf("token request %v", form)
			}
		})
	}
}
