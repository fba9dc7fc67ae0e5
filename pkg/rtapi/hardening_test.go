package rtapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A 2xx answer proves a POST only when its body is what the endpoint
// answers on success; anything else leaves the write uncertain.
func TestPOSTSuccessMustBeProven(t *testing.T) {
	const (
		json  = "application/json; charset=utf-8"
		html  = "text/html; charset=utf-8"
		plain = "text/plain; charset=utf-8"
	)
	portal := `<!DOCTYPE html><html><head><title>Hotel WiFi - Log in</title></head><body>Please log in</body></html>`
	type post struct {
		name string
		call func(*Client) error
	}
	offline := post{"offline_time_post", func(c *Client) error {
		return c.PostOfflineTime(context.Background(), OfflineTimePost{Start: fixedNow.Add(-time.Hour), Duration: 30 * time.Minute, ActivityName: "Meeting"})
	}}
	highlight := post{"highlights_post", func(c *Client) error {
		return c.PostHighlight(context.Background(), HighlightPost{Date: fixedNow, Description: "Shipped"})
	}}
	start := post{"start_focustime", func(c *Client) error { return c.StartFocusTime(context.Background(), 30) }}
	end := post{"end_focustime", func(c *Client) error { return c.EndFocusTime(context.Background()) }}
	all := []post{offline, highlight, start, end}
	lenient := []post{offline, start, end}

	type answer struct {
		name, contentType, body string
	}
	var (
		// Never the API's answer, whatever the endpoint.
		refused = []answer{
			{"HTML page", html, portal},
			{"HTML without a content type", "", "  <html><body>Maintenance</body></html>"},
			{"HTML announced as JSON", json, "<html>proxy error</html>"},
			{"XHTML", "application/xhtml+xml", `<?xml version="1.0"?><html/>`},
			{"truncated JSON", json, `{"message":"Offline time succ`},
			{"truncated JSON without a content type", "", `{"message":`},
			{"invalid JSON", json, `{message: ok}`},
			{"an image", "image/gif", "GIF89a"},
			{"a download", "application/octet-stream", "\x00\x01"},
		}
		// Plausible successes everywhere.
		accepted = []answer{
			{"emulator's answer", json, `{"message":"Offline time successfully created"}` + "\n"},
			{"message as text/plain", plain, `{"message":"ok"}`},
			{"message without content type", "", `{"message":"created"}`},
			{"message and a null error", json, `{"error":null,"message":"ok"}`},
		}
		// Plausible where the success body is unknown or may be empty.
		acceptedLenient = []answer{
			{"empty", "", ""},
			{"empty JSON", json, ""},
			{"whitespace", plain, " \n"},
			{"plain text", plain, "OK"},
			{"JSON without message", json, `{"status":"ok"}`},
			{"JSON true", json, "true"},
		}
		// The highlights POST answers {"message": ...}.
		refusedHighlight = []answer{
			{"empty", "", ""},
			{"plain text", plain, "OK"},
			{"JSON without message", json, `{"status":"ok"}`},
			{"JSON array", json, `[]`},
		}
	)
	run := func(p post, a answer, wantOK bool) {
		t.Run(p.name+"/"+a.name, func(t *testing.T) {
			env := newTestEnv(t, respond(200, a.contentType, a.body), func(o *Options) {
				if a.contentType == "" {
					o.HTTPClient = &http.Client{Transport: noSniff{}}
				}
			})
			err := p.call(env.client)
			if wantOK {
				if err != nil {
					t.Fatalf("refused a plausible success: %v", err)
				}
				return
			}
			var ue *UnexpectedAnswerError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v (%T), want an *UnexpectedAnswerError", err, err)
			}
			if !MayHaveBeenApplied(err) {
				t.Errorf("MayHaveBeenApplied false for %v", err)
			}
			if n := len(env.rec.all()); n != 1 {
				t.Errorf("POST sent %d times", n)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error shows the key: %v", err)
			}
		})
	}
	for _, p := range all {
		for _, a := range refused {
			run(p, a, false)
		}
		for _, a := range accepted {
			run(p, a, true)
		}
	}
	for _, p := range lenient {
		for _, a := range acceptedLenient {
			run(p, a, true)
		}
	}
	for _, a := range refusedHighlight {
		run(highlight, a, false)
	}
}

// noSniff serves respond() answers without the Content-Type net/http would
// sniff for them, through the test server's real transport.
type noSniff struct{}

func (noSniff) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		resp.Header.Del("Content-Type")
	}
	return resp, err
}

