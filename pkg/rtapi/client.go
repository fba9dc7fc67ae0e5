package rtapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/ctxtime"
)

// Defaults used when the corresponding Options field is zero.
const (
	DefaultBaseURL   = "https://www.rescuetime.com"
	DefaultUserAgent = "rtctl"
	DefaultTimeout   = 30 * time.Second
	// DefaultCallTimeout bounds a whole call, retries and waits included:
	// a server that never answers gets two attempts (30 s, then what is
	// left) and the call ends with a *TimeoutError after a minute, rather
	// than holding a command for four attempts of 30 s.
	DefaultCallTimeout  = 60 * time.Second
	DefaultMaxRetries   = 3
	DefaultMaxBodyBytes = 32 << 20
	DefaultMinBackoff   = 500 * time.Millisecond
	DefaultMaxBackoff   = 30 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After the client ever
	// waits out by itself. A call also waits at most half its CallTimeout
	// (30 s by default), so that the attempt after the wait still has time.
	// A longer request is returned at once as a *RateLimitedError rather
	// than waited for: RescueTime's limits are said to be per minute and per
	// hour, so a long wait means an hourly quota is spent, and a command
	// that sits silent for minutes looks hung.
	DefaultMaxRetryAfter = 5 * time.Minute
)

// Options configure a Client. Only Credentials is needed for most uses; the
// zero value of every other field selects a documented default.
type Options struct {
	// BaseURL is the scheme and host of the API (DefaultBaseURL when
	// empty). http:// is accepted only for loopback hosts.
	BaseURL string
	// Credentials is an APIKey or an AccessToken. It may be nil for a
	// Client used only for the OAuth2 authorization-code flow.
	Credentials Credentials
	// HTTPClient sends the requests; http.DefaultClient's settings when
	// nil. The client is copied and redirects are never followed, so the
	// secret in the query string is never sent to another URL. Without a
	// Transport it gets http.DefaultTransport's settings, keeping more
	// idle connections (maxIdleConnsPerHost).
	HTTPClient *http.Client
	// Location is the account's time zone (UTC when nil).
	Location *time.Location
	// Now is the account's present, used to refuse offline time in the
	// future and to end open date ranges (time.Now when nil). Callers may
	// pin it (rtctl's --now replays a day).
	Now func() time.Time
	// Clock is the real time, used to measure CallTimeout and to read
	// Retry-After dates (time.Now when nil). It is separate from Now because
	// a pinned Now must not stop the time limit from running out; tests
	// inject both.
	Clock func() time.Time
	// Sleep waits d or until ctx ends (a timer when nil).
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxRetries is how many times a failed GET is retried
	// (DefaultMaxRetries when zero, none when negative).
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff between
	// retries (DefaultMinBackoff, DefaultMaxBackoff when zero).
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest server-requested wait honoured before
	// giving up (DefaultMaxRetryAfter when zero); never more than half of
	// CallTimeout is honoured.
	MaxRetryAfter time.Duration
	// Timeout bounds each attempt, from connecting to reading the whole
	// body (DefaultTimeout when zero).
	Timeout time.Duration
	// CallTimeout bounds each call as a whole, its retries and the waits
	// between them included (DefaultCallTimeout when zero, no bound but
	// Timeout per attempt when negative). An attempt never gets more than
	// what is left of it, and a retry whose wait would pass it is not made:
	// the call fails with a *TimeoutError. The call's budget is measured
	// on Clock, never on Now, so a pinned Now cannot stop it running out.
	CallTimeout time.Duration
	// MaxBodyBytes bounds a response body (DefaultMaxBodyBytes when zero).
	MaxBodyBytes int64
	// Logger receives one debug record per attempt and a warning per retry,
	// with URLs redacted. Nothing is logged when nil.
	Logger *slog.Logger
	// UserAgent is sent with every request (DefaultUserAgent when empty);
	// rtctl sends "rtctl/<version>".
	UserAgent string
}

// Client talks to the RescueTime API. It is safe for concurrent use.
type Client struct {
	base          *url.URL
	creds         Credentials
	hc            *http.Client
	loc           *time.Location
	now           func() time.Time
	clock         func() time.Time
	sleep         func(ctx context.Context, d time.Duration) error
	maxRetries    int
	minBackoff    time.Duration
	maxBackoff    time.Duration
	maxRetryAfter time.Duration
	timeout       time.Duration
	callTimeout   time.Duration
	maxBody       int64
	logger        *slog.Logger
	userAgent     string
	redact        redactor
}

