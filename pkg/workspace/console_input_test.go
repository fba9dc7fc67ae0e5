package workspace

import "testing"

// TestConsoleInput: an expression goes on to the next line while a
// bracket, brace, parenthesis, template or heredoc is open, and a line of
// comments and blanks is no expression.
func TestConsoleInput(t *testing.T) {
	for _, tc := range []struct {
		src         string
		open, empty bool
	}{
		{"today()", false, false},
		{"[for e in data.ical.work.events :", true, false},
		{"{\n a = 1\n}", false, false},
		{"\"${var.x", true, false},
		{"  # a comment\n", false, true},
		{"", false, true},
		{"<<EOT\nhi\n", true, false},
	} {
		open, empty := ConsoleInput(tc.src)
		if open != tc.open || empty != tc.empty {
			t.Errorf("ConsoleInput(%q) = open %v, empty %v; want %v, %v", tc.src, open, empty, tc.open, tc.empty)
		}
	}
}
