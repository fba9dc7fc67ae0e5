package views

import "unicode/utf8"

// fitLine cuts an updating line to a terminal width columns wide (0: not
// known, left whole). It keeps off the last column, where a terminal wraps:
// a wrapped line leaves its first part behind, since the next update's
// carriage return only goes back to the start of the second. A cut line
// ends in "…". Columns are counted as runes, as the plan's wrapping does.
func fitLine(s string, width int) string {
	limit := width - 1
	if width <= 0 || utf8.RuneCountInString(s) <= limit {
		return s
	}
	if limit <= 1 {
		return ""
	}
	r := []rune(s)
	return string(r[:limit-1]) + "…"
}