// New validates opts and returns a Client.
func New(opts Options) (*Client, error) {
	base := opts.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := parseBaseURL(base)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:          u,
		creds:         opts.Credentials,
		loc:           opts.Location,
		now:           opts.Now,
		clock:         opts.Clock,
		sleep:         opts.Sleep,
		maxRetries:    opts.MaxRetries,
		minBackoff:    opts.MinBackoff,
		maxBackoff:    opts.MaxBackoff,
		maxRetryAfter: opts.MaxRetryAfter,
		timeout:       opts.Timeout,
		callTimeout:   opts.CallTimeout,
		maxBody:       opts.MaxBodyBytes,
		logger:        opts.Logger,
		userAgent:     opts.UserAgent,
	}
	if c.creds != nil && c.creds.secret() == "" {
		return nil, errors.New("rtapi: empty " + c.creds.param())
	}
	var hc http.Client
	if opts.HTTPClient != nil {
		hc = *opts.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if hc.Transport == nil {
		hc.Transport = newTransport()
	}
	c.hc = &hc
	if c.loc == nil {
		c.loc = time.UTC
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.sleep == nil {
		c.sleep = ctxtime.Sleep
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.minBackoff <= 0 {
		c.minBackoff = DefaultMinBackoff
	}
	if c.maxBackoff <= 0 {
		c.maxBackoff = DefaultMaxBackoff
	}
	if c.maxRetryAfter <= 0 {
		c.maxRetryAfter = DefaultMaxRetryAfter
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	switch {
	case c.callTimeout == 0:
		c.callTimeout = DefaultCallTimeout
	case c.callTimeout < 0:
		c.callTimeout = 0
	}
	if c.callTimeout > 0 {
		c.maxRetryAfter = min(c.maxRetryAfter, c.callTimeout/2)
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.creds != nil {
		c.redact = redactor{secrets: []string{c.creds.secret()}}
	}
	return c, nil
}

// parseBaseURL accepts https://host[:port][/path] and, for loopback hosts
// only, http://.
func parseBaseURL(raw string) (*url.URL, error) {
	if !strings.Contains(raw, "://") && raw != "" && !strings.ContainsAny(raw, "?#@ ") {
		// "host:port" parses as a scheme and an opaque path, or not at
		// all: say how to write it rather than what the parser saw.
		want := "https://" + raw
		if host, _, _ := strings.Cut(raw, "/"); isLoopback(hostOnly(host)) {
			return nil, fmt.Errorf("rtapi: invalid base URL %q: it needs a scheme; write http://%s (http:// is for loopback only; https:// otherwise)", raw, raw)
		}
		return nil, fmt.Errorf("rtapi: invalid base URL %q: it needs a scheme; write %s", raw, want)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("rtapi: invalid base URL: %w", err)
	}
	if u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("rtapi: invalid base URL %q: want scheme://host[:port] without query, fragment or user", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("rtapi: refusing plain http:// to %s: the API key would travel unencrypted; use https:// (http is allowed for loopback only)", u.Hostname())
		}
	default:
		return nil, fmt.Errorf("rtapi: invalid base URL %q: scheme must be https", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	// The client adds the API's paths itself; a base URL copied from the
	// documentation with them only ever answers 404.
	for _, api := range []string{"/anapi", "/api/oauth", "/api"} {
		if strings.HasSuffix(u.Path, api) {
			host := *u
			host.Path = strings.TrimSuffix(u.Path, api)
			return nil, fmt.Errorf("rtapi: invalid base URL %q: the base URL is the host without %s; write %s", raw, api, host.String())
		}
	}
	return u, nil
}

// hostOnly is host without its port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Location returns the account time zone the client works in.
func (c *Client) Location() *time.Location { return c.loc }

// BaseURL returns the API's base URL.
func (c *Client) BaseURL() string { return c.base.String() }

// Format prints the client without its credentials, whatever the verb.
func (c Client) Format(f fmt.State, verb rune) {
	auth := "none"
	if c.creds != nil {
		auth = c.creds.param() + "=" + redacted
	}
	fmt.Fprintf(f, "rtapi.Client{BaseURL: %s, Credentials: %s}", c.base, auth)
}

// maxIdleConnsPerHost is how many connections to RescueTime a Client keeps
// open between requests. Go's default, 2, is below the POSTs an apply
// keeps in flight (4): every third request would open a new connection,
// with its TLS handshake, and an apply of 10,000 items opened 3,600.
const maxIdleConnsPerHost = 16

// newTransport is http.DefaultTransport's configuration, keeping enough
// idle connections for the requests a Client sends at once.
func newTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	return t
}