func TestHTMLPageIsNotAFeed(t *testing.T) {
	env := newTestEnv(t, respond(200, "text/html", `<html><head><title>Down for maintenance</title></head></html>`), func(o *Options) { o.MaxRetries = 1 })
	_, err := env.client.Highlights(context.Background())
	var ue *UnexpectedAnswerError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "HTML page") || !strings.Contains(err.Error(), "Down for maintenance") {
		t.Errorf("message %q", err)
	}
	if n := len(env.rec.all()); n != 2 {
		t.Errorf("a GET answered with a page was tried %d times, want 2 (it may be a passing maintenance page)", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := fixedNow
	forever := time.Duration(1<<63 - 1)
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{"18446744074", forever}, // wrapped to 290 ms before
		{"9223372037", forever},
		{"9223372036", 9223372036 * time.Second},
		{"99999999999999999999999999", forever},
		{"0000000000000000000000003", 3 * time.Second},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"Fri, 31 Dec 9999 23:59:59 GMT", forever},
	} {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                 "0 s",
		300 * time.Millisecond:            "1 s",
		4 * time.Second:                   "4 s",
		90 * time.Second:                  "90 s",
		2 * time.Minute:                   "2 min",
		150 * time.Second:                 "3 min",
		119 * time.Minute:                 "119 min",
		2 * time.Hour:                     "2 h",
		47 * time.Hour:                    "47 h",
		72 * time.Hour:                    "3 days",
		400 * 24 * time.Hour:              "more than a year",
		time.Duration(1<<63 - 1):          "more than a year",
		-time.Second:                      "0 s",
		59*time.Second + time.Millisecond: "60 s",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// goDuration finds a Go duration such as 5124095h34m33s or 290ms in text.
var goDuration = regexp.MustCompile(`\d+(h\d+m|m\d+(\.\d+)?s|ms\b|µs)`)

func TestRetryAfterBeyondTheCeilingFailsAtOnce(t *testing.T) {
	for _, v := range []string{"18446744074", "3600", "Fri, 31 Dec 9999 23:59:59 GMT"} {
		env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", v)
			w.WriteHeader(http.StatusTooManyRequests)
		})
		_, err := env.client.Highlights(context.Background())
		var rl *RateLimitedError
		if !errors.As(err, &rl) {
			t.Fatalf("%s: got %v", v, err)
		}
		if len(env.sleep.waits) != 0 || len(env.rec.all()) != 1 {
			t.Errorf("%s: slept %v over %d attempts", v, env.sleep.waits, len(env.rec.all()))
		}
		msg := err.Error()
		if goDuration.MatchString(msg) {
			t.Errorf("%s: message shows a Go duration: %s", v, msg)
		}
		if !strings.Contains(msg, "waits at most 30 s") {
			t.Errorf("%s: message does not give the ceiling: %s", v, msg)
		}
		if MayHaveBeenApplied(err) {
			t.Errorf("%s: a 429 reported as maybe applied", v)
		}
	}
}

func TestRetryAfterWithinTheCeilingIsWaited(t *testing.T) {
	var n atomic.Int32
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`[]`))
	})
	if _, err := env.client.Highlights(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(env.sleep.waits) != 1 || env.sleep.waits[0] != 30*time.Second {
		t.Errorf("waits %v", env.sleep.waits)
	}
}

// fakeClock moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.advance(d)
	return ctx.Err()
}

// hungServer is a transport whose server never answers: each attempt runs
// until its deadline, which is read from the request and passed on the fake
// clock instead of waited for.
type hungServer struct {
	clock *fakeClock
	mu    sync.Mutex
	given []time.Duration
}

func (h *hungServer) RoundTrip(req *http.Request) (*http.Response, error) {
	dl, ok := req.Context().Deadline()
	if !ok {
		return nil, errors.New("an attempt without a deadline would wait for ever")
	}
	d := time.Until(dl)
	h.mu.Lock()
	h.given = append(h.given, d)
	h.mu.Unlock()
	h.clock.advance(d)
	return nil, context.DeadlineExceeded
}

