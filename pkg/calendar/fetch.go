package calendar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Fetch limits.
const (
	DefaultFetchTimeout  = 30 * time.Second
	DefaultFetchMaxBytes = 16 << 20
)

// Fetch downloads a calendar from rawURL, the kind of secret address calendar
// services give for read access. Only https is allowed (webcal:// is read as
// https), and http only for a loopback host, which tests use. The download is
// bounded by maxBytes (DefaultFetchMaxBytes when not positive) and, when ctx
// has no deadline, by DefaultFetchTimeout. Redirects to anything but https
// are refused, and so are redirects to loopback http unless rawURL itself
// was loopback http. A nil client means a plain http.Client.
//
// The address is a secret: no error returned by Fetch contains it, only
// RedactURL's form of it.
func Fetch(ctx context.Context, client *http.Client, rawURL string, maxBytes int64) ([]byte, error) {
	shown := RedactURL(rawURL)
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("calendar URL %s is not a valid absolute URL", shown)
	}
	if strings.EqualFold(u.Scheme, "webcal") {
		u.Scheme = "https"
	}
	if !allowedURL(u) {
		return nil, fmt.Errorf("calendar URL %s: only https is allowed (http only for a loopback address)", shown)
	}
	// Plain http to loopback exists for tests that serve a calendar
	// locally. A redirect from a real server to it could reach whatever
	// listens on the machine rtctl runs on, so only an address that was
	// loopback http from the start may lead there.
	loopbackHTTP := strings.EqualFold(u.Scheme, "http")
	if maxBytes <= 0 {
		maxBytes = DefaultFetchMaxBytes
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultFetchTimeout)
		defer cancel()
	}
	c := http.Client{}
	if client != nil {
		c = *client
	}
	// The copy lets Fetch police redirects without changing the caller's client.
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if !allowedURL(req.URL) || (strings.EqualFold(req.URL.Scheme, "http") && !loopbackHTTP) {
			return errors.New("refusing a redirect to a non-https address")
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, redactErr(shown, rawURL, err)
	}
	req.Header.Set("Accept", "text/calendar")
	resp, err := c.Do(req)
	if err != nil {
		return nil, redactErr(shown, rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("fetching calendar %s: server answered %s", shown, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, redactErr(shown, rawURL, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("fetching calendar %s: it is larger than the limit of %d bytes", shown, maxBytes)
	}
	return data, nil
}

func allowedURL(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return u.Host != ""
	case "http":
		host := u.Hostname()
		if strings.EqualFold(host, "localhost") {
			return true
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

// RedactURL returns what may be shown of a secret calendar address: scheme
// and host, with everything after them (user info, path, query, fragment)
// replaced by "…".
func RedactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "(invalid URL)"
	}
	return strings.ToLower(u.Scheme) + "://" + u.Host + "/…"
}

// redactedError carries a transport error whose text may have contained the
// secret address; Unwrap keeps errors.Is (context.DeadlineExceeded, ...) working.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redactErr(shown, raw string, err error) error {
	// *url.Error prints the full address; keep only what went wrong.
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	if u, perr := url.Parse(strings.TrimSpace(raw)); perr == nil {
		for _, secret := range []string{strings.TrimSpace(raw), u.RawQuery, u.EscapedPath(), u.Path, u.User.String(), u.Fragment} {
			if len(secret) > 1 {
				msg = strings.ReplaceAll(msg, secret, "…")
			}
		}
	}
	return &redactedError{msg: fmt.Sprintf("fetching calendar %s: %s", shown, msg), err: err}
}
