package rtapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestExplain checks that every way a call fails reads as plain sentences,
// saying what rtctl was doing and what to do, without Go's chain of
// "rescuetime GET x: ..." prefixes.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		post bool
		want []string
	}{
		{"server error", respond(503, "text/plain", "down for maintenance"), false,
			[]string{"Could not read the highlights feed: RescueTime answered with a server error (HTTP 503): down for maintenance. Try again later."}},
		{"bad key", respond(200, "application/json", `{"error": "# key not found", "messages": "key not found"}`), false,
			[]string{"Could not read the highlights feed: ", "key was not recognised"}},
		{"HTML on a POST", respond(200, "text/html", "<html><title>Hotel Wi-Fi</title></html>"), true,
			[]string{"Could not post a highlight: ", "A proxy, a captive portal or a maintenance page may be in the way."}},
		{"refused value", respond(400, "application/json", `{"error": "description too long"}`), true,
			[]string{"Could not post a highlight: RescueTime refused it (HTTP 400): description too long."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, tc.h, func(o *Options) { o.MaxRetries = -1 })
			var err error
			if tc.post {
				err = env.client.PostHighlight(context.Background(), HighlightPost{Date: fixedNow, Description: "x"})
			} else {
				_, err = env.client.Highlights(context.Background())
			}
			got := Explain(err)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("Explain = %q, want it to contain %q", got, w)
				}
			}
			if strings.Contains(got, "rescuetime GET") || strings.Contains(got, "rescuetime POST") {
				t.Errorf("Explain = %q shows Go's error chain", got)
			}
		})
	}

	// A server that is not there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(Options{BaseURL: "http://" + addr, Credentials: APIKey(testKey), MaxRetries: -1, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Highlights(context.Background())
	if got := Explain(err); !strings.HasPrefix(got, "Could not read the highlights feed: could not connect to "+addr) || !strings.Contains(got, "Check the network connection") {
		t.Errorf("Explain = %q", got)
	}
}

// TestRetryLogIsASentence checks the retry line a person sees with -v.
func TestRetryLogIsASentence(t *testing.T) {
	n := 0
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			w.WriteHeader(503)
			return
		}
		w.Write([]byte(`[]`))
	}, func(o *Options) { o.MinBackoff, o.MaxBackoff, o.MaxRetries = 4*time.Second, 4*time.Second, 4 })
	if _, err := env.client.Highlights(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := env.logs.String(); !strings.Contains(got, `level=INFO msg="RescueTime answered 503; retrying in `) || !strings.Contains(got, "(attempt 2 of 5)") {
		t.Errorf("log %q lacks the retry sentence", got)
	}
}

// TestExplainUnknownHost checks a host that does not resolve: the dial
// fails before there is an address, and the message named "%!s(<nil>)"
// where the host belongs (issue 24, item 1).
func TestExplainUnknownHost(t *testing.T) {
	dns := &net.DNSError{Err: "no such host", Name: "www.rescuetme.com", Server: "10.0.0.53:53", IsNotFound: true}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		// What net.Dialer answers for a name that does not resolve.
		return nil, &net.OpError{Op: "dial", Net: network, Err: dns}
	}}}
	c, err := New(Options{BaseURL: "https://www.rescuetme.com", Credentials: APIKey(testKey), HTTPClient: hc, MaxRetries: -1, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Highlights(context.Background())
	got := Explain(err)
	want := "Could not read the highlights feed: could not find the host www.rescuetme.com (no such host). Check its spelling in --endpoint, and the network connection."
	if got != want {
		t.Errorf("Explain =\n%q\nwant\n%q", got, want)
	}
	if strings.Contains(got, "%!") || strings.Contains(got, testKey) {
		t.Errorf("Explain = %q", got)
	}
}

// TestBaseURLSaysWhatToWrite checks that a base URL rtctl cannot use says
// how to write one it can (issue 24, item 1).
func TestBaseURLSaysWhatToWrite(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1:8765", `rtapi: invalid base URL "127.0.0.1:8765": it needs a scheme; write http://127.0.0.1:8765 (http:// is for loopback only; https:// otherwise)`},
		{"www.rescuetime.com", `rtapi: invalid base URL "www.rescuetime.com": it needs a scheme; write https://www.rescuetime.com`},
		{"https://www.rescuetime.com/anapi", `rtapi: invalid base URL "https://www.rescuetime.com/anapi": the base URL is the host without /anapi; write https://www.rescuetime.com`},
		{"http://127.0.0.1:8765/anapi/", `rtapi: invalid base URL "http://127.0.0.1:8765/anapi/": the base URL is the host without /anapi; write http://127.0.0.1:8765`},
		{"https://www.rescuetime.com/api/oauth", `rtapi: invalid base URL "https://www.rescuetime.com/api/oauth": the base URL is the host without /api/oauth; write https://www.rescuetime.com`},
	} {
		_, err := parseBaseURL(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("parseBaseURL(%q) = %v, want %s", tc.in, err, tc.want)
		}
	}
	for _, ok := range []string{"https://www.rescuetime.com", "http://127.0.0.1:8765", "https://proxy.example/rescuetime"} {
		if _, err := parseBaseURL(ok); err != nil {
			t.Errorf("parseBaseURL(%q) = %v", ok, err)
		}
	}
}

// TestIsCallError: a caller tells a call's failure, which Explain puts in
// sentences, from any other error by its kind, not by comparing Explain's
// text with the error's.
func TestIsCallError(t *testing.T) {
	env := newTestEnv(t, respond(503, "text/plain", "down"), func(o *Options) { o.MaxRetries = -1 })
	_, callErr := env.client.Highlights(context.Background())
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"a call's", callErr, true},
		{"a call's, wrapped", fmt.Errorf("reading: %w", callErr), true},
		{"another", errors.New("no configuration"), false},
		{"none", nil, false},
	} {
		if got := IsCallError(tc.err); got != tc.want {
			t.Errorf("IsCallError(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
