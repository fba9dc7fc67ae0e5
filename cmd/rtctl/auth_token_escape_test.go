package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
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
	codeFile, tokenFile := filepath.Join(dir, "code.txt"), filepath.Join(dir, "token.txt")
	if err := os.WriteFile(codeFile, []byte("the-code\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"RESCUETIME_CLIENT_SECRET": "client-secret"}
	var out bytes.Buffer
	e := &env{
		stdin:      strings.NewReader(""),
		stdout:     &out,
		stderr:     &out,
		getenv:     func(k string) string { return vars[k] },
		now:        func() time.Time { return time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) },
		httpClient: &http.Client{},
		isTerminal: func(any) bool { return true },
	}
	args := []string{"auth", "token", "--endpoint", srv.URL, "--client-id", "c", "--redirect-uri", "https://app.example/callback",
		"--scope", "time_data,highlight_data", "--code-file", codeFile, "--token-file", tokenFile}
	if code := run(args, e); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	for _, bad := range []string{"\x1b", "\a", "\r", "\u202e"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("output holds %q raw:\n%q", bad, out.String())
		}
	}
	if want := `(scopes: time_data\x1b]0;PWN\a\r\u202ehighlight_data)`; !strings.Contains(out.String(), want) {
		t.Errorf("want %s in:\n%s", want, out.String())
	}
}
