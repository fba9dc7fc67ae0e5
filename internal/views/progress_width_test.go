package views

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rtctl/rtctl/pkg/plan"
)

// TestProgressLineFitsTheTerminal: the updating progress line is cut to the
// terminal's width (less its last column, where a terminal wraps), so that
// a long address does not wrap it onto a second line that the next
// update's carriage return no longer reaches. Without a known width it is
// left whole.
func TestProgressLineFitsTheTerminal(t *testing.T) {
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	long := `offline_time.calendar["` + strings.Repeat("x", 100) + `"]`
	for _, tc := range []struct {
		width, max int
	}{
		{40, 39},
		{10, 9},
		{0, 1000},
	} {
		var out bytes.Buffer
		v := NewApplyText(&out, ApplyTextOptions{Terminal: true, Width: tc.width, Now: func() time.Time { return now }, Stderr: &out})
		todo := []plan.Action{{Address: long}}
		v.Run(todo)
		out.Reset()
		v.Start(todo[0])
		line := strings.TrimPrefix(out.String(), "\r\x1b[K")
		if n := utf8.RuneCountInString(line); n > tc.max {
			t.Errorf("width %d: the progress line is %d columns: %q", tc.width, n, line)
		}
		if !strings.HasPrefix(line, "[0/1] ") {
			t.Errorf("width %d: the progress line %q lost its count", tc.width, line)
		}
		if tc.width == 0 && !strings.HasSuffix(line, long) {
			t.Errorf("no width: the progress line %q was cut", line)
		}
	}
}
