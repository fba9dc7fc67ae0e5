package workspace

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/backend"
	gitbackend "github.com/rtctl/rtctl/pkg/backend/git"
	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// movingClock is a clock the tests move by hand.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movingClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeTimers are the timers the backend waits on (its lease's renewal, a
// run polling for another's lease), fired by the test, so that no test
// waits for time to pass.
type fakeTimers struct {
	mu      sync.Mutex
	pending []fakeTimer
	set     chan time.Duration
}

type fakeTimer struct {
	d time.Duration
	c chan time.Time
}

func newFakeTimers() *fakeTimers { return &fakeTimers{set: make(chan time.Duration, 1000)} }

func (f *fakeTimers) After(d time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	f.mu.Lock()
	f.pending = append(f.pending, fakeTimer{d, c})
	f.mu.Unlock()
	f.set <- d
	return c
}

// await returns once a timer of d is set. The bound is a failsafe for a
// broken test, not a wait for time to pass.
func (f *fakeTimers) await(t *testing.T, d time.Duration) {
	t.Helper()
	for {
		select {
		case got := <-f.set:
			if got == d {
				return
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no timer of %v was set", d)
		}
	}
}

// fire fires every pending timer of d at now.
func (f *fakeTimers) fire(d time.Duration, now time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	kept := f.pending[:0]
	for _, tm := range f.pending {
		if tm.d == d {
			tm.c <- now
			n++
			continue
		}
		kept = append(kept, tm)
	}
	f.pending = kept
	return n
}

const testTTL = time.Minute

// TestGitBackendSecondApplyIsRefusedWithTheLockInfo: while the laptop
// holds the lease, CI's apply is refused at once, saying who holds it,
// where, since when, for what and its ID, and how to remove it with rtctl
// force-unlock; with a lock timeout it waits, polling on the backend's
// timer, and applies once the laptop is done; past its timeout it gives
// up. Nothing is posted twice.
func TestGitBackendSecondApplyIsRefusedWithTheLockInfo(t *testing.T) {
	_, endpoint, emu := world(t)
	srv := gittest.NewServer(t, 0)
	ctx := context.Background()
	clock := &movingClock{t: testNow}
	timers := newFakeTimers()
	opts := func(host, who string) machineOpts {
		return machineOpts{clock: clock.Now, after: timers.After, ttl: testTTL, host: host, who: who, moving: true}
	}
	laptop := gitMachineWith(t, srv.URL, endpoint, testConfig, opts("laptop", "alice@laptop"))
	ci := gitMachineWith(t, srv.URL, endpoint, testConfig, opts("ci-runner", ""))

	locks, err := laptop.lock(ctx, 0, "rtctl apply")
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(10 * time.Second)
	_, err = ci.Apply(ctx, ApplyOptions{Rate: unlimited()})
	var le *backend.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("CI's apply while the laptop holds the lease = %v, want a *backend.LockedError", err)
	}
	info := le.Info
	if info.ID == "" || info.Who != "alice@laptop" || info.Host != "laptop" || info.Operation != "rtctl apply" ||
		info.PID != os.Getpid() || !info.Created.Equal(testNow) || !info.Expires.Equal(testNow.Add(testTTL)) {
		t.Errorf("lock info = %+v, want the laptop's apply: who, where, when, why and its ID", info)
	}
	for _, want := range []string{info.ID, "alice@laptop", "laptop", "rtctl apply", "since 2026-11-20T18:00:00Z", "lease until 2026-11-20T18:01:00Z", "rtctl force-unlock " + info.ID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %q: %v", want, err)
		}
	}

	// With a lock timeout, CI waits, asking again every leasePoll.
	done := make(chan error, 1)
	go func() {
		_, err := ci.Apply(ctx, ApplyOptions{Rate: unlimited(), LockTimeout: time.Minute})
		done <- err
	}()
	timers.await(t, leasePoll)
	clock.Add(leasePoll)
	timers.fire(leasePoll, clock.Now()) // still held: it waits again
	timers.await(t, leasePoll)
	locks.Release()
	clock.Add(leasePoll)
	timers.fire(leasePoll, clock.Now())
	if err := <-done; err != nil {
		t.Fatalf("CI's apply waiting for the lease: %v", err)
	}
	if acct, _ := emu.Record().Account("key-a"); len(acct.Highlights) != 1 {
		t.Fatalf("%d highlights posted, want 1", len(acct.Highlights))
	}

	// Past its timeout it gives up, with the holder's info.
	locks, err = laptop.lock(ctx, 0, "rtctl apply")
	if err != nil {
		t.Fatal(err)
	}
	defer locks.Release()
	go func() {
		_, err := ci.Apply(ctx, ApplyOptions{Rate: unlimited(), LockTimeout: 2 * leasePoll})
		done <- err
	}()
	for range 2 {
		timers.await(t, leasePoll)
		clock.Add(leasePoll)
		timers.fire(leasePoll, clock.Now())
	}
	if err := <-done; !errors.As(err, &le) || le.Info.Host != "laptop" {
		t.Fatalf("CI's apply past its lock timeout = %v, want the laptop's lock", err)
	}
}

