package rtapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request is one API call, rendered but not sent: what rtctl's plan shows as
// "the request that would be sent" and what apply then sends with Do. Query
// never holds the credentials; Do adds them.
type Request struct {
	Method   string          `json:"method"`
	Endpoint string          `json:"endpoint"` // e.g. "offline_time_post"
	Query    url.Values      `json:"query,omitempty"`
	Body     json.RawMessage `json:"body,omitempty"` // JSON, or empty
}

// String renders the request on one line, e.g.
// `POST offline_time_post {"start_time":"2026-11-20 09:00:00",...}`.
func (r Request) String() string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteString(" ")
	b.WriteString(r.Endpoint)
	if len(r.Query) > 0 {
		b.WriteString("?")
		b.WriteString(r.Query.Encode())
	}
	if len(r.Body) > 0 {
		b.WriteString(" ")
		b.Write(r.Body)
	}
	return b.String()
}

// premiumOnly lists the endpoints the documentation says answer 400 for
// Lite accounts.
var premiumOnly = map[string]bool{
	"highlights_post":        true,
	"start_focustime":        true,
	"end_focustime":          true,
	"focustime_started_feed": true,
	"focustime_ended_feed":   true,
	"offline_time_post":      true,
}

// URL returns the URL r is sent to, with the credentials shown as
// "REDACTED": safe to print.
func (c *Client) URL(r Request) string {
	u := c.endpointURL(r, true)
	return RedactURL(u)
}

func (c *Client) endpointURL(r Request, withSecret bool) *url.URL {
	u := *c.base
	prefix := "/anapi"
	if c.creds != nil {
		prefix = c.creds.prefix()
	}
	u.Path = c.base.Path + prefix + "/" + r.Endpoint
	q := url.Values{}
	for k, v := range r.Query {
		q[k] = append([]string(nil), v...)
	}
	if withSecret && c.creds != nil {
		q.Set(c.creds.param(), c.creds.secret())
	}
	u.RawQuery = q.Encode()
	return &u
}

// Do sends r with the client's credentials and returns the response body.
// GETs are retried on 5xx, 429 and network errors; POSTs only when the server
// provably did not act (see MayHaveBeenApplied). A body carrying an "error"
// key is an error whatever the status.
func (c *Client) Do(ctx context.Context, r Request) ([]byte, error) {
	if c.creds == nil {
		return nil, &opError{method: r.Method, endpoint: r.Endpoint, err: ErrNoCredentials}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, &opError{method: r.Method, endpoint: r.Endpoint, err: fmt.Errorf("unsupported method %q", r.Method)}
	}
	ct := ""
	if len(r.Body) > 0 {
		ct = "application/json"
	}
	return c.send(ctx, call{method: r.Method, endpoint: r.Endpoint, u: c.endpointURL(r, true), body: r.Body, contentType: ct, redact: c.redact})
}

// call is one request to send, with the redactor that knows its secrets.
type call struct {
	method, endpoint string
	u                *url.URL
	body             []byte
	contentType      string
	redact           redactor
}

// outcome is what one attempt came to.
type outcome struct {
	body     []byte
	err      error
	retry    bool          // another attempt is allowed
	applied  bool          // the server may have acted
	wait     time.Duration // server-requested wait (Retry-After)
	timedOut bool          // no (complete) answer before the attempt's deadline
}

// send makes the attempts of one call within its budget: each attempt gets
// the per-attempt timeout or what is left of the call's, whichever is less,
// and a retry whose wait would pass the budget is not made.
func (c *Client) send(ctx context.Context, cl call) ([]byte, error) {
	method, endpoint := cl.method, cl.endpoint
	fail := func(o outcome, err error) error {
		return &opError{method: method, endpoint: endpoint, applied: o.applied, err: err}
	}
	var deadline time.Time
	if c.callTimeout > 0 {
		deadline = c.clock().Add(c.callTimeout)
	}
	var last outcome
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fail(last, err)
		}
		limit := c.timeout
		if !deadline.IsZero() {
			left := deadline.Sub(c.clock())
			if left <= 0 {
				return nil, fail(last, &TimeoutError{Limit: c.callTimeout, Attempts: attempt, Answered: !last.timedOut, Err: last.err})
			}
			limit = min(limit, left)
		}
		o := c.attempt(ctx, cl, attempt, limit)
		if o.err == nil {
			return o.body, nil
		}
		last = o
		if o.timedOut {
			// Name the limit that ran out: the call's when it cut the
			// attempt short, else the attempt's own.
			ran := limit
			if limit < c.timeout {
				ran = c.callTimeout
			}
			o.err = &TimeoutError{Limit: ran, Attempts: attempt + 1, Err: o.err}
		}
		if !o.retry || attempt >= c.maxRetries || ctx.Err() != nil {
			return nil, fail(o, o.err)
		}
		wait := c.backoff(attempt)
		if o.wait > 0 {
			if o.wait > c.maxRetryAfter {
				return nil, fail(o, fmt.Errorf("%w; rtctl waits at most %s by itself: try again later", o.err, humanDuration(c.maxRetryAfter)))
			}
			wait = o.wait
		}
		if !deadline.IsZero() && !c.clock().Add(wait).Before(deadline) {
			return nil, fail(o, &TimeoutError{Limit: c.callTimeout, Attempts: attempt + 1, Answered: !o.timedOut, Err: last.err})
		}
		if c.logger != nil {
			// The message is the sentence a person reads; the attributes
			// are for a structured log.
			next, of := attempt+2, c.maxRetries+1
			msg := fmt.Sprintf("%s; retrying in %s (attempt %d of %d)", answered(o.err), humanDuration(wait), next, of)
			c.logger.LogAttrs(ctx, slog.LevelInfo, msg,
				slog.String("method", method), slog.String("endpoint", endpoint),
				slog.Int("attempt", next), slog.Int("max_attempts", of), slog.Duration("wait", wait),
				slog.String("error", cl.redact.scrub(o.err.Error())))
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fail(o, fmt.Errorf("%w (while waiting to retry after: %v)", err, o.err))
		}
		if check := retryCheck(ctx); check != nil {
			if err := check(); err != nil {
				return nil, fail(o, fmt.Errorf("not sent again: %w (after: %v)", err, o.err))
			}
		}
	}
}

