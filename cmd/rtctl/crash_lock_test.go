package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// postGate holds every POST the emulator receives until it is opened, so
// that an apply can be held mid-run, its locks taken, for as long as a
// test needs: no signal and no timing decide when it stops.
type postGate struct {
	next     http.Handler
	arrived  chan struct{} // closed at the first POST
	open     chan struct{}
	once     sync.Once
	openOnce sync.Once
}

func newPostGate(next http.Handler) *postGate {
	return &postGate{next: next, arrived: make(chan struct{}), open: make(chan struct{})}
}

func (g *postGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "_post") {
		g.once.Do(func() { close(g.arrived) })
		select {
		case <-g.open:
		case <-r.Context().Done():
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

func (g *postGate) release() { g.openOnce.Do(func() { close(g.open) }) }

// TestJournalWritersAreRefusedWhileAnApplyOfTheAccountRuns holds an apply
// of the account mid-run (its first POST waits at a gate), on one of its
// two journals in .rtctl: the configuration's, or another given with
// RTCTL_JOURNAL, as a second copy of a scheduled job would. Every command
// that writes a journal is then run on each journal of the account (the
// configuration's, the other by RTCTL_JOURNAL or --journal, and one not
// started yet): the lock is the account's, so each must be refused for
// it, saying so, and write nothing. The crash campaign's lock probe once
// saw, on a run of the other journal, adopt and forget fail for another
// reason and repair pass.
func TestJournalWritersAreRefusedWhileAnApplyOfTheAccountRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	const (
		config = "journal.jsonl"
		other  = "journal.other.jsonl"
		fresh  = "journal.fresh.jsonl" // never started
	)
	for _, tc := range []struct {
		holder, writers string // the journals, in .rtctl
		flag            bool   // writers name theirs with --journal, not RTCTL_JOURNAL
	}{
		{holder: config, writers: config},
		{holder: config, writers: other},
		{holder: config, writers: other, flag: true},
		{holder: config, writers: fresh},
		{holder: other, writers: other},
		{holder: other, writers: config},
		{holder: other, writers: config, flag: true},
		{holder: other, writers: fresh},
	} {
		name := "apply on " + tc.holder + ", writers on " + tc.writers
		if tc.flag {
			name += " by --journal"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newCrashWorld(t, 10, 10)
			path := func(name string) string { return filepath.Join(w.dir, ".rtctl", name) }
			// The runs without RTCTL_JOURNAL use the configuration's.
			env := func(name string) string {
				if name == config {
					return ""
				}
				return path(name)
			}
			// Both journals are started and bound to the account: the
			// configuration's first, so that it stays the one the runs
			// without RTCTL_JOURNAL take.
			for _, j := range []struct{ name, target string }{{config, "offline_time.b0"}, {other, "highlight.h0"}} {
				w.journalPath = env(j.name)
				if out, err := w.command("apply", "--auto-approve", "--rate", "0", "--target", j.target).CombinedOutput(); err != nil {
					t.Fatalf("apply --target %s on %s: %v\n%s", j.target, j.name, err, out)
				}
			}
			fp := w.fingerprint(path(config))

			gate := newPostGate(w.emu)
			t.Cleanup(gate.release)
			w.gate.Store(gate)
			w.journalPath = env(tc.holder)
			apply := w.command("apply", "--auto-approve", "--rate", "0", "--parallelism", "1")
			var applyOut bytes.Buffer
			apply.Stdout, apply.Stderr = &applyOut, &applyOut
			if err := apply.Start(); err != nil {
				t.Fatal(err)
			}
			waited := make(chan error, 1)
			go func() { waited <- apply.Wait() }()
			select {
			case <-gate.arrived:
			case err := <-waited:
				t.Fatalf("apply ended before its first POST: %v\n%s", err, applyOut.String())
			}
			// The held apply may go on writing its own intents (those it
			// queues behind the held POST): its lines are told by its run.
			applyRun := fmt.Sprintf("-%d", apply.Process.Pid)
			before := map[string][]byte{}
			for _, name := range []string{config, other} {
				b, err := os.ReadFile(path(name))
				if err != nil {
					t.Fatal(err)
				}
				before[name] = b
			}

			w.journalPath = env(tc.writers)
			commands := [][]string{
				{"journal", "confirm", "offline_time.b0"},
				{"journal", "adopt", "--present"},
				{"journal", "adopt", "highlight.h1"},
				{"forget", "highlight.h0"},
				{"journal", "repair"},
				{"journal", "new-account"},
			}
			if tc.writers != fresh {
				// A journal not started has no key to rotate from.
				commands = append(commands, []string{"journal", "rotate-key", "--from", fp})
			}
			for _, args := range commands {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				cmd := w.commandContext(ctx, args...)
				if tc.flag {
					cmd.Env = withoutVar(cmd.Env, "RTCTL_JOURNAL")
					cmd.Args = append(cmd.Args, "--journal", path(tc.writers))
				}
				if args[1] == "rotate-key" {
					// The new key of the account, which the journal would
					// follow were it not refused.
					cmd.Env = append(cmd.Env, "RESCUETIME_API_KEY="+crashOtherKey)
				}
				out, err := cmd.CombinedOutput()
				cancel()
				if err == nil || !strings.Contains(string(out), "journal is locked") {
					t.Errorf("rtctl %s while an apply of the account holds its lock: %v, want it refused for the lock\n%s", strings.Join(args, " "), err, out)
				}
				for name, b := range before {
					after, err := os.ReadFile(path(name))
					if err != nil {
						t.Fatal(err)
					}
					if err := onlyAppendedBy(b, after, applyRun); err != nil {
						t.Errorf("rtctl %s wrote %s while an apply of the account held its lock: %v", strings.Join(args, " "), name, err)
					}
					before[name] = after
				}
				if _, err := os.Stat(path(fresh)); err == nil {
					t.Errorf("rtctl %s started %s while an apply of the account held its lock", strings.Join(args, " "), fresh)
				}
			}
			gate.release()
			if err := <-waited; err != nil {
				t.Errorf("the held apply: %v\n%s", err, applyOut.String())
			}
		})
	}
}

// onlyAppendedBy checks that after is before with lines appended by the
// run whose name ends with runSuffix, and nothing else.
func onlyAppendedBy(before, after []byte, runSuffix string) error {
	rest, ok := bytes.CutPrefix(after, before)
	if !ok {
		return errors.New("what was there is no longer as it was")
	}
	for _, line := range bytes.SplitAfter(rest, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var e struct{ Run string }
		if err := json.Unmarshal(line, &e); err != nil || !strings.HasSuffix(e.Run, runSuffix) {
			return fmt.Errorf("a line not of the held apply's run: %q", line)
		}
	}
	return nil
}

// withoutVar is env without the variable name.
func withoutVar(env []string, name string) []string {
	var out []string
	for _, v := range env {
		if !strings.HasPrefix(v, name+"=") {
			out = append(out, v)
		}
	}
	return out
}
