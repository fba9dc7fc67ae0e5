//go:build unix

package main

import (
	"bufio"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// TestSecondSignal sends a real apply a second SIGINT, and a second
// SIGTERM, while POSTs are in flight: each ends the process at once with
// the exit code the README's table gives it, after the lines the view held
// back and a summary that names the POSTs abandoned and what to do next;
// the [n/N] counter never starts again at 1 (issue 24, item 7).
func TestSecondSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		what string
	}{
		{syscall.SIGINT, exitAbandoned, "Interrupted again"},
		{syscall.SIGTERM, exitAbandonedTerm, "Terminated again"},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			w := newCrashWorld(t, 30, 30)
			if err := w.emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{
				{Path: "offline_time_post", Latency: emulator.Duration(300 * time.Millisecond)},
				{Path: "highlights_post", Latency: emulator.Duration(300 * time.Millisecond)},
			}}); err != nil {
				t.Fatal(err)
			}
			cmd := w.command("apply", "--auto-approve", "--rate", "0", "--parallelism", "4")
			pipe, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = cmd.Stdout
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			first, second := false, false
			sc := bufio.NewScanner(pipe)
			for sc.Scan() {
				line := sc.Text()
				out.WriteString(line + "\n")
				switch {
				case strings.HasSuffix(line, ": created") && !first:
					first = true
					if err := cmd.Process.Signal(tc.sig); err != nil {
						t.Error(err)
					}
				case strings.HasPrefix(line, "Stopping:") && strings.Contains(line, "in flight") && !second:
					second = true
					if err := cmd.Process.Signal(tc.sig); err != nil {
						t.Error(err)
					}
				}
			}
			werr := cmd.Wait()
			w.waitQuiet()
			if !second {
				t.Fatalf("the apply never said it waited for POSTs in flight:\n%s", out.String())
			}
			var ee *exec.ExitError
			if !errors.As(werr, &ee) || ee.ExitCode() != tc.code {
				t.Errorf("after a second %s the apply exited with %v, want %d\n%s", tc.sig, werr, tc.code, out.String())
			}
			for _, want := range []string{tc.what + ": abandoned the ", "rtctl apply", "uncertain"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("no %q in the summary of what the second signal abandoned:\n%s", want, out.String())
				}
			}
			last := 0
			for _, line := range strings.Split(out.String(), "\n") {
				if strings.Contains(line, " again: ") {
					t.Log(line)
				}
				var n, total int
				if _, err := fmt.Sscanf(line, "[%d/%d]", &n, &total); err != nil {
					continue
				}
				if n != last+1 {
					t.Errorf("the counter went from %d to %d: %q", last, n, line)
				}
				last = n
			}
		})
	}
}
