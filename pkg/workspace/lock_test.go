package workspace

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
	"github.com/rtctl/rtctl/pkg/sandbox"
)

// halfIntent is the start of an intent line, as an apply killed in the
// middle of its write leaves it, or as an apply still writing shows it.
const halfIntent = `{"time":"2026-11-20T18:00:00Z","type":"intent","key":"highlight:half`

// appliedWorld is a configuration whose journal, bound to key-a, records
// one uncertain highlight (its answer was lost), ready for every journal
// command to have something to do; and the workspaces of key-a and key-b.
func appliedWorld(t *testing.T) (dir string, a, b *Workspace) {
	t.Helper()
	dir, endpoint, emu := world(t)
	if err := emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "highlights_post", LoseResponses: 1}}}); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	a = open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Now: testNow, StateDir: state})
	b = open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-b")}, Now: testNow, StateDir: state})
	if _, err := a.Apply(context.Background(), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir, a, b
}

// holdAccount takes the locks an apply of ws's account holds, the
// account's in the configuration and the state directory and the journal's,
// until the test ends.
func holdAccount(t *testing.T, ws *Workspace) {
	t.Helper()
	locks, err := ws.lock(context.Background(), 0, "rtctl apply (held by the test)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locks.Release() })
}

// TestJournalCommandsWaitForTheLock runs each command that writes a journal
// while an apply of the account holds its lock, with an intent half written
// at the journal's end: each is refused as locked, and the journal is left
// byte for byte, the apply's half-written intent included.
func TestJournalCommandsWaitForTheLock(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// hold takes the lock the command must wait for.
		hold func(t *testing.T, dir string, a, b *Workspace)
		run  func(dir string, a, b *Workspace) error
	}{
		{
			name: "rotate-key",
			hold: func(t *testing.T, _ string, a, _ *Workspace) { holdAccount(t, a) },
			run: func(_ string, _, b *Workspace) error {
				_, err := b.RotateKey(ctx, "")
				return err
			},
		},
		{
			name: "new-account",
			// Another apply of key-b, with its journal elsewhere, holds
			// key-b's account lock.
			hold: func(t *testing.T, dir string, _, b *Workspace) {
				acct, err := b.JournalAccount()
				if err != nil {
					t.Fatal(err)
				}
				l, err := journal.Acquire(ctx, filepath.Join(dir, ".rtctl", accountLockName(acct)), journal.AcquireOptions{Command: "rtctl apply --journal elsewhere"})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { l.Release() })
			},
			run: func(_ string, _, b *Workspace) error {
				_, err := b.NewAccountJournal(ctx)
				return err
			},
		},
		{
			name: "repair",
			hold: func(t *testing.T, _ string, a, _ *Workspace) { holdAccount(t, a) },
			run: func(dir string, a, _ *Workspace) error {
				_, err := a.RepairJournal(ctx, journal.DefaultPath(dir))
				return err
			},
		},
		{
			name: "confirm",
			hold: func(t *testing.T, _ string, a, _ *Workspace) { holdAccount(t, a) },
			run: func(_ string, a, _ *Workspace) error {
				_, err := a.Confirm(ctx, []string{"highlight.release"})
				return err
			},
		},
		{
			name: "forget",
			hold: func(t *testing.T, _ string, a, _ *Workspace) { holdAccount(t, a) },
			run: func(_ string, a, _ *Workspace) error {
				_, err := a.Forget(ctx, ForgetOptions{Addresses: []string{"highlight.release"}})
				return err
			},
		},
		{
			name: "apply",
			hold: func(t *testing.T, _ string, a, _ *Workspace) { holdAccount(t, a) },
			run: func(_ string, a, _ *Workspace) error {
				_, err := a.Apply(ctx, ApplyOptions{RetryUncertain: true})
				return err
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, a, b := appliedWorld(t)
			path := journal.DefaultPath(dir)
			tc.hold(t, dir, a, b)
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString(halfIntent); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, filepath.Join(dir, ".rtctl"))
			err = tc.run(dir, a, b)
			if !errors.Is(err, journal.ErrLocked) {
				t.Errorf("%s while the account's lock is held: %v, want it refused as locked", tc.name, err)
			}
			if after := snapshot(t, filepath.Join(dir, ".rtctl")); !equalJournals(before, after) {
				t.Errorf("%s changed the journals while the lock was held:\nbefore %q\nafter  %q", tc.name, before, after)
			}
		})
	}
}

// snapshot is the content of every journal in dir, by name.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "journal*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = string(b)
	}
	return out
}

func equalJournals(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestSandboxApplyNeverRunsUnlocked puts what no lock can be taken on where
// the sandbox journal's lock file belongs: the apply fails saying so, and
// posts nothing, rather than run without a lock.
func TestSandboxApplyNeverRunsUnlocked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, lockPath string)
	}{
		{"directory", func(t *testing.T, p string) {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
		{"symlink", func(t *testing.T, p string) {
			if err := os.Symlink(filepath.Join(t.TempDir(), "elsewhere.lock"), p); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _, _ := world(t)
			if err := os.MkdirAll(filepath.Join(dir, ".rtctl"), 0o700); err != nil {
				t.Fatal(err)
			}
			lockPath := journal.LockPath(SandboxJournalPath(dir))
			tc.plant(t, lockPath)
			ws := open(t, dir, Options{Account: Account{Sandbox: true}, Sandbox: sandbox.Open, Now: testNow, StateDir: t.TempDir()})
			res, err := ws.Apply(context.Background(), ApplyOptions{})
			if err == nil || !strings.Contains(err.Error(), lockPath) {
				t.Fatalf("sandbox apply with %s as its lock file: %v (sent %+v), want an error naming the lock file", tc.name, err, res)
			}
			if b, err := os.ReadFile(SandboxJournalPath(dir)); err == nil && bytes.Contains(b, []byte(`"intent"`)) {
				t.Errorf("the sandbox apply ran unlocked: its journal holds\n%s", b)
			}
		})
	}
}
