package workspace

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/backend"
	gitbackend "github.com/rtctl/rtctl/pkg/backend/git"
	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

const twoHighlights = testConfig + `
highlight "notes" {
  date        = "2026-11-20"
  description = "Wrote the notes"
}
`

// unlimited lets the tests' applies send without waiting for a real clock.
func unlimited() *float64 { r := 0.0; return &r }

// gitMachine is one place rtctl runs with the git backend: its own clone
// of the configuration, state directory and HOME.
func gitMachine(t *testing.T, remote, endpoint, config string) *Workspace {
	t.Helper()
	return gitMachineWith(t, remote, endpoint, config, machineOpts{})
}

// machineOpts vary a gitMachine: the account's key (key-a when empty),
// the backend's clock and timers, its lease and batch.
type machineOpts struct {
	key   string
	clock func() time.Time
	after func(time.Duration) <-chan time.Time
	ttl   time.Duration
	batch int
	http  *http.Client
	host  string
	who   string
	// moving makes clock the workspace's moving clock too (lock
	// timeouts), not only the backend's.
	moving bool
}

func gitMachineWith(t *testing.T, remote, endpoint, config string, o machineOpts) *Workspace {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if o.key == "" {
		o.key = "key-a"
	}
	if o.clock == nil {
		o.clock = func() time.Time { return testNow }
	}
	if o.after == nil {
		o.after = func(time.Duration) <-chan time.Time { return nil } // no renewal in these short runs
	}
	state := t.TempDir()
	store, err := gitbackend.New(gitbackend.Config{
		Remote: remote,
		Cache:  gitbackend.CacheDir(state, remote),
		Env:    []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()},
		Clock:  o.clock,
		After:  o.after,
		TTL:    o.ttl,
		Batch:  o.batch,
		Host:   o.host,
		Who:    o.who,
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{
		Account:    Account{Endpoint: endpoint, Credentials: rtapi.APIKey(o.key)},
		Now:        testNow,
		StateDir:   state,
		Backend:    store,
		HTTPClient: o.http,
	}
	if o.moving {
		opts.Clock = o.clock
	}
	return open(t, dir, opts)
}

// TestGitBackendTwoMachinesPostEachItemOnce applies one account from two
// machines at the same moment, then again while the feeds do not show the
// first posts yet (the sync delay): each item is posted once.
func TestGitBackendTwoMachinesPostEachItemOnce(t *testing.T) {
	dir, endpoint, emu := world(t)
	_ = dir
	if err := emu.SetModel("key-a", emulator.Model{SyncDelay: emulator.SyncDelay{Fixed: 3 * time.Hour}}); err != nil {
		t.Fatal(err)
	}
	srv := gittest.NewServer(t, 0)
	laptop := gitMachine(t, srv.URL, endpoint, twoHighlights)
	ci := gitMachine(t, srv.URL, endpoint, twoHighlights)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, ws := range []*Workspace{laptop, ci} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = ws.Apply(ctx, ApplyOptions{Rate: unlimited()})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		var le *backend.LockedError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("an apply failed otherwise than on the lock: %v", err)
		}
	}
	// Within the sync delay, both again, one after the other.
	for _, ws := range []*Workspace{laptop, ci} {
		if _, err := ws.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
			t.Fatalf("apply within the sync delay: %v", err)
		}
	}
	acct, _ := emu.Record().Account("key-a")
	if len(acct.Highlights) != 2 {
		t.Fatalf("%d highlights posted, want 2 (each item once): %+v", len(acct.Highlights), acct.Highlights)
	}
	if srv.Ref(t, "refs/heads/main") != "" {
		t.Error("applying wrote a branch")
	}
}

// TestGitBackendPlanOffline plans with the remote gone: the copy in .rtctl
// is used and its age said.
func TestGitBackendPlanOffline(t *testing.T) {
	_, endpoint, _ := world(t)
	srv := gittest.NewServer(t, 0)
	ws := gitMachine(t, srv.URL, endpoint, testConfig)
	rep := &noticeRecorder{}
	ws.opts.Reporter = rep
	ctx := context.Background()
	if _, err := ws.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	srv.Srv.Close()
	r, err := ws.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatalf("offline plan: %v", err)
	}
	if len(r.Plan.ToCreate()) != 0 {
		t.Errorf("the offline plan would post %d items again", len(r.Plan.ToCreate()))
	}
	if !strings.Contains(strings.Join(rep.notices, "\n"), "uses the copy fetched") {
		t.Errorf("the offline plan does not say its copy's age: %q", rep.notices)
	}
}

