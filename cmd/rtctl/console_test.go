package main

import (
	"strings"
	"testing"
)

// On a terminal the console prompts, continues an open bracket with
// "... ", and goes on after an error without failing.
func TestConsoleOnATerminal(t *testing.T) {
	e, out, _, dir := terminalEnv(t, "local.nope\n[1,\n2]\n")
	if code := run([]string{"console", dir}, e); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"Error\x1b[0m: Reference to undeclared local value", "\n> ... [1, 2]", "[1, 2]\n> \n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
