package git

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/backend"
	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
	"github.com/rtctl/rtctl/pkg/journal"
)

var testAcct = journal.Account{Endpoint: "http://127.0.0.1", Fingerprint: "0badc0de", Credential: "api_key"}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// machine is one place rtctl runs: its own state directory, HOME and
// journal copy.
type machine struct {
	store *Store
	acct  backend.Account
	clock *fakeClock
	// tick fires the lease's renewal timer.
	tick chan time.Time
}

func newMachine(t *testing.T, remote string, clock *fakeClock, host string) *machine {
	t.Helper()
	return newMachineEnv(t, remote, clock, host, t.TempDir())
}

// newMachineEnv is newMachine with HOME at home and more of the person's
// environment.
func newMachineEnv(t *testing.T, remote string, clock *fakeClock, host, home string, env ...string) *machine {
	t.Helper()
	state := t.TempDir()
	tick := make(chan time.Time)
	s, err := New(Config{
		Remote: remote,
		Cache:  CacheDir(state, remote),
		Env:    append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GIT_DIR=/nonexistent", "GIT_CONFIG_PARAMETERS='core.hooksPath'='/tmp/evil'"}, env...),
		Clock:  clock.Now,
		TTL:    time.Minute,
		After:  func(time.Duration) <-chan time.Time { return tick },
		Host:   host,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &machine{store: s, acct: backend.Account{Name: "account-1234-0badc0de", Local: filepath.Join(t.TempDir(), ".rtctl", "git", "journal.jsonl")}, clock: clock, tick: tick}
}

// open takes the lease and opens the journal for writing under it, as the
// operation layer does.
func (m *machine) open(t *testing.T) (backend.Lease, backend.Writer, func()) {
	t.Helper()
	lease, err := m.store.Lock(context.Background(), m.acct, backend.LockInfo{Operation: "rtctl apply", PID: 1})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	held, err := journal.Acquire(context.Background(), m.acct.Local, journal.AcquireOptions{Now: m.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	jw, err := journal.OpenWriter(held, m.acct.Local, m.clock.Now, "run", testAcct)
	if err != nil {
		t.Fatal(err)
	}
	w := lease.Writer(jw)
	return lease, w, func() {
		w.Close()
		_ = lease.Release(context.Background())
		_ = held.Release()
	}
}

func intent(key string) journal.Entry {
	return journal.Entry{Type: journal.Intent, Key: key, Address: "highlight." + key, Kind: "highlight"}
}

func remoteState(t *testing.T, srv *gittest.Server, name string) *journal.State {
	t.Helper()
	p := filepath.Join(t.TempDir(), "j.jsonl")
	if err := os.WriteFile(p, []byte(srv.File(t, JournalRef(name), journalFile)), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := journal.Read(p)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestIntentsReachTheRemoteBeforeAppendReturns(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	m := newMachine(t, srv.URL, clock, "laptop")
	_, w, done := m.open(t)
	if err := w.Append(intent("a"), intent("b")); err != nil {
		t.Fatal(err)
	}
	st := remoteState(t, srv, m.acct.Name)
	for _, k := range []string{"a", "b"} {
		if _, ok := st.Lookup(k); !ok {
			t.Errorf("intent %s is not on the remote after Append returned", k)
		}
	}
	if srv.Ref(t, LockRef(m.acct.Name)) == "" {
		t.Error("no lock ref on the remote while the lease is held")
	}
	done()
	if got := srv.Ref(t, LockRef(m.acct.Name)); got != "" {
		t.Errorf("the lock ref is still on the remote after Release: %s", got)
	}
	// Never a branch: applying makes no commit on any branch.
	if out := srv.Ref(t, "refs/heads/main"); out != "" {
		t.Errorf("a branch was written: %s", out)
	}
}

func TestSecondMachineIsRefusedWhileTheLeaseHolds(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	a := newMachine(t, srv.URL, clock, "laptop")
	b := newMachine(t, srv.URL, clock, "ci")
	_, _, done := a.open(t)
	defer done()
	_, err := b.store.Lock(context.Background(), b.acct, backend.LockInfo{Operation: "rtctl apply"})
	var le *backend.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Lock = %v, want a *backend.LockedError", err)
	}
	if le.Info.Host != "laptop" || le.Info.Operation != "rtctl apply" {
		t.Errorf("lock info = %+v, want the laptop's apply", le.Info)
	}
	if !strings.Contains(err.Error(), "rtctl force-unlock "+le.Info.ID) {
		t.Errorf("the error does not say how to force-unlock: %v", err)
	}
}

func TestSimultaneousLocksOneWins(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	ms := make([]*machine, n)
	for i := range ms {
		ms[i] = newMachine(t, srv.URL, clock, "m")
	}
	for i := range ms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = ms[i].store.Lock(context.Background(), ms[i].acct, backend.LockInfo{Operation: "rtctl apply"})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d simultaneous Locks won (errors %v), want exactly 1", won, n, errs)
	}
}

func TestExpiredLeaseIsTakenOverAndTheOldHolderIsFenced(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	a := newMachine(t, srv.URL, clock, "stalled")
	b := newMachine(t, srv.URL, clock, "next")
	_, wa, doneA := a.open(t)
	defer doneA()
	if err := wa.Append(intent("a1")); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Minute) // a stalls past its lease
	_, wb, doneB := b.open(t)
	defer doneB()
	// b sees a's intent: it settles it as a crashed run's.
	st, err := journal.Read(b.acct.Local)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Lookup("a1"); !ok {
		t.Error("the new holder's copy lacks the old holder's intent")
	}
	// a wakes up: its next intents must not be recorded, so it sends nothing.
	err = wa.Append(intent("a2"))
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("the fenced holder's Append = %v, want ErrConflict", err)
	}
	if err := wa.Append(intent("a3")); err == nil {
		t.Error("the fenced holder could append again")
	}
	if err := wb.Append(intent("b1")); err != nil {
		t.Fatalf("the new holder's Append: %v", err)
	}
	rs := remoteState(t, srv, b.acct.Name)
	if _, ok := rs.Lookup("a2"); ok {
		t.Error("the fenced holder's intent reached the remote")
	}
	if _, ok := rs.Lookup("b1"); !ok {
		t.Error("the new holder's intent is not on the remote")
	}
}

func TestRenewalKeepsTheLease(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	a := newMachine(t, srv.URL, clock, "long")
	b := newMachine(t, srv.URL, clock, "other")
	lease, _, done := a.open(t)
	defer done()
	before := srv.Ref(t, LockRef(a.acct.Name))
	clock.Add(40 * time.Second)
	a.tick <- clock.Now() // the renewal timer fires
	// The renewal runs on its own goroutine; Renew waits for its turn on
	// the store's mutex, so after it returns the timer's renewal is done.
	if err := Renew(lease); err != nil {
		t.Fatal(err)
	}
	if srv.Ref(t, LockRef(a.acct.Name)) == before {
		t.Fatal("the lock ref did not move on renewal")
	}
	clock.Add(40 * time.Second) // past the first lease, within the renewed one
	if _, err := b.store.Lock(context.Background(), b.acct, backend.LockInfo{}); err == nil {
		t.Fatal("a renewed lease was taken over")
	}
}

func TestForceUnlock(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	a := newMachine(t, srv.URL, clock, "gone")
	b := newMachine(t, srv.URL, clock, "person")
	lease, wa, done := a.open(t)
	defer done()
	ctx := context.Background()
	if err := b.store.ForceUnlock(ctx, b.acct, "not-the-id"); err == nil || !strings.Contains(err.Error(), "nothing was removed") {
		t.Fatalf("ForceUnlock with a wrong ID = %v", err)
	}
	if err := b.store.ForceUnlock(ctx, b.acct, lease.ID()); err != nil {
		t.Fatalf("ForceUnlock: %v", err)
	}
	_, wb, doneB := b.open(t)
	defer doneB()
	if err := wb.Append(intent("b")); err != nil {
		t.Fatal(err)
	}
	if err := wa.Append(intent("a")); !errors.Is(err, ErrConflict) {
		t.Fatalf("the force-unlocked holder's Append = %v, want ErrConflict", err)
	}
}

func TestPushFailuresStopWriting(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject func(t *testing.T, s *gittest.Server)
	}{
		{"refused", func(t *testing.T, s *gittest.Server) { s.Refuse(t) }},
		{"connection dropped", func(t *testing.T, s *gittest.Server) { s.Drop.Store(5) }},
		{"unreachable", func(t *testing.T, s *gittest.Server) { s.Srv.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := gittest.NewServer(t, 0)
			clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
			m := newMachine(t, srv.URL, clock, "m")
			_, w, done := m.open(t)
			defer done()
			tc.inject(t, srv)
			if err := w.Append(intent("x")); err == nil {
				t.Fatal("Append succeeded though its push failed")
			}
		})
	}
}

func TestReadWithoutLockAndOffline(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	a := newMachine(t, srv.URL, clock, "writer")
	r := newMachine(t, srv.URL, clock, "reader")
	ctx := context.Background()
	if _, err := r.store.Read(ctx, r.acct); err != nil {
		t.Fatalf("Read of an account with no journal yet: %v", err)
	}
	_, w, done := a.open(t)
	if err := w.Append(intent("k")); err != nil {
		t.Fatal(err)
	}
	// Read while the lease is held: no lock needed.
	cp, err := r.store.Read(ctx, r.acct)
	if err != nil || cp.Offline != "" || !cp.Fetched.Equal(clock.Now()) {
		t.Fatalf("Read = %+v, %v", cp, err)
	}
	done()
	st, err := journal.Read(r.acct.Local)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Lookup("k"); !ok {
		t.Error("the reader's copy lacks the intent")
	}
	fetched := clock.Now()
	clock.Add(time.Hour)
	srv.Srv.Close()
	cp, err = r.store.Read(ctx, r.acct)
	if err != nil {
		t.Fatalf("offline Read with a copy: %v", err)
	}
	if cp.Offline == "" || !cp.Fetched.Equal(fetched) {
		t.Errorf("offline Read = %+v, want the copy of %v and why it is offline", cp, fetched)
	}
	fresh := newMachine(t, srv.URL, clock, "fresh")
	if _, err := fresh.store.Read(ctx, fresh.acct); err == nil {
		t.Error("an offline Read with no copy succeeded")
	}
}

func TestRemoteURLIsNeverShown(t *testing.T) {
	url := strings.Replace(gittest.Unreachable(t), "http://", "http://user:s3cr3t@", 1)
	clock := &fakeClock{t: time.Now()}
	m := newMachine(t, url, clock, "m")
	_, err := m.store.Lock(context.Background(), m.acct, backend.LockInfo{})
	if err == nil {
		t.Fatal("Lock on an unreachable remote succeeded")
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the error shows the URL's password: %v", err)
	}
}

func TestRefusesOptionLikeRemote(t *testing.T) {
	for _, r := range []string{"", "ext::sh -c evil", "--upload-pack=evil"} {
		if _, err := New(Config{Remote: r, Cache: t.TempDir()}); err == nil {
			t.Errorf("New accepted the remote %q", r)
		}
	}
}

// TestHardenedAgainstThePersonsGitConfig gives the person's own git
// configuration hooks, an fsmonitor and the ext transport, and the
// environment a GIT_DIR: rtctl's git runs none of them and works in its
// own cache repository.
func TestHardenedAgainstThePersonsGitConfig(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	m := newMachine(t, srv.URL, clock, "m")
	home := ""
	for _, kv := range m.store.cfg.Env {
		if v, ok := strings.CutPrefix(kv, "HOME="); ok {
			home = v
		}
	}
	ran := filepath.Join(t.TempDir(), "ran")
	hooks := t.TempDir()
	script := "#!/bin/sh\necho \"$0\" >> " + ran + "\n"
	for _, h := range []string{"reference-transaction", "pre-push", "post-update"} {
		if err := os.WriteFile(filepath.Join(hooks, h), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	monitor := filepath.Join(hooks, "fsmonitor")
	if err := os.WriteFile(monitor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	gitconfig := "[core]\n\thooksPath = " + hooks + "\n\tfsmonitor = " + monitor + "\n[protocol \"ext\"]\n\tallow = always\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	_, w, done := m.open(t)
	if err := w.Append(intent("a")); err != nil {
		t.Fatal(err)
	}
	done()
	if b, err := os.ReadFile(ran); err == nil {
		t.Errorf("the person's hooks ran: %s", b)
	}
	if _, err := os.Stat(filepath.Join(m.store.cfg.Cache, "HEAD")); err != nil {
		t.Errorf("the cache repository was not used: %v", err)
	}
	extRan := filepath.Join(t.TempDir(), "ext-ran")
	ext, err := New(Config{Remote: "ext::sh -c touch% " + extRan, Cache: t.TempDir()})
	if err == nil {
		_, err = ext.Read(context.Background(), m.acct)
	}
	if err == nil {
		t.Error("an ext:: remote was used")
	}
	if _, err := os.Stat(extRan); err == nil {
		t.Error("the ext:: transport ran a program")
	}
}

// TestStalledHolderMaySendNothingMore: a holder's intents are on the remote
// before their POSTs, but a holder stalled between the two (a process
// stopped, a laptop asleep) may have lost its lease meanwhile; the run
// that took it over settles, and may send, what it queued. Sendable says
// whether it may still send: not past the lease by its own clock, and,
// once the remote last showed it holding the fence a while ago, only when
// the remote still does.
func TestStalledHolderMaySendNothingMore(t *testing.T) {
	type fenced interface{ Sendable() error }
	t.Run("lease ran out", func(t *testing.T) {
		srv := gittest.NewServer(t, 0)
		clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
		a := newMachine(t, srv.URL, clock, "stalled")
		_, wa, done := a.open(t)
		defer done()
		if err := wa.Append(intent("a1")); err != nil {
			t.Fatal(err)
		}
		if err := wa.(fenced).Sendable(); err != nil {
			t.Fatalf("Sendable right after the intents reached the remote: %v", err)
		}
		clock.Add(55 * time.Second) // within the minute's lease, not within its last tenth
		if err := wa.(fenced).Sendable(); err == nil || !strings.Contains(err.Error(), "ran out") {
			t.Fatalf("Sendable at the end of the lease = %v, want it ran out", err)
		}
	})
	t.Run("taken over", func(t *testing.T) {
		srv := gittest.NewServer(t, 0)
		clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
		a := newMachine(t, srv.URL, clock, "stalled")
		b := newMachine(t, srv.URL, clock, "person")
		lease, wa, done := a.open(t)
		defer done()
		if err := wa.Append(intent("a1")); err != nil {
			t.Fatal(err)
		}
		clock.Add(5 * time.Second)
		if err := wa.(fenced).Sendable(); err != nil {
			t.Fatalf("Sendable while the remote still shows the lease: %v", err)
		}
		if err := b.store.ForceUnlock(context.Background(), b.acct, lease.ID()); err != nil {
			t.Fatal(err)
		}
		_, _, doneB := b.open(t)
		defer doneB()
		clock.Add(5 * time.Second)
		if err := wa.(fenced).Sendable(); err == nil || !strings.Contains(err.Error(), "taken over") {
			t.Fatalf("Sendable after another run took the lease over = %v, want it taken over", err)
		}
	})
	t.Run("stalled after the remote carried out its push", func(t *testing.T) {
		// The run stalls between the remote carrying out its push and
		// reading the answer: the push proves the fence as of before it
		// was sent, not as of when the stalled run read the answer, so
		// once continued it asks the remote again and finds the lease
		// taken over.
		srv := gittest.NewServer(t, 0)
		clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
		a := newMachine(t, srv.URL, clock, "stalled")
		b := newMachine(t, srv.URL, clock, "person")
		lease, wa, done := a.open(t)
		defer done()
		srv.OnPush(func(carriedOut bool) {
			if carriedOut {
				clock.Add(5 * time.Second)
			}
		})
		if err := wa.Append(intent("a1")); err != nil {
			t.Fatal(err)
		}
		srv.OnPush(nil)
		if err := b.store.ForceUnlock(context.Background(), b.acct, lease.ID()); err != nil {
			t.Fatal(err)
		}
		_, _, doneB := b.open(t)
		defer doneB()
		if err := wa.(fenced).Sendable(); err == nil || !strings.Contains(err.Error(), "taken over") {
			t.Fatalf("Sendable of a run stalled after its push, once another took the lease over = %v, want it taken over", err)
		}
	})
}

// TestLeaseWritersRefuseOnceReleased: after Release, the lease's writer and
// its Push refuse, and neither the remote's journal nor the local copy
// changes; as the journal's writers refuse without its lock.
func TestLeaseWritersRefuseOnceReleased(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	m := newMachine(t, srv.URL, clock, "m")
	lease, w, done := m.open(t)
	defer done()
	if err := w.Append(intent("a")); err != nil {
		t.Fatal(err)
	}
	if err := lease.Release(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := srv.Ref(t, JournalRef(m.acct.Name))
	copyBefore, err := os.ReadFile(m.acct.Local)
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func() error{
		"Append": func() error { return w.Append(intent("b")) },
		"Push":   func() error { return lease.Push(context.Background()) },
	} {
		if err := write(); err == nil {
			t.Errorf("%s after Release succeeded", name)
		}
	}
	if got := srv.Ref(t, JournalRef(m.acct.Name)); got != before {
		t.Errorf("the remote's journal moved after Release: %s -> %s", before, got)
	}
	if after, _ := os.ReadFile(m.acct.Local); string(after) != string(copyBefore) {
		t.Errorf("the local copy changed after Release:\n%s", after)
	}
}
