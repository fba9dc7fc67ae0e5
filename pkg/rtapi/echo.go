package rtapi

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxEcho is how many characters of a server's text (a body, a header, a
// value in a feed) an error message repeats: enough to recognise it, never
// a page of it.
const maxEcho = 200

// clip prepares text that came from a server for an error message: control
// and formatting characters (terminal escapes, bidirectional overrides)
// become spaces, runs of spaces one, and it is cut at maxEcho characters
// with "..." when longer; bytes that are not UTF-8 become '?'. Callers
// remove secrets before clipping, so that a secret is never cut in half and
// half-shown.
func clip(s string) string {
	var b strings.Builder
	n := 0
	pendingSpace := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			pendingSpace = n > 0
			continue
		}
		if pendingSpace {
			// A space is worth showing only with something after it.
			if n+1 >= maxEcho {
				return b.String() + "..."
			}
			b.WriteByte(' ')
			n++
			pendingSpace = false
		}
		if n >= maxEcho {
			return b.String() + "..."
		}
		if r == utf8.RuneError {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// humanDuration writes a wait or a limit for people: "4 s", "90 s",
// "2 min", "5 h", "3 days", "more than a year". Seconds are rounded up, so
// that a wait is never understated; the larger units are rounded.
func humanDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0 s"
	case d < 2*time.Minute:
		return fmt.Sprintf("%d s", (d+time.Second-1)/time.Second)
	case d < 2*time.Hour:
		return fmt.Sprintf("%d min", int64(math.Round(d.Minutes())))
	case d < 72*time.Hour:
		return fmt.Sprintf("%d h", int64(math.Round(d.Hours())))
	case d < 365*24*time.Hour:
		return fmt.Sprintf("%d days", int64(math.Round(d.Hours()/24)))
	}
	return "more than a year"
}
