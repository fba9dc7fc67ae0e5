package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/backend"
	gitbackend "github.com/rtctl/rtctl/pkg/backend/git"
	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// remoteJournal reads the journal the server holds for ws's account; ""
// when it holds none.
func remoteJournal(t *testing.T, srv *gittest.Server, ws *Workspace) string {
	t.Helper()
	acct, err := ws.JournalAccount()
	if err != nil {
		t.Fatal(err)
	}
	ref := gitbackend.JournalRef(accountLockName(acct))
	if srv.Ref(t, ref) == "" {
		return ""
	}
	return srv.File(t, ref, "journal.jsonl")
}

// readJournalText reads a journal held as text.
func readJournalText(t *testing.T, text string) (*journal.State, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "journal.jsonl")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return journal.Read(p)
}

// TestGitBackendRepairReachesTheRemote damages the journal on the remote
// (a line in the middle no longer matches its checksum): every machine's
// plan stops on it; rtctl journal repair on one machine repairs it under
// the lease and pushes it, so the other machine plans again, and the
// item the damaged line named is not posted again.
func TestGitBackendRepairReachesTheRemote(t *testing.T) {
	_, endpoint, emu := world(t)
	srv := gittest.NewServer(t, 0)
	ctx := context.Background()
	laptop := gitMachine(t, srv.URL, endpoint, testConfig)
	ci := gitMachine(t, srv.URL, endpoint, testConfig)
	if _, err := laptop.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	acct, err := laptop.JournalAccount()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(remoteJournal(t, srv, laptop), "\n")
	if len(lines) < 3 {
		t.Fatalf("the remote journal has %d lines, want its binding, an intent and an outcome", len(lines))
	}
	lines[1] = strings.Replace(lines[1], "Shipped", "Sh1pped", 1)
	if !strings.Contains(lines[1], "Sh1pped") {
		lines[1] = strings.Replace(lines[1], `"intent"`, `"intenT"`, 1)
	}
	srv.SetFile(t, gitbackend.JournalRef(accountLockName(acct)), "journal.jsonl", []byte(strings.Join(lines, "")))
	var de *journal.DamagedError
	if _, err := ci.Plan(ctx, PlanOptions{}); !errors.As(err, &de) {
		t.Fatalf("plan over a damaged remote journal = %v, want a *journal.DamagedError", err)
	}

	path, err := ci.JournalPath()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ci.RepairJournal(ctx, path)
	if err != nil {
		t.Fatalf("repair with the git backend: %v", err)
	}
	if len(rep.Damaged) != 1 {
		t.Errorf("repair set %v aside, want the one damaged line", rep.Damaged)
	}
	if _, err := readJournalText(t, remoteJournal(t, srv, ci)); err != nil {
		t.Fatalf("the remote journal after repair: %v", err)
	}
	r, err := laptop.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatalf("the other machine's plan after the repair: %v", err)
	}
	if n := len(r.Plan.ToCreate()); n != 0 {
		t.Errorf("after the repair the other machine would post %d items again", n)
	}
	if srv.Ref(t, gitbackend.LockRef(accountLockName(acct))) != "" {
		t.Error("repair left the lock on the remote")
	}
	if acct, _ := emu.Record().Account("key-a"); len(acct.Highlights) != 1 {
		t.Errorf("%d highlights posted, want 1", len(acct.Highlights))
	}
}

// TestGitBackendNewAccount starts the journal of another account on its
// own ref of the remote, bound to it; a second time is refused.
func TestGitBackendNewAccount(t *testing.T) {
	_, endpoint, _ := world(t)
	srv := gittest.NewServer(t, 0)
	ctx := context.Background()
	a := gitMachine(t, srv.URL, endpoint, testConfig)
	if _, err := a.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	b := gitMachineWith(t, srv.URL, endpoint, testConfig, machineOpts{key: "key-b"})
	if _, err := b.NewAccountJournal(ctx); err != nil {
		t.Fatalf("new-account with the git backend: %v", err)
	}
	text := remoteJournal(t, srv, b)
	p := filepath.Join(t.TempDir(), "j.jsonl")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	bound, ok, err := journal.Binding(p)
	want, _ := b.JournalAccount()
	if err != nil || !ok || !bound.Same(want) {
		t.Fatalf("the remote journal of key-b is bound to %v (%v, %v), want %v:\n%s", bound, ok, err, want, text)
	}
	if _, err := b.NewAccountJournal(ctx); err == nil || !strings.Contains(err.Error(), "already is the journal") {
		t.Errorf("a second new-account = %v, want it refused", err)
	}
}