func TestCallTimeoutBoundsAHungServer(t *testing.T) {
	clock := &fakeClock{now: fixedNow}
	hung := &hungServer{clock: clock}
	c, err := New(Options{
		BaseURL: "https://rescuetime.example", Credentials: APIKey(testKey),
		HTTPClient: &http.Client{Transport: hung},
		Clock:      clock.Now, Sleep: clock.sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Highlights(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	if spent := clock.Now().Sub(fixedNow); spent > DefaultCallTimeout {
		t.Errorf("the call took %s, more than its %s budget", spent, DefaultCallTimeout)
	}
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v (%T)", err, err)
	}
	if !strings.Contains(err.Error(), "RescueTime did not answer within 60 s") {
		t.Errorf("message %q", err)
	}
	if strings.Contains(err.Error(), testKey) || goDuration.MatchString(err.Error()) {
		t.Errorf("message %q", err)
	}
	// The first attempt gets the per-attempt timeout, the next what is left.
	if len(hung.given) != 2 || hung.given[0] > DefaultTimeout || hung.given[0] < DefaultTimeout-time.Second ||
		hung.given[1] >= DefaultCallTimeout-DefaultTimeout {
		t.Errorf("attempt timeouts %v", hung.given)
	}
}

func TestCallTimeoutOption(t *testing.T) {
	clock := &fakeClock{now: fixedNow}
	hung := &hungServer{clock: clock}
	c, err := New(Options{
		BaseURL: "https://rescuetime.example", Credentials: APIKey(testKey),
		HTTPClient: &http.Client{Transport: hung},
		Clock:      clock.Now, Sleep: clock.sleep,
		CallTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	err = c.StartFocusTime(context.Background(), 30)
	if len(hung.given) != 1 || hung.given[0] > 10*time.Second || hung.given[0] < 9*time.Second {
		t.Errorf("attempt timeouts %v, want one of 10 s", hung.given)
	}
	if !MayHaveBeenApplied(err) || !strings.Contains(err.Error(), "did not answer within 10 s") {
		t.Errorf("POST timeout: %v (applied %v)", err, MayHaveBeenApplied(err))
	}
}

// Retries stop before a wait would pass the budget, saying why.
func TestRetriesStopAtTheBudget(t *testing.T) {
	clock := &fakeClock{now: fixedNow}
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		clock.advance(25 * time.Second)
		w.WriteHeader(http.StatusServiceUnavailable)
	}, func(o *Options) { o.Clock = clock.Now; o.Sleep = clock.sleep; o.MaxRetries = 10 })
	_, err := env.client.DailySummaries(context.Background())
	var se *ServerError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "gave up at the call's time limit of 60 s (3 attempts)") {
		t.Fatalf("got %v", err)
	}
	// At 25 s, 51 s and 77 s: the third started within the budget (its
	// deadline would have cut it at 60 s); no fourth.
	if n := len(env.rec.all()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestEchoedInputIsClipped(t *testing.T) {
	long := strings.Repeat("x", 10000)
	for name, h := range map[string]http.HandlerFunc{
		"500 body":      respond(500, "text/plain", long),
		"400 JSON":      respond(400, "application/json", `{"error":"`+long+`"}`),
		"200 error":     respond(200, "application/json", `{"error":"`+long+`"}`),
		"escape codes":  respond(500, "text/plain", "\x1b[2J\x1b]0;pwned\x07"+long),
		"bad feed item": respond(200, "application/json", `[{"id":"`+long+`"}]`),
		"bad time":      respond(200, "application/json", `[{"id":1,"description":"d","date":"`+long+`"}]`),
	} {
		env := newTestEnv(t, h, func(o *Options) { o.MaxRetries = -1 })
		_, err := env.client.Highlights(context.Background())
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		msg := err.Error()
		if len(msg) > 400 {
			t.Errorf("%s: message of %d bytes: %.80s...", name, len(msg), msg)
		}
		if strings.ContainsAny(msg, "\x1b\x07") {
			t.Errorf("%s: message carries control characters: %q", name, msg)
		}
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("abc ", 100)
	got := clip(long)
	if !strings.HasSuffix(got, "abc...") || len([]rune(got)) > maxEcho+3 {
		t.Errorf("clip(long) = %q", got)
	}
	for in, want := range map[string]string{
		"  short  ":                  "short",
		"a\x1b[31mred\x1b[0m":        "a [31mred [0m",
		"line\r\nbreak\ttab":         "line break tab",
		"rtl\u202eevil":              "rtl evil",
		"bad\xfb\xfcbytes":           "bad??bytes",
		strings.Repeat("é", maxEcho): strings.Repeat("é", maxEcho),
	} {
		if got := clip(in); got != want {
			t.Errorf("clip(%q) = %q, want %q", in, got, want)
		}
	}
}

// Found by FuzzHighlightsFeed: lowering invalid UTF-8 moved the indexes.
func TestHTMLTitleWithInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"<00000\xfb00000<title>":                  "",
		"<html><TITLE>\xfb Log in</TITLE></html>": "\xfb Log in",
		"<title>no end":                           "no end",
		"<title":                                  "",
	} {
		if got := htmlTitle([]byte(in)); got != want {
			t.Errorf("htmlTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

// rtctl pins Now to replay a day (--now); the time limit must still run
// out, so it is measured on Clock.
func TestPinnedNowDoesNotStopTheTimeLimit(t *testing.T) {
	clock := &fakeClock{now: fixedNow}
	hung := &hungServer{clock: clock}
	c, err := New(Options{
		BaseURL: "https://rescuetime.example", Credentials: APIKey(testKey),
		HTTPClient: &http.Client{Transport: hung},
		Now:        func() time.Time { return fixedNow.Add(-24 * time.Hour) },
		Clock:      clock.Now, Sleep: clock.sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Highlights(context.Background())
	if len(hung.given) != 2 || !strings.Contains(fmt.Sprint(err), "did not answer within 60 s") {
		t.Errorf("%d attempts: %v", len(hung.given), err)
	}
}

// TestAnalyticErrorsClipEchoedInput checks that a header or a cell the
// client cannot read is not echoed whole into the error.
func TestAnalyticErrorsClipEchoedInput(t *testing.T) {
	huge := strings.Repeat("x", 10000)
	for name, body := range map[string]string{
		"header": `{"row_headers":["Rank","Time Spent (seconds)"],"rows":[[1,"` + huge + `"]]}`,
		"cell":   `{"row_headers":["Rank","Time Spent (seconds) ` + huge + `"],"rows":[["` + huge + `",1]]}`,
	} {
		_, err := ParseAnalyticData([]byte(body), "json", time.UTC)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if n := len(err.Error()); n > 600 {
			t.Errorf("%s: the error is %d bytes long: %.120s...", name, n, err.Error())
		}
	}
}
