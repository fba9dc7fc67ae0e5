package main

import (
	"io"
	"testing"
)

// TestEscapesOnlyWhereTheTerminalTakesThem: colour and the updating progress
// line are ANSI escape sequences, which a Windows console shows as litter
// unless its virtual terminal processing is on. They are used only on a
// terminal that takes them (env.ansi: on Windows, one where rtctl could
// turn that processing on), where a terminal was enough.
func TestEscapesOnlyWhereTheTerminalTakesThem(t *testing.T) {
	for _, tc := range []struct {
		name           string
		terminal, ansi bool
		noColorEnv     string
		colour, update bool
	}{
		{"a terminal that takes escapes", true, true, "", true, true},
		{"a console without virtual terminal processing", true, false, "", false, false},
		{"not a terminal", false, true, "", false, false},
		{"NO_COLOR", true, true, "1", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{
				getenv:     func(k string) string { return map[string]string{"NO_COLOR": tc.noColorEnv}[k] },
				isTerminal: func(any) bool { return tc.terminal },
				ansi:       func(any) bool { return tc.ansi },
			}
			if got := diagColor(e, false, io.Discard); got != tc.colour {
				t.Errorf("colour %v, want %v", got, tc.colour)
			}
			if got := e.ansiTerminal(io.Discard); got != tc.update {
				t.Errorf("updating progress line %v, want %v", got, tc.update)
			}
		})
	}
}