// TestGitBackendRotateKey lets the journal of key-a on the remote follow
// key-b (the same account, a new key): a machine with key-b finds what
// key-a applied and posts nothing again; the old key's ref is rebound too,
// so a run with the old key is refused instead of starting afresh.
func TestGitBackendRotateKey(t *testing.T) {
	_, endpoint, _ := world(t)
	srv := gittest.NewServer(t, 0)
	ctx := context.Background()
	old := gitMachine(t, srv.URL, endpoint, testConfig)
	if _, err := old.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	rotated := gitMachineWith(t, srv.URL, endpoint, testConfig, machineOpts{key: "key-b"})
	j, err := rotated.RotateKey(ctx, "")
	if err != nil {
		t.Fatalf("rotate-key with the git backend: %v", err)
	}
	oldAcct, _ := old.JournalAccount()
	if !j.Account.Same(oldAcct) {
		t.Errorf("rotate-key moved the journal of %v, want key-a's %v", j.Account, oldAcct)
	}
	st, err := readJournalText(t, remoteJournal(t, srv, rotated))
	if err != nil {
		t.Fatal(err)
	}
	newAcct, _ := rotated.JournalAccount()
	if bound, ok := st.Account(); !ok || !bound.Same(newAcct) {
		t.Errorf("the new key's journal on the remote is bound to %v, want %v", bound, newAcct)
	}
	var applied bool
	for _, rec := range st.Records() {
		applied = applied || rec.Address == "highlight.release" && rec.Result == journal.Applied
	}
	if !applied {
		t.Errorf("the new key's journal on the remote lacks what key-a applied: %+v", st.Records())
	}
	r, err := rotated.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatalf("plan with the new key: %v", err)
	}
	if n := len(r.Plan.ToCreate()); n != 0 {
		t.Errorf("with the new key the plan would post %d items again", n)
	}
	// The old key's ref holds the journal bound to the new key: a run with
	// the old key is refused, as with the local backend.
	var ae *journal.AccountError
	if _, err := old.Plan(ctx, PlanOptions{}); !errors.As(err, &ae) {
		t.Errorf("plan with the old key after rotate-key = %v, want a *journal.AccountError", err)
	}
	if _, err := rotated.RotateKey(ctx, ""); err == nil || !strings.Contains(err.Error(), "nothing to rotate") {
		t.Errorf("rotate-key again = %v, want nothing to rotate", err)
	}
}