// TestGitBackendJournalCommandsReachTheRemote: journal confirm on one
// machine, after an apply on another whose answer was lost, reaches the
// remote journal: the first machine's next plan knows the item is in the
// account and sends nothing. (Before, these commands were refused with the
// git backend: they wrote only this machine's copy.)
func TestGitBackendJournalCommandsReachTheRemote(t *testing.T) {
	_, endpoint, emu := world(t)
	srv := gittest.NewServer(t, 0)
	ctx := context.Background()
	laptop := gitMachine(t, srv.URL, endpoint, testConfig)
	ci := gitMachine(t, srv.URL, endpoint, testConfig)
	if err := emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "highlights_post", LoseResponses: 1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := laptop.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	recs, err := ci.Confirm(ctx, []string{"highlight.release"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("confirm on the other machine: %v, %d records", err, len(recs))
	}
	// The laptop's plan fetches the remote journal: the confirmation made
	// on the other machine is in it.
	if _, err := laptop.Plan(ctx, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	_, st, err := laptop.ReadJournal()
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, rec := range st.Records() {
		if rec.Address == "highlight.release" {
			found = true
			if rec.Result != journal.Settled {
				t.Errorf("highlight.release in the laptop's journal: %q, want settled by the other machine's confirm", rec.Result)
			}
		}
	}
	if !found {
		t.Error("the laptop's journal has no record of highlight.release")
	}
}

// TestMigrateJournal moves a local journal to the remote and back, and
// refuses when the destination holds another journal of the account.
func TestMigrateJournal(t *testing.T) {
	dir, endpoint, emu := world(t)
	ctx := context.Background()
	local := open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Now: testNow})
	if _, err := local.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	srv := gittest.NewServer(t, 0)
	state := t.TempDir()
	store, err := gitbackend.New(gitbackend.Config{Remote: srv.URL, Cache: gitbackend.CacheDir(state, srv.URL),
		Env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	shared := open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Now: testNow, Backend: store})
	res, err := shared.MigrateJournal(ctx, "git")
	if err != nil {
		t.Fatalf("migrate --to git: %v", err)
	}
	if res.Same || res.Entries < 2 {
		t.Errorf("migrate --to git = %+v", res)
	}
	if _, err := os.Stat(filepath.Join(dir, ".rtctl", "journal.jsonl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the local journal is still in use after the migration: %v", err)
	}
	// Another machine with the git backend knows the item was posted.
	other := gitMachine(t, srv.URL, endpoint, testConfig)
	if _, err := other.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	if acct, _ := emu.Record().Account("key-a"); len(acct.Highlights) != 1 {
		t.Fatalf("%d highlights after the migration, want 1", len(acct.Highlights))
	}
	// A different local journal of the account (begun by another run):
	// migrating either way is refused.
	later := open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Now: testNow.Add(time.Minute)})
	if _, err := later.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"git", "local"} {
		if _, err := shared.MigrateJournal(ctx, to); err == nil || !strings.Contains(err.Error(), "different journal") {
			t.Errorf("migrate --to %s over a different journal = %v", to, err)
		}
	}
	if err := os.Remove(filepath.Join(dir, ".rtctl", "journal.jsonl")); err != nil {
		t.Fatal(err)
	}
	if _, err := shared.MigrateJournal(ctx, "local"); err != nil {
		t.Fatalf("migrate --to local: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".rtctl", "journal.jsonl")); err != nil {
		t.Errorf("no local journal after migrate --to local: %v", err)
	}
	// Written locally, then moved back: the remote's journal is behind
	// the local one, not different, so it is replaced.
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(twoHighlights), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := local.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	if _, err := shared.MigrateJournal(ctx, "git"); err != nil {
		t.Fatalf("migrate --to git of a journal that continues the remote's: %v", err)
	}
	again := gitMachine(t, srv.URL, endpoint, twoHighlights)
	r, err := again.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.Plan.ToCreate()); n != 0 {
		t.Errorf("after moving back, another machine would post %d items again", n)
	}
}

