// Package clip shortens text taken from input before it is echoed in an
// error or a log line: a damaged or hostile file, answer or header must not
// fill a terminal or a CI log, and the start of a value is what a person
// needs to recognise it.
package clip

import "unicode/utf8"

// DefaultMax is the length String keeps when given no other.
const DefaultMax = 100

// String returns s cut to at most max bytes (DefaultMax when max is not
// positive) on a character boundary, with "…" appended when it was cut.
func String(s string, max int) string {
	if max <= 0 {
		max = DefaultMax
	}
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
