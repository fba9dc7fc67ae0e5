package rtapi

import (
	"errors"
	"net/url"
	"strings"

	"github.com/rtctl/rtctl/internal/secretscan"
)

// secretParams are the query parameters whose values are never shown.
var secretParams = []string{"key", "access_token", "client_secret", "code", "code_verifier", "refresh_token"}

// RedactURL returns u with the values of credential-bearing query parameters
// (key, access_token, client_secret, code, code_verifier, refresh_token)
// replaced by "REDACTED". It is safe to log or show the result.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	q := c.Query()
	changed := false
	for _, p := range secretParams {
		if q.Has(p) {
			q.Set(p, redacted)
			changed = true
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// redactor removes one secret from text and from net/http's errors.
type redactor struct {
	secrets []string
}

func (r redactor) scrub(s string) string {
	// A server may echo the key in another case, or a piece of it.
	var long secretscan.Set
	for _, sec := range r.secrets {
		if sec == "" {
			continue
		}
		s = strings.ReplaceAll(s, sec, redacted)
		// url.Error and the logger may show the query-escaped form.
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, redacted)
		}
		if len(sec) >= secretscan.MinChunkedLength {
			long.Add(sec)
		}
	}
	return long.Replace(s, redacted)
}

// transportError rewrites an error from http.Client.Do: its *url.Error
// carries the full request URL, query string and secret included, so the URL
// is replaced by its redacted form and the remaining text is scrubbed.
func (r redactor) transportError(err error, u *url.URL) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: RedactURL(u), Err: r.wrap(ue.Err)}
	}
	return r.wrap(err)
}

func (r redactor) wrap(err error) error {
	return &scrubbedError{msg: r.scrub(err.Error()), err: err}
}

// scrubbedError is an error whose text has had the secrets removed. Unwrap
// still reaches the original error so that errors.Is and errors.As work; the
// wrapped errors are transport errors (net.OpError, context errors) whose own
// text holds no URL. It keeps only the scrubbed text, so that even %#v of it
// shows no secret.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