// TimeoutError is a call that ran out of time: the server did not answer
// within an attempt's timeout (Options.Timeout), or the call's retries
// reached its time limit (Options.CallTimeout). errors.Is(err,
// context.DeadlineExceeded) holds for it.
type TimeoutError struct {
	// Limit is the time that ran out: the call's limit, or one attempt's.
	Limit time.Duration
	// Attempts is how many requests were sent.
	Attempts int
	// Answered is set when the server did answer, with errors, until the
	// limit; Err is then the last of them.
	Answered bool
	Err      error
}

func (e *TimeoutError) Error() string {
	if e.Answered && e.Err != nil {
		return fmt.Sprintf("gave up at the call's time limit of %s (%s): %v", humanDuration(e.Limit), plural(e.Attempts, "attempt"), e.Err)
	}
	msg := "RescueTime did not answer within " + humanDuration(e.Limit)
	if e.Attempts > 1 {
		msg += " (" + plural(e.Attempts, "attempt") + ")"
	}
	return msg + "; check the network connection, or try again later"
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// Is makes every TimeoutError a context.DeadlineExceeded, as the timeouts
// of net/http are.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// backoff is the wait before retry number attempt+1: exponential from
// minBackoff, capped at maxBackoff, with the upper half jittered so that
// clients failing together do not retry together.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.minBackoff
	for i := 0; i < attempt && d < c.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.maxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}

