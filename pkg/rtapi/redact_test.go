package rtapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// leaks reports every rendering of v that contains secret.
func leaks(v any, secret string) []string {
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if s := fmt.Sprintf(verb, v); strings.Contains(s, secret) || strings.Contains(s, url.QueryEscape(secret)) {
			out = append(out, verb+": "+s)
		}
	}
	if err, ok := v.(error); ok {
		for e := err; e != nil; e = errors.Unwrap(e) {
			if strings.Contains(e.Error(), secret) {
				out = append(out, fmt.Sprintf("wrapped %T: %s", e, e.Error()))
			}
		}
	}
	return out
}

func TestSecretsNeverLeak(t *testing.T) {
	// Secrets with characters that query-escape differently, echoed back
	// by hostile servers.
	for _, creds := range []Credentials{APIKey("key+/=" + testKey), AccessToken("tok en&" + testKey)} {
		secret := creds.secret()
		echo := func(status int) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"error":"bad key %s","messages":"url was %s"}`, secret, r.URL.String())
			}
		}
		release := make(chan struct{})
		scenarios := []struct {
			name string
			h    http.HandlerFunc
		}{
			{"500 echoing the URL", echo(500)},
			{"401 echoing the key", echo(401)},
			{"400 echoing the key", echo(400)},
			{"200 error body echoing the key", echo(200)},
			{"429", respond(429, "", "slow down "+secret)},
			{"plain text 502", func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(502)
				w.Write([]byte(r.URL.RawQuery))
			}},
			{"connection dropped", func(w http.ResponseWriter, r *http.Request) {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
			}},
			{"timeout", func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}},
			{"body too large", respond(200, "", strings.Repeat(secret, 100))},
		}
		for _, sc := range scenarios {
			t.Run(fmt.Sprintf("%T/%s", creds, sc.name), func(t *testing.T) {
				env := newTestEnv(t, sc.h, func(o *Options) {
					o.Credentials = creds
					o.Timeout = 50 * time.Millisecond
					o.MaxBodyBytes = 1000
					o.MaxRetries = 1
				})
				calls := map[string]func() error{
					"GET": func() error { _, err := env.client.Highlights(context.Background()); return err },
					"POST": func() error {
						return env.client.PostHighlight(context.Background(), HighlightPost{Date: fixedNow, Description: "d"})
					},
				}
				for name, call := range calls {
					err := call()
					if err == nil {
						t.Fatalf("%s: no error", name)
					}
					for _, l := range leaks(err, secret) {
						t.Errorf("%s: error leaks the secret: %s", name, l)
					}
					var ue *url.Error
					if errors.As(err, &ue) && strings.Contains(ue.URL, secret) {
						t.Errorf("%s: url.Error URL leaks: %s", name, ue.URL)
					}
				}
				if logs := env.logs.String(); strings.Contains(logs, secret) || strings.Contains(logs, url.QueryEscape(secret)) {
					t.Errorf("logs leak the secret:\n%s", logs)
				}
				if !strings.Contains(env.logs.String(), "REDACTED") {
					t.Errorf("logs do not show the redacted URL:\n%s", env.logs.String())
				}
			})
		}
		close(release)
	}
}

func TestConnectionRefusedDoesNotLeak(t *testing.T) {
	var logs bytes.Buffer
	c, err := New(Options{
		BaseURL: "http://" + closedAddr(t), Credentials: APIKey(testKey),
		Sleep: (&fakeSleep{}).sleep, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DailySummaries(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	for _, l := range leaks(err, testKey) {
		t.Errorf("leak: %s", l)
	}
	if !strings.Contains(err.Error(), "key=REDACTED") {
		t.Errorf("error does not show the redacted URL: %v", err)
	}
	if strings.Contains(logs.String(), testKey) {
		t.Errorf("logs leak: %s", logs.String())
	}
}

func TestValuesHoldingSecretsFormatRedacted(t *testing.T) {
	opts := Options{BaseURL: "https://www.rescuetime.com", Credentials: APIKey(testKey)}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	tokOpts := Options{Credentials: AccessToken(testKey)}
	tc, err := New(tokOpts)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{
		"APIKey": APIKey(testKey), "AccessToken": AccessToken(testKey), "Secret": Secret(testKey),
		"Options": opts, "*Options": &opts, "token Options": tokOpts, "Client": c, "token Client": tc, "*Client value": *c,
		"OAuthConfig": OAuthConfig{ClientID: "id", ClientSecret: Secret(testKey)},
		"Token":       Token{AccessToken: AccessToken(testKey), RefreshToken: Secret(testKey)},
	}
	for name, v := range values {
		for _, l := range leaks(v, testKey) {
			t.Errorf("%s leaks: %s", name, l)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "key", APIKey(testKey), "opts", opts, "tok", AccessToken(testKey))
	if strings.Contains(buf.String(), testKey) {
		t.Errorf("slog leaks: %s", buf.String())
	}
	if u := c.URL(Request{Method: "GET", Endpoint: "data"}); strings.Contains(u, testKey) || !strings.Contains(u, "key=REDACTED") {
		t.Errorf("URL(): %s", u)
	}
}

func TestPlainHTTPRefusedExceptLoopback(t *testing.T) {
	for _, base := range []string{"http://www.rescuetime.com", "http://10.0.0.1:8080", "http://example.com", "ftp://127.0.0.1", "https://", "https://h/?key=x", "://"} {
		if _, err := New(Options{BaseURL: base, Credentials: APIKey(testKey)}); err == nil {
			t.Errorf("%s accepted", base)
		} else if strings.Contains(err.Error(), testKey) {
			t.Errorf("%s: error leaks the key", base)
		}
	}
	for _, base := range []string{"http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:9000", "http://localhost:1", "https://www.rescuetime.com", "https://proxy.example/rescuetime/"} {
		if _, err := New(Options{BaseURL: base, Credentials: APIKey(testKey)}); err != nil {
			t.Errorf("%s refused: %v", base, err)
		}
	}
	if _, err := New(Options{Credentials: APIKey("")}); err == nil {
		t.Error("empty key accepted")
	}
}

// Issue 20 item 9: a server that echoes the key in capitals, in small
// letters or in pieces shows none of it; a short secret is matched exactly
// only, so that ordinary words are not redacted more than they were.
func TestScrubKeyVariants(t *testing.T) {
	const key = "B63nXq0aZ7LmPe4RtY9uWs2DkHf5Jc1Vg8"
	r := redactor{secrets: []string{key, "code"}}
	for _, tt := range []struct{ in, want string }{
		{"bad key " + strings.ToUpper(key), "bad key " + redacted},
		{"bad key " + strings.ToLower(key), "bad key " + redacted},
		{"pieces " + key[:8] + "," + key[8:16], "pieces " + redacted + "," + redacted},
		{"a code and a CODE", "a " + redacted + " and a CODE"},
	} {
		if got := r.scrub(tt.in); got != tt.want {
			t.Errorf("scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
