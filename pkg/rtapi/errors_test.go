package rtapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrorBodyIsAnErrorWhateverTheStatus(t *testing.T) {
	keyNotFound := `{"error": "# key not found", "messages": "key not found"}`
	queryError := `{"error": "# query error", "messages": "Error: Likely a badly formatted or missing parameter"}`
	tests := []struct {
		name   string
		status int
		body   string
		call   func(*Client) error
		check  func(error) bool
	}{
		{"invalid key with CSV asked", 200, keyNotFound, func(c *Client) error {
			_, err := c.AnalyticDataRaw(context.Background(), AnalyticDataQuery{}, FormatCSV)
			return err
		}, func(err error) bool {
			var e *UnauthorizedError
			return errors.As(err, &e) && e.Message == "key not found"
		}},
		{"invalid key on a feed", 200, keyNotFound, func(c *Client) error {
			_, err := c.Highlights(context.Background())
			return err
		}, func(err error) bool { var e *UnauthorizedError; return errors.As(err, &e) }},
		{"query error", 200, queryError, func(c *Client) error {
			_, err := c.AnalyticData(context.Background(), AnalyticDataQuery{})
			return err
		}, func(err error) bool {
			var e *BadRequestError
			return errors.As(err, &e) && strings.Contains(e.Message, "badly formatted")
		}},
		{"400 with message", 400, `{"error":"# query error","messages":"bad date"}`, func(c *Client) error {
			_, err := c.DailySummaries(context.Background())
			return err
		}, func(err error) bool {
			var e *BadRequestError
			return errors.As(err, &e) && e.Message == "query error: bad date"
		}},
		{"401", 401, ``, func(c *Client) error {
			_, err := c.DailySummaries(context.Background())
			return err
		}, func(err error) bool { var e *UnauthorizedError; return errors.As(err, &e) && e.StatusCode == 401 }},
		{"403", 403, `{"error":"insufficient scope"}`, func(c *Client) error {
			_, err := c.FocusTimeEnded(context.Background())
			return err
		}, func(err error) bool { var e *UnauthorizedError; return errors.As(err, &e) && e.StatusCode == 403 }},
		{"premium endpoint, bare 400", 400, ``, func(c *Client) error {
			return c.StartFocusTime(context.Background(), 30)
		}, func(err error) bool {
			// Every POST error is a bare 400, so it may not be the plan:
			// no PremiumRequiredError, but a message that names both.
			var p *PremiumRequiredError
			var b *BadRequestError
			return !errors.As(err, &p) && errors.As(err, &b) && strings.Contains(b.Message, "Lite plan")
		}},
		{"premium endpoint, a word containing lite", 400, `{"error":"literal value refused"}`, func(c *Client) error {
			return c.StartFocusTime(context.Background(), 30)
		}, func(err error) bool { var p *PremiumRequiredError; return !errors.As(err, &p) }},
		{"a POST answered 200 with an error may have been applied", 200, `{"error":"something odd"}`, func(c *Client) error {
			return c.PostHighlight(context.Background(), HighlightPost{Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Description: "x"})
		}, func(err error) bool { return err != nil && MayHaveBeenApplied(err) }},
		{"premium endpoint, plan message", 400, `{"error":"This feature requires RescueTime Premium"}`, func(c *Client) error {
			_, err := c.FocusTimeStarted(context.Background())
			return err
		}, func(err error) bool { var p *PremiumRequiredError; return errors.As(err, &p) }},
		{"premium endpoint, parameter message", 400, `{"error":"duration must be a multiple of 5"}`, func(c *Client) error {
			return c.StartFocusTime(context.Background(), 30)
		}, func(err error) bool {
			var p *PremiumRequiredError
			var b *BadRequestError
			return !errors.As(err, &p) && errors.As(err, &b)
		}},
		{"404", 404, ``, func(c *Client) error {
			_, err := c.Highlights(context.Background())
			return err
		}, func(err error) bool {
			var b *BadRequestError
			return errors.As(err, &b) && strings.Contains(b.Message, "base URL")
		}},
		{"redirect not followed", 302, ``, func(c *Client) error {
			_, err := c.Highlights(context.Background())
			return err
		}, func(err error) bool { var s *ServerError; return errors.As(err, &s) && s.StatusCode == 302 }},
		{"HTML error page", 400, `<html><body>Bad</body></html>`, func(c *Client) error {
			_, err := c.Highlights(context.Background())
			return err
		}, func(err error) bool { var b *BadRequestError; return errors.As(err, &b) && b.Message == "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.status == 302 {
					w.Header().Set("Location", "https://elsewhere.example/")
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			err := tt.call(env.client)
			if err == nil || !tt.check(err) {
				t.Fatalf("got error %v (%T)", err, err)
			}
			if len(env.rec.all()) != 1 {
				t.Errorf("%d requests, want 1 (no retry)", len(env.rec.all()))
			}
		})
	}
}