// TestGitBackendJournalCommandsRefuseWithoutTheLease is
// TestJournalCommandsWaitForTheLock with the git backend: while another
// machine holds the account's lease, every command that writes its journal
// is refused with who holds it and how to force-unlock it, and the
// remote's refs (journals and locks, of both keys) and the account are
// left as they were.
func TestGitBackendJournalCommandsRefuseWithoutTheLease(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// holdKey is the key whose lease another machine holds.
		holdKey string
		run     func(a, b *Workspace) error
	}{
		{"rotate-key", "key-a", func(_, b *Workspace) error { _, err := b.RotateKey(ctx, ""); return err }},
		{"new-account", "key-b", func(_, b *Workspace) error { _, err := b.NewAccountJournal(ctx); return err }},
		{"repair", "key-a", func(a, _ *Workspace) error {
			p, err := a.JournalPath()
			if err != nil {
				return err
			}
			_, err = a.RepairJournal(ctx, p)
			return err
		}},
		{"confirm", "key-a", func(a, _ *Workspace) error { _, err := a.Confirm(ctx, []string{"highlight.release"}); return err }},
		{"adopt", "key-a", func(a, _ *Workspace) error {
			_, err := a.Adopt(ctx, AdoptOptions{Addresses: []string{"highlight.release"}})
			return err
		}},
		{"forget", "key-a", func(a, _ *Workspace) error {
			_, err := a.Forget(ctx, ForgetOptions{Addresses: []string{"highlight.release"}})
			return err
		}},
		{"apply", "key-a", func(a, _ *Workspace) error {
			_, err := a.Apply(ctx, ApplyOptions{Rate: unlimited(), RetryUncertain: true})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, endpoint, emu := world(t)
			if err := emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "highlights_post", LoseResponses: 1}}}); err != nil {
				t.Fatal(err)
			}
			srv := gittest.NewServer(t, 0)
			a := gitMachine(t, srv.URL, endpoint, testConfig)
			if _, err := a.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
				t.Fatal(err)
			}
			b := gitMachineWith(t, srv.URL, endpoint, testConfig, machineOpts{key: "key-b"})
			holder := gitMachineWith(t, srv.URL, endpoint, testConfig, machineOpts{key: tc.holdKey, host: "holder"})
			// key-b has no journal yet: its holder is a new-account, as an
			// apply would be refused before it holds anything.
			command := "rtctl apply"
			if tc.holdKey == "key-b" {
				command = "rtctl journal new-account"
			}
			locks, err := holder.lock(ctx, 0, command)
			if err != nil {
				t.Fatal(err)
			}
			defer locks.Release()
			refs := func() map[string]string {
				out := map[string]string{}
				for _, ws := range []*Workspace{a, b} {
					acct, _ := ws.JournalAccount()
					for _, ref := range []string{gitbackend.JournalRef(accountLockName(acct)), gitbackend.LockRef(accountLockName(acct))} {
						out[ref] = srv.Ref(t, ref)
					}
				}
				return out
			}
			before := refs()
			count := func() int {
				n := 0
				for _, k := range []string{"key-a", "key-b"} {
					acct, _ := emu.Record().Account(k)
					n += len(acct.Highlights)
				}
				return n
			}
			posted := count()
			err = tc.run(a, b)
			var le *backend.LockedError
			if !errors.As(err, &le) {
				t.Fatalf("%s while another machine holds the lease: %v, want a *backend.LockedError", tc.name, err)
			}
			if le.Info.Host != "holder" || le.Info.ID == "" || !strings.Contains(err.Error(), "rtctl force-unlock "+le.Info.ID) {
				t.Errorf("the refusal does not say who holds the lock and how to remove it: %v", err)
			}
			if diff := cmp.Diff(before, refs()); diff != "" {
				t.Errorf("%s moved the remote's refs while refused (-before +after):\n%s", tc.name, diff)
			}
			if now := count(); now != posted {
				t.Errorf("%s posted while refused: %d highlights, were %d", tc.name, now, posted)
			}
		})
	}
}

// TestGitBackendAnotherKeyIsNotStartedAfresh: the remote holds key-a's
// journal and none of key-b. A run with key-b may be key-a's account with a
// rotated key, whose journal would then be lost, and what the feeds cannot
// show posted again; so plan and apply are refused, as with the local
// backend, saying to run rotate-key or new-account. After new-account,
// key-b plans as the other account it is.
func TestGitBackendAnotherKeyIsNotStartedAfresh(t *testing.T) {
	_, endpoint, emu := world(t)
	srv := gittest.NewServer(t, 0)
	ctx := context.Background()
	a := gitMachine(t, srv.URL, endpoint, testConfig)
	if _, err := a.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	b := gitMachineWith(t, srv.URL, endpoint, testConfig, machineOpts{key: "key-b"})
	var ue *UnknownAccountError
	_, err := b.Plan(ctx, PlanOptions{})
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "rotate-key") || !strings.Contains(err.Error(), "new-account") {
		t.Fatalf("plan with another key = %v, want an *UnknownAccountError", err)
	}
	if _, err := b.Apply(ctx, ApplyOptions{Rate: unlimited()}); !errors.As(err, &ue) {
		t.Fatalf("apply with another key = %v, want an *UnknownAccountError", err)
	}
	if acct, _ := emu.Record().Account("key-b"); len(acct.Highlights) != 0 {
		t.Errorf("%d highlights posted with key-b", len(acct.Highlights))
	}
	acct, _ := b.JournalAccount()
	if lock := srv.Ref(t, gitbackend.LockRef(accountLockName(acct))); lock != "" {
		t.Errorf("the refused apply left its lock on the remote: %s", lock)
	}
	if _, err := b.NewAccountJournal(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := b.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatalf("plan after new-account: %v", err)
	}
	if n := len(r.Plan.ToCreate()); n != 1 {
		t.Errorf("the other account's plan creates %d items, want 1", n)
	}
}
