package rtapi

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"
)

// ErrResponseTooLarge is wrapped by the error returned when a response body
// exceeds Options.MaxBodyBytes.
var ErrResponseTooLarge = errors.New("response body too large")

// ErrNoCredentials is returned by calls that need credentials when the
// Client was made without them.
var ErrNoCredentials = errors.New("no API key or access token configured")

// ValidationError reports a request value refused before anything was sent.
// Field is the API's name for the value (e.g. "activity_name", "duration").
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

// BadRequestError is a request the server refused (HTTP 400, or an "error"
// body on another status). Message is the server's explanation, if any.
type BadRequestError struct {
	StatusCode int
	Message    string
}

func (e *BadRequestError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("bad request (HTTP %d)", e.StatusCode)
	}
	return fmt.Sprintf("bad request (HTTP %d): %s", e.StatusCode, e.Message)
}

// PremiumRequiredError is a 400 from an endpoint only Premium accounts may
// use. It wraps a *BadRequestError, so errors.As finds either.
type PremiumRequiredError struct {
	Endpoint string
	Err      *BadRequestError
}

func (e *PremiumRequiredError) Error() string {
	msg := fmt.Sprintf("%s needs a RescueTime Premium account", e.Endpoint)
	if e.Err != nil && e.Err.Message != "" {
		msg += " (server said: " + e.Err.Message + ")"
	}
	return msg
}

func (e *PremiumRequiredError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// UnauthorizedError is a key or token the server did not accept: HTTP 401 or
// 403, or the "# key not found" body the real API sends with HTTP 200.
type UnauthorizedError struct {
	StatusCode int
	Message    string
}

func (e *UnauthorizedError) Error() string {
	switch {
	case strings.Contains(strings.ToLower(e.Message), "key not found"):
		// The real answer to a bad key comes with HTTP 200: a status that
		// says "fine" would only confuse.
		return "the API key was not recognised by RescueTime (it answered \"key not found\"); " +
			"check that the key is complete and still listed at https://www.rescuetime.com/anapi/manage"
	case e.StatusCode >= 200 && e.StatusCode < 300:
		return "the API key or access token was refused by RescueTime (it answered \"" + e.Message + "\"); check it"
	}
	msg := fmt.Sprintf("not authorized (HTTP %d)", e.StatusCode)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg + "; check the API key or access token"
}

// RateLimitedError is an HTTP 429. RetryAfter is the server's requested
// wait, zero when it gave none.
type RateLimitedError struct {
	RetryAfter time.Duration
	Message    string
}

func (e *RateLimitedError) Error() string {
	msg := "rate limited by the server (HTTP 429)"
	if e.RetryAfter > 0 {
		msg += "; retry after " + humanDuration(e.RetryAfter)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// ServerError is an HTTP 5xx, or another status the client does not expect.
type ServerError struct {
	StatusCode int
	Message    string
}

func (e *ServerError) Error() string {
	msg := fmt.Sprintf("server error (HTTP %d)", e.StatusCode)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// opError is what every Client call returns on failure: it names the call and
// records whether the server may have acted on it.
type opError struct {
	method   string
	endpoint string
	// applied reports whether the server may have acted on the request.
	applied bool
	err     error
}

func (e *opError) Error() string {
	return fmt.Sprintf("rescuetime %s %s: %v", e.method, e.endpoint, e.err)
}

func (e *opError) Unwrap() error { return e.err }

// MayHaveBeenApplied reports whether the request that failed with err may
// nevertheless have been carried out by the server. It is false for errors
// that prove the opposite (validation, a connection never made, 4xx answers
// including 429) and true for timeouts, lost connections and 5xx answers,
// where the server may have written before failing. It is false for a nil
// error and true for errors it does not recognise, so that an at-most-once
// writer stays on the safe side.
func MayHaveBeenApplied(err error) bool {
	if err == nil {
		return false
	}
	var op *opError
	if errors.As(err, &op) {
		return op.applied
	}
	var ve *ValidationError
	return !errors.As(err, &ve)
}

// neverSent reports whether a transport error proves the request never
// reached the server: the connection was refused, the name did not resolve,
// or the context ended before dialling finished.
func neverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// premiumWords finds a message about the account's plan, as whole words so
// that "literal" or "satellite" do not count.
var premiumWords = regexp.MustCompile(`(?i)\b(premium|lite|upgrade|subscription)\b`)

// isPremiumMessage reports whether a 400's message is about the account's
// plan rather than the request. A bare 400 does not count: the POST
// endpoints answer every error that way, and telling a Premium user to
// upgrade because one value was refused would send them the wrong way.
func isPremiumMessage(msg string) bool {
	return premiumWords.MatchString(msg)
}

// isAuthMessage reports whether an "error" body is about the credentials.
func isAuthMessage(msg string) bool {
	m := strings.ToLower(msg)
	for _, w := range []string{"key not found", "invalid key", "token", "unauthori", "not authorized", "revoked", "scope"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}
