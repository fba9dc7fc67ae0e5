package rtapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
)

// callNames say what a call to each endpoint was doing, for messages.
var callNames = map[string]string{
	"data":                   "read Analytic Data",
	"overview_data":          "read Analytic Data",
	"category_data":          "read Analytic Data",
	"productivity_data":      "read Analytic Data",
	"daily_summary_feed":     "read the daily summary feed",
	"alerts_feed":            "read the alerts feed",
	"highlights_feed":        "read the highlights feed",
	"focustime_started_feed": "read the FocusTime feed",
	"focustime_ended_feed":   "read the FocusTime feed",
	"highlights_post":        "post a highlight",
	"offline_time_post":      "post offline time",
	"start_focustime":        "start FocusTime",
	"end_focustime":          "end FocusTime",
	"token":                  "get an access token",
}

// Explain says what went wrong with a call in one or two plain sentences,
// for a person: what rtctl was doing, what happened, and what to do. It is
// err's text for an error that did not come from a Client call.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var op *opError
	if !errors.As(err, &op) {
		return err.Error()
	}
	what := callNames[op.endpoint]
	if what == "" {
		what = "call " + op.endpoint
	}
	return "Could not " + what + ": " + explainCause(op.err)
}

// IsCallError reports whether err (or an error it wraps) is the failure of
// a Client call, which Explain says in sentences of its own.
func IsCallError(err error) bool {
	var op *opError
	return errors.As(err, &op)
}

// explainCause says what happened, and what to do about it.
func explainCause(err error) string {
	var (
		te  *TimeoutError
		un  *UnauthorizedError
		pr  *PremiumRequiredError
		rl  *RateLimitedError
		se  *ServerError
		br  *BadRequestError
		ve  *ValidationError
		ua  *UnexpectedAnswerError
		ue  *url.Error
		noe *net.OpError
	)
	switch {
	case errors.As(err, &te), errors.As(err, &un), errors.As(err, &pr):
		return sentence(err.Error())
	case errors.Is(err, context.Canceled):
		return "it was interrupted."
	case errors.As(err, &rl):
		return sentence(rl.Error()) + " Try again later, or lower --rate."
	case errors.As(err, &se):
		msg := fmt.Sprintf("RescueTime answered with a server error (HTTP %d)", se.StatusCode)
		if se.Message != "" {
			msg += ": " + se.Message
		}
		return sentence(msg) + " Try again later."
	case errors.As(err, &br):
		msg := fmt.Sprintf("RescueTime refused it (HTTP %d)", br.StatusCode)
		if br.Message != "" {
			msg += ": " + br.Message
		}
		return sentence(msg)
	case errors.As(err, &ve):
		return sentence(ve.Error())
	case errors.As(err, &ua):
		return sentence(ua.Error()) + " A proxy, a captive portal or a maintenance page may be in the way."
	case errors.Is(err, ErrResponseTooLarge):
		return sentence(err.Error()) + " Ask for a shorter range."
	case errors.As(err, &noe) && noe.Op == "dial" && noe.Addr == nil:
		// The name did not resolve, so there is no address to name: the
		// host is in the request's URL (whose query, holding the key,
		// is left out).
		var dns *net.DNSError
		if errors.As(err, &dns) {
			why := dns.Err
			if dns.IsTimeout {
				why = "the name server did not answer"
			}
			return sentence(fmt.Sprintf("could not find the host %s (%s)", dns.Name, why)) + " Check its spelling in --endpoint, and the network connection."
		}
		return sentence(fmt.Sprintf("could not connect to %s (%s)", requestHost(err), unwrapAll(noe.Err))) + " Check the network connection, and --endpoint if you set one."
	case errors.As(err, &noe) && noe.Op == "dial":
		return sentence(fmt.Sprintf("could not connect to %s (%s)", noe.Addr, unwrapAll(noe.Err))) + " Check the network connection, and --endpoint if you set one."
	case errors.As(err, &ue):
		return sentence(unwrapAll(ue.Err).Error()) + " Check the network connection."
	}
	return sentence(err.Error())
}

// requestHost is the host err's request went to, or "the server".
func requestHost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return u.Host
		}
	}
	return "the server"
}

// answered says in a few words what a failed attempt got, for the retry
// line of the log.
func answered(err error) string {
	var (
		rl *RateLimitedError
		se *ServerError
		te *TimeoutError
	)
	switch {
	case errors.As(err, &rl):
		return "RescueTime asked to slow down (HTTP 429)"
	case errors.As(err, &se):
		return fmt.Sprintf("RescueTime answered %d", se.StatusCode)
	case errors.As(err, &te):
		return "RescueTime did not answer in time"
	}
	return "RescueTime could not be reached (" + unwrapAll(err).Error() + ")"
}

// unwrapAll is the innermost error of a chain: the one that says what
// happened, without the layers that say where.
func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// sentence ends s with a full stop: it follows "Could not ...: ", so it
// keeps its lower-case start.
func sentence(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), ".")
	if s == "" {
		return s
	}
	return s + "."
}

// ServerFailing reports whether err says the server, or the way to it, is
// failing rather than refusing one request: a 5xx, no answer in time, an
// answer that is not the API's, a 429 past its wait, a rejected key, a
// connection that broke. An apply stops sending after a run of these.
func ServerFailing(err error) bool {
	if err == nil {
		return false
	}
	var (
		se *ServerError
		te *TimeoutError
		ua *UnexpectedAnswerError
		rl *RateLimitedError
		un *UnauthorizedError
		ne net.Error
	)
	return errors.As(err, &se) || errors.As(err, &te) || errors.As(err, &ua) || errors.As(err, &rl) ||
		errors.As(err, &un) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF)
}