// TestGitBackendHolderRenewsItsLease: a holder's lease is renewed on its
// timer while it runs, so another run finds it held past the first
// lease's end; once renewals stop, the lease expires and is taken.
func TestGitBackendHolderRenewsItsLease(t *testing.T) {
	_, endpoint, _ := world(t)
	srv := gittest.NewServer(t, 0)
	ctx := context.Background()
	clock := &movingClock{t: testNow}
	timers := newFakeTimers()
	o := machineOpts{clock: clock.Now, after: timers.After, ttl: testTTL, moving: true}
	o.host = "long-run"
	holder := gitMachineWith(t, srv.URL, endpoint, testConfig, o)
	o.host, o.after = "other", func(time.Duration) <-chan time.Time { return nil }
	other := gitMachineWith(t, srv.URL, endpoint, testConfig, o)

	locks, err := holder.lock(ctx, 0, "rtctl apply")
	if err != nil {
		t.Fatal(err)
	}
	defer locks.Release()
	acct, _ := holder.JournalAccount()
	lockRef := gitbackend.LockRef(accountLockName(acct))
	first := srv.Ref(t, lockRef)
	renewEvery := testTTL / 3
	for i := range 3 {
		timers.await(t, renewEvery)
		clock.Add(renewEvery)
		if timers.fire(renewEvery, clock.Now()) != 1 {
			t.Fatalf("renewal %d: no renewal timer was pending", i)
		}
	}
	timers.await(t, renewEvery) // the third renewal is done: the next is set
	if srv.Ref(t, lockRef) == first {
		t.Fatal("the lock ref did not move on renewal")
	}
	// A minute past the first lease's end, within the renewed one.
	clock.Add(testTTL - renewEvery)
	_, err = other.Apply(ctx, ApplyOptions{Rate: unlimited()})
	var le *backend.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("apply %v after the first lease ended, the holder renewing = %v, want it refused", clock.Now().Sub(testNow), err)
	}
	if want := testNow.Add(3*renewEvery + testTTL); !le.Info.Expires.Equal(want) {
		t.Errorf("the renewed lease ends %v, want %v", le.Info.Expires, want)
	}
	// The holder stalls (no more renewals): past its lease, it is taken.
	clock.Add(testTTL)
	if _, err := other.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatalf("apply after the holder's lease expired: %v", err)
	}
}

// postHook calls hook (once) before the first POST it carries, and counts
// the POSTs it carries.
type postHook struct {
	once  sync.Once
	hook  func()
	mu    sync.Mutex
	posts []string
}

