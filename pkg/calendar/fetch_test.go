package calendar

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The secret parts of a calendar address, as services issue them.
const (
	secretPath  = "/calendar/ical/me%40example.com/private-s3cr3tt0ken/basic.ics"
	secretQuery = "token=hunter2"
)

func assertRedacted(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	t.Log(msg)
	for _, secret := range []string{"s3cr3tt0ken", "hunter2", "me%40example.com", "me@example.com", "basic.ics", "private"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q reveals %q", msg, secret)
		}
	}
}

func TestFetch(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/calendar/ical/me@example.com/private-s3cr3tt0ken/basic.ics", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != secretQuery {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/calendar")
		w.Write([]byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
	})
	mux.HandleFunc("/big/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 2048)))
	})
	mux.HandleFunc("/slow/", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only when the client gives up
	})
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://calendar.example.com/elsewhere/s3cr3tt0ken", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	t.Run("ok", func(t *testing.T) {
		data, err := Fetch(ctx, srv.Client(), srv.URL+secretPath+"?"+secretQuery, 1024)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" {
			t.Errorf("body = %q", data)
		}
	})
	t.Run("404", func(t *testing.T) {
		_, err := Fetch(ctx, srv.Client(), srv.URL+secretPath+"?token=wrong-hunter2", 1024)
		assertRedacted(t, err)
		if !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "http://127.0.0.1:") {
			t.Errorf("error %q should give the status and the redacted address", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		_, err := Fetch(ctx, srv.Client(), srv.URL+"/big/s3cr3tt0ken?"+secretQuery, 1024)
		assertRedacted(t, err)
		if !strings.Contains(err.Error(), "larger than the limit of 1024 bytes") {
			t.Errorf("error %q", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		tctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		_, err := Fetch(tctx, srv.Client(), srv.URL+"/slow/s3cr3tt0ken?"+secretQuery, 1024)
		assertRedacted(t, err)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %q is not a deadline error", err)
		}
	})
	t.Run("redirect to plain http refused", func(t *testing.T) {
		_, err := Fetch(ctx, srv.Client(), srv.URL+"/redirect/s3cr3tt0ken?"+secretQuery, 1024)
		assertRedacted(t, err)
		if !strings.Contains(err.Error(), "refusing a redirect") {
			t.Errorf("error %q", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		closed := httptest.NewServer(http.NotFoundHandler())
		addr := closed.URL
		closed.Close()
		_, err := Fetch(ctx, nil, addr+secretPath+"?"+secretQuery, 1024)
		assertRedacted(t, err)
	})
	for i, raw := range []string{
		"http://calendar.example.com" + secretPath + "?" + secretQuery,
		"ftp://127.0.0.1" + secretPath,
		"file:///home/me/private-s3cr3tt0ken/basic.ics",
		"calendar.example.com" + secretPath,
		"https://user:hunter2@" + string([]byte{0x7f}) + "/private-s3cr3tt0ken",
	} {
		t.Run(fmt.Sprintf("refused %d", i), func(t *testing.T) {
			// A client that fails the test if it is ever used: refusal must
			// happen before any connection.
			client := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
				t.Error("request sent")
				return nil, errors.New("unreachable")
			})}
			_, err := Fetch(ctx, client, raw, 1024)
			assertRedacted(t, err)
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// webcal:// is what "subscribe" links use; it means https.
func TestFetchWebcalOverTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/private-s3cr3tt0ken/basic.ics" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
	}))
	defer srv.Close()
	raw := strings.Replace(srv.URL, "https://", "webcal://", 1) + "/private-s3cr3tt0ken/basic.ics"
	if _, err := Fetch(context.Background(), srv.Client(), raw, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Fetch(context.Background(), srv.Client(), srv.URL+"/nope/private-s3cr3tt0ken", 0)
	assertRedacted(t, err)
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://calendar.google.com/calendar/ical/x/private-abc/basic.ics": "https://calendar.google.com/…",
		"https://user:pass@outlook.office365.com/owa/calendar/a/b/c.ics":    "https://outlook.office365.com/…",
		"HTTPS://example.com":                   "https://example.com/…",
		"webcal://p01-caldav.icloud.com/secret": "webcal://p01-caldav.icloud.com/…",
		"http://127.0.0.1:8080/s?token=x":       "http://127.0.0.1:8080/…",
		"not a url":                             "(invalid URL)",
		"":                                      "(invalid URL)",
		"/relative/secret":                      "(invalid URL)",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
