package clip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven chars", 10, "eleven cha…"},
		{"ääääää", 5, "ää…"}, // never a broken character
		{strings.Repeat("x", 200), 0, strings.Repeat("x", DefaultMax) + "…"},
	} {
		got := String(tc.in, tc.max)
		if got != tc.want {
			t.Errorf("String(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("String(%q, %d) = %q is not valid UTF-8", tc.in, tc.max, got)
		}
	}
}