func (c *Client) attempt(parent context.Context, cl call, attempt int, limit time.Duration) outcome {
	method, endpoint, u, body, contentType, red := cl.method, cl.endpoint, cl.u, cl.body, cl.contentType, cl.redact
	isPost := method == http.MethodPost
	ctx, cancel := context.WithTimeout(parent, limit)
	defer cancel()
	// Our own deadline, not the caller's cancellation.
	timedOut := func(err error) bool { return parent.Err() == nil && errors.Is(err, context.DeadlineExceeded) }

	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return outcome{err: red.transportError(err, u)}
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json, text/csv;q=0.9, */*;q=0.5")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}

	start := c.clock()
	resp, err := c.hc.Do(req)
	if err != nil {
		notSent := neverSent(err)
		c.log(ctx, red, method, u, 0, attempt, start, err)
		return outcome{
			err:      red.transportError(err, u),
			retry:    !isPost || notSent,
			applied:  isPost && !notSent,
			timedOut: timedOut(err),
		}
	}
	defer resp.Body.Close()
	data, readErr := c.readBody(resp.Body)
	c.log(ctx, red, method, u, resp.StatusCode, attempt, start, readErr)

	status := resp.StatusCode
	switch {
	case status >= 200 && status < 300:
		if readErr != nil {
			// A POST answered 200 was applied, but an unread body might
			// have held an "error": report it as uncertain.
			return outcome{err: red.transportError(readErr, u), retry: !isPost, applied: isPost, timedOut: timedOut(readErr)}
		}
		if msg, ok := errorBody(data); ok {
			err := red.classifyErrorBody(endpoint, status, msg)
			// A POST answered with success and an error body is a
			// contradiction; unless the credentials were refused, the write
			// may have happened, and an at-most-once caller must know.
			var unauth *UnauthorizedError
			return outcome{err: err, applied: isPost && !errors.As(err, &unauth)}
		}
		if ue := checkAnswer(isPost, endpoint, status, resp.Header, data, red); ue != nil {
			// A page that is not the API's answer often passes (a
			// maintenance page): a GET may try again; a POST is uncertain.
			return outcome{err: ue, retry: !isPost, applied: isPost}
		}
		return outcome{body: data}
	case status == http.StatusTooManyRequests:
		wait := parseRetryAfter(resp.Header.Get("Retry-After"), c.clock())
		return outcome{
			err:   &RateLimitedError{RetryAfter: wait, Message: red.message(data)},
			retry: true, wait: wait,
		}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return outcome{err: &UnauthorizedError{StatusCode: status, Message: red.message(data)}}
	case status == http.StatusBadRequest:
		msg := red.message(data)
		if isAuthMessage(msg) {
			return outcome{err: &UnauthorizedError{StatusCode: status, Message: msg}}
		}
		bad := &BadRequestError{StatusCode: status, Message: msg}
		switch {
		case premiumOnly[endpoint] && isPremiumMessage(msg):
			return outcome{err: &PremiumRequiredError{Endpoint: endpoint, Err: bad}}
		case premiumOnly[endpoint] && msg == "":
			// The documented answer for a Lite account, and for any other
			// refusal: say both.
			bad.Message = "no message: the account may be on the Lite plan (this endpoint needs Premium), or a value was refused"
		}
		return outcome{err: bad}
	case status >= 400 && status < 500:
		msg := red.message(data)
		if status == http.StatusNotFound && msg == "" {
			msg = "not found; is the API base URL right?"
		}
		return outcome{err: &BadRequestError{StatusCode: status, Message: msg}}
	case status >= 500:
		return outcome{err: &ServerError{StatusCode: status, Message: red.message(data)}, retry: !isPost, applied: isPost}
	default:
		// 1xx and 3xx: redirects are not followed, so the secret stays
		// with the configured host.
		return outcome{err: &ServerError{StatusCode: status, Message: "unexpected status " + red.scrub(clip(resp.Status))}, applied: isPost}
	}
}

// readBody reads at most maxBody bytes and fails clearly beyond that.
func (c *Client) readBody(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, c.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	if int64(len(data)) > c.maxBody {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, c.maxBody)
	}
	return data, nil
}

func (c *Client) log(ctx context.Context, red redactor, method string, u *url.URL, status, attempt int, start time.Time, err error) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("url", RedactURL(u)),
		slog.Int("attempt", attempt+1),
		slog.Duration("elapsed", c.clock().Sub(start)),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", red.scrub(err.Error())))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "rescuetime request", attrs...)
}

// classifyErrorBody types an "error" body that came with a success status,
// such as the real API's answer to an invalid key.
func (r redactor) classifyErrorBody(endpoint string, status int, msg string) error {
	msg = clip(r.scrub(msg))
	if isAuthMessage(msg) {
		return &UnauthorizedError{StatusCode: status, Message: msg}
	}
	bad := &BadRequestError{StatusCode: status, Message: msg}
	if premiumOnly[endpoint] && isPremiumMessage(msg) {
		return &PremiumRequiredError{Endpoint: endpoint, Err: bad}
	}
	return bad
}

// errorBody reports whether data is a JSON object with an "error" key, and
// its message.
func errorBody(data []byte) (string, bool) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return "", false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(trimmed, &m) != nil {
		return "", false
	}
	// Only a real message counts: {"error": null} or "" is no error.
	var e any
	if raw, ok := m["error"]; !ok || json.Unmarshal(raw, &e) != nil || e == nil || e == "" || e == false {
		return "", false
	}
	return bodyMessage(m), true
}

// message extracts a human explanation from an error response, scrubbed
// of secrets and shortened.
func (r redactor) message(data []byte) string {
	trimmed := bytes.TrimSpace(data)
	var msg string
	var m map[string]json.RawMessage
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &m) == nil {
		msg = bodyMessage(m)
	} else if !bytes.HasPrefix(trimmed, []byte("<")) { // skip HTML error pages
		msg = string(trimmed)
	}
	return clip(r.scrub(msg))
}

// bodyMessage joins the explanatory fields the API and OAuth endpoints use.
func bodyMessage(m map[string]json.RawMessage) string {
	var parts []string
	seen := map[string]bool{}
	for _, k := range []string{"error", "error_description", "message", "messages"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			var list []string
			if json.Unmarshal(raw, &list) != nil {
				s = string(raw)
			} else {
				s = strings.Join(list, "; ")
			}
		}
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#"))
		if s != "" && !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ": ")
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// It is zero when the header is absent, unreadable or in the past, so that
// the usual backoff applies. A value too large for a time.Duration
// saturates rather than wrapping around (18446744074 seconds once became
// 290 ms); the caller compares it with its ceiling.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if isDigits(v) {
		v = strings.TrimLeft(v, "0")
		const maxSeconds = math.MaxInt64 / int64(time.Second)
		secs, err := strconv.ParseInt(v, 10, 64)
		if v == "" {
			return 0
		}
		if err != nil || secs > maxSeconds {
			return time.Duration(math.MaxInt64)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		// Sub saturates for dates too far away.
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