func TestMayHaveBeenApplied(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    bool
	}{
		{"400", respond(400, "", `{"error":"bad"}`), false},
		{"200 with error body", respond(200, "", `{"error":"# key not found"}`), false},
		{"401", respond(401, "", ``), false},
		{"429", respond(429, "", ``), false},
		{"500", respond(500, "", `oops`), true},
		{"503", respond(503, "", ``), true},
		{"connection dropped after the request", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, tt.handler, func(o *Options) { o.MaxRetries = -1 })
			err := env.client.PostHighlight(context.Background(), HighlightPost{Date: fixedNow, Description: "x"})
			if err == nil {
				t.Fatal("no error")
			}
			if got := MayHaveBeenApplied(err); got != tt.want {
				t.Errorf("MayHaveBeenApplied(%v) = %v, want %v", err, got, tt.want)
			}
		})
	}
	if MayHaveBeenApplied(nil) {
		t.Error("nil error: true")
	}
	if !MayHaveBeenApplied(errors.New("mystery")) {
		t.Error("unknown error: false, want the safe answer true")
	}
}

func TestPostTimeoutMayHaveBeenApplied(t *testing.T) {
	release := make(chan struct{})
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) { <-release }, func(o *Options) {
		o.Timeout = 50 * time.Millisecond
	})
	defer close(release)
	err := env.client.EndFocusTime(context.Background())
	if err == nil || !MayHaveBeenApplied(err) {
		t.Fatalf("timeout: err %v, MayHaveBeenApplied %v", err, MayHaveBeenApplied(err))
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout error does not wrap context.DeadlineExceeded: %v", err)
	}
	if n := len(env.rec.all()); n != 1 {
		t.Errorf("POST sent %d times after a timeout", n)
	}
}

func TestValidationErrorIsNotApplied(t *testing.T) {
	env := newTestEnv(t, respond(200, "", ""))
	err := env.client.StartFocusTime(context.Background(), 7)
	if err == nil || MayHaveBeenApplied(err) {
		t.Fatalf("err %v, MayHaveBeenApplied %v", err, MayHaveBeenApplied(err))
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestNullErrorKeyIsNoError(t *testing.T) {
	for _, body := range []string{`{"error":null,"message":"Highlight created"}`, `{"error":"","message":"ok"}`} {
		env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) })
		if err := env.client.PostHighlight(context.Background(), HighlightPost{Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Description: "x"}); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// TestBadKeyInPlainWords: the real answer to a bad key is HTTP 200 with an
// error body; the person must read that their key is wrong, not a status
// code that says everything went fine.
func TestBadKeyInPlainWords(t *testing.T) {
	env := newTestEnv(t, respond(200, "application/json", `{"error": "# key not found", "messages": "key not found"}`))
	_, err := env.client.AnalyticData(context.Background(), AnalyticDataQuery{})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, bad := range []string{"HTTP 200", "not authorized", testKey} {
		if strings.Contains(msg, bad) {
			t.Errorf("%q contains %q", msg, bad)
		}
	}
	if !strings.Contains(msg, "API key") || !strings.Contains(msg, "not recognised") {
		t.Errorf("%q does not say the API key was not recognised", msg)
	}
	// A refused token keeps its status: it is a real 401.
	e := &UnauthorizedError{StatusCode: 401, Message: "invalid token"}
	if !strings.Contains(e.Error(), "HTTP 401") {
		t.Errorf("401: %q", e.Error())
	}
}
