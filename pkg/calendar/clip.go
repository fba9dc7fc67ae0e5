package calendar

import "fmt"

// A calendar is untrusted input (anyone who can invite the account's owner
// writes into it), and its errors end up in plans and CI comments: no
// message may quote an input in full, a 100 KB TZID say.
const (
	maxQuoted  = 100 // characters of one input a message quotes
	maxMessage = 500 // bytes of a message from a library, which quotes as it likes
)

// clip shortens an input quoted in a message to maxQuoted characters,
// marking the cut with an ellipsis.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == maxQuoted {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// clipMessage shortens a whole message to about maxMessage bytes, on a
// character boundary.
func clipMessage(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes)", s[:cut], len(s)-cut)
}

// clippedError is an error whose message is clipped, still unwrapping to
// the original.
type clippedError struct{ err error }

func (e clippedError) Error() string { return clipMessage(e.err.Error()) }
func (e clippedError) Unwrap() error { return e.err }