func (p *postHook) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost {
		p.once.Do(p.hook)
		p.mu.Lock()
		p.posts = append(p.posts, r.URL.Query().Get("description"))
		p.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// threeHighlights adds a third item, planned after the other two.
const threeHighlights = twoHighlights + `
highlight "wrapup" {
  date        = "2026-11-20"
  description = "Wrapped up"
}
`

// TestGitBackendStalledHolderIsTakenOverAndFenced stalls the laptop's
// apply in its first POST, past its lease (its renewals stopped, as a
// suspended laptop's do). CI takes the expired lease over: the laptop's
// intents are in the journal it fetches, and CI settles them as it
// settles a crashed run's (the feeds cannot show them yet: uncertain, not
// posted again), and posts the item the laptop had not recorded. When the
// laptop wakes, its POST lands, but its next journal update is a
// compare-and-swap on a ref CI moved: it fails, and the laptop sends
// nothing whose intent did not reach the remote before CI took over (at
// most the batch already recorded). No item is posted twice.
func TestGitBackendStalledHolderIsTakenOverAndFenced(t *testing.T) {
	_, endpoint, emu := world(t)
	if err := emu.SetModel("key-a", emulator.Model{SyncDelay: emulator.SyncDelay{Fixed: 3 * time.Hour}}); err != nil {
		t.Fatal(err)
	}
	srv := gittest.NewServer(t, 0)
	ctx := context.Background()
	clock := &movingClock{t: testNow}
	never := func(time.Duration) <-chan time.Time { return nil }
	ci := gitMachineWith(t, srv.URL, endpoint, threeHighlights, machineOpts{clock: clock.Now, after: never, ttl: testTTL, batch: 1, host: "ci"})
	var ciErr error
	// What CI's journal held once it took over: the laptop's intents.
	known := map[string]bool{}
	hook := &postHook{hook: func() {
		clock.Add(2 * testTTL) // the laptop stalls past its lease
		_, ciErr = ci.Apply(ctx, ApplyOptions{Rate: unlimited()})
		_, st, err := ci.ReadJournal()
		if err != nil {
			t.Error(err)
			return
		}
		for _, rec := range st.Records() {
			if rec.Pending() {
				known[rec.Address] = true
			}
		}
	}}
	laptop := gitMachineWith(t, srv.URL, endpoint, threeHighlights, machineOpts{clock: clock.Now, after: never, ttl: testTTL, batch: 1, host: "laptop", http: &http.Client{Transport: hook}})

	_, err := laptop.Apply(ctx, ApplyOptions{Rate: unlimited(), Parallelism: 1})
	if ciErr != nil {
		t.Fatalf("CI's apply, taking the expired lease over: %v", ciErr)
	}
	// It stops at its next journal update (the ref CI moved), or before
	// its next POST, seeing its lease ran out by its own clock.
	if err == nil || !(errors.Is(err, gitbackend.ErrConflict) && strings.Contains(err.Error(), "taken over") || strings.Contains(err.Error(), "lease on the journal") && strings.Contains(err.Error(), "ran out")) {
		t.Errorf("the fenced laptop's apply = %v, want it stopped on the lease taken over or run out", err)
	}
	address := map[string]string{"Shipped v1.2": "highlight.release", "Wrote the notes": "highlight.notes", "Wrapped up": "highlight.wrapup"}
	hook.mu.Lock()
	if len(hook.posts) == 0 || len(hook.posts) > 2 {
		t.Errorf("the laptop sent %d POSTs (%q), want the one in flight and at most the batch recorded before it", len(hook.posts), hook.posts)
	}
	for _, d := range hook.posts {
		if !known[address[d]] {
			t.Errorf("the laptop sent %q after its lease was taken over, though CI's journal had no intent of it (CI knew %v)", d, known)
		}
	}
	hook.mu.Unlock()
	// Within the sync delay, CI again: what the laptop sent is known.
	if _, err := ci.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	acct, _ := emu.Record().Account("key-a")
	seen := map[string]int{}
	for _, h := range acct.Highlights {
		seen[h.Description]++
	}
	for d, n := range seen {
		if n > 1 {
			t.Errorf("%q was posted %d times", d, n)
		}
	}
	if seen["Wrapped up"] != 1 {
		t.Errorf("the item the laptop never recorded was posted %d times, want once (by CI)", seen["Wrapped up"])
	}
}