// TestForceUnlockThroughWorkspace removes a stale lease by its ID.
func TestForceUnlockThroughWorkspace(t *testing.T) {
	_, endpoint, _ := world(t)
	srv := gittest.NewServer(t, 0)
	a := gitMachine(t, srv.URL, endpoint, testConfig)
	b := gitMachine(t, srv.URL, endpoint, testConfig)
	ctx := context.Background()
	locks, err := a.lock(ctx, 0, "rtctl apply")
	if err != nil {
		t.Fatal(err)
	}
	defer locks.Release()
	_, err = b.Apply(ctx, ApplyOptions{Rate: unlimited()})
	var le *backend.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("apply while another holds the lease = %v", err)
	}
	if err := b.ForceUnlock(ctx, le.Info.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatalf("apply after force-unlock: %v", err)
	}
	if local := open(t, t.TempDir(), Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}}); local.ForceUnlock(ctx, "x") == nil {
		t.Error("force-unlock with the local backend succeeded")
	}
}

// noticeRecorder keeps what an operation reports.
type noticeRecorder struct {
	nopReporter
	notices []string
}

func (r *noticeRecorder) Notice(msg string) { r.notices = append(r.notices, msg) }

// TestGitBackendPushFailureStopsSending makes the remote refuse pushes
// once the apply holds its lease: the first batch's intents cannot reach
// it, so nothing is posted, and the apply says why.
func TestGitBackendPushFailureStopsSending(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject func(*gittest.Server)
	}{
		{"refused", func(s *gittest.Server) { s.Refuse(t) }},
		{"connection dropped", func(s *gittest.Server) { s.Drop.Store(5) }},
		{"unreachable", func(s *gittest.Server) { s.Srv.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, endpoint, emu := world(t)
			srv := gittest.NewServer(t, 0)
			ws := gitMachine(t, srv.URL, endpoint, twoHighlights)
			res, err := ws.Apply(context.Background(), ApplyOptions{Rate: unlimited(), Confirm: func(context.Context) (bool, error) {
				tc.inject(srv)
				return true, nil
			}})
			if err == nil || !strings.Contains(err.Error(), "recording intents") {
				t.Fatalf("apply with pushes failing = %v, want the intents' push to fail", err)
			}
			if acct, _ := emu.Record().Account("key-a"); len(acct.Highlights) != 0 {
				t.Errorf("%d highlights posted whose intents never reached the remote", len(acct.Highlights))
			}
			if res == nil || res.Sent == nil || res.Sent.Count(apply.NotSent) != 2 {
				t.Errorf("apply result = %+v, want both items skipped", res)
			}
		})
	}
}

// TestGitBackendUncertainOnOneMachineIsKnownOnTheOther loses the answer
// to a POST on the laptop (it landed, the laptop cannot tell): CI, within
// the sync delay, finds the laptop's intent in the journal on the remote
// and does not post the item again.
func TestGitBackendUncertainOnOneMachineIsKnownOnTheOther(t *testing.T) {
	_, endpoint, emu := world(t)
	if err := emu.SetModel("key-a", emulator.Model{SyncDelay: emulator.SyncDelay{Fixed: 3 * time.Hour}}); err != nil {
		t.Fatal(err)
	}
	if err := emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "highlights_post", LoseResponses: 1}}}); err != nil {
		t.Fatal(err)
	}
	srv := gittest.NewServer(t, 0)
	laptop := gitMachine(t, srv.URL, endpoint, testConfig)
	ci := gitMachine(t, srv.URL, endpoint, testConfig)
	ctx := context.Background()
	res, err := laptop.Apply(ctx, ApplyOptions{Rate: unlimited()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent.Count(apply.Unknown) != 1 {
		t.Fatalf("the laptop's POST outcome = %+v, want unknown", res.Sent.Items)
	}
	if _, err := ci.Apply(ctx, ApplyOptions{Rate: unlimited()}); err != nil {
		t.Fatal(err)
	}
	if acct, _ := emu.Record().Account("key-a"); len(acct.Highlights) != 1 {
		t.Fatalf("%d highlights posted, want 1: CI posted the laptop's uncertain item again", len(acct.Highlights))
	}
}
