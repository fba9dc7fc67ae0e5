//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// gitCrash is the crash world with the git backend: two machines (each its
// own copy of the configuration, state directory and HOME) apply one
// account through one real git remote on loopback.
type gitCrash struct {
	*crashWorld
	srv      *gittest.Server
	machines [2]gitMachine
	// keys maps an item's address to its key in the emulator's record.
	keys map[string]string
	// posts counts the POSTs the emulator received, active the requests
	// it is serving.
	posts       atomic.Int64
	mu          sync.Mutex
	idle        *sync.Cond
	active      int
	postsActive int
	// hold keeps the POSTs that arrive from being carried out, so that a
	// run can be stopped with all its POSTs waiting for answers.
	hold bool
	// slow is latency added to every POST, besides the emulator's own:
	// a stalled run's.
	slow atomic.Int64
	// pid is the process group of the apply the push hook may kill.
	pid     atomic.Int64
	scratch string
}

type gitMachine struct {
	name, dir, state string
}

// crashGitStallLatency is added to every POST of a run to be stalled, so
// that it still has a batch queued when the test reads its first result.
const crashGitStallLatency = 200 * time.Millisecond

// crashGitPushDelay is added to every push: long enough that a kill at a
// result often lands while a push is on the wire.
const crashGitPushDelay = 10 * time.Millisecond

func newGitCrash(t *testing.T, items int) *gitCrash {
	t.Helper()
	blocks, highlights := items/2, items-items/2
	w := newCrashWorld(t, blocks, highlights)
	g := &gitCrash{crashWorld: w, srv: gittest.NewServer(t, crashGitPushDelay), keys: map[string]string{}, scratch: t.TempDir()}
	g.idle = sync.NewCond(&g.mu)
	// The same items as newCrashWorld declares, by address.
	first := w.now.Add(-time.Duration(blocks) * 10 * time.Minute)
	for i := range blocks {
		s := first.Add(time.Duration(i) * 10 * time.Minute)
		g.keys[fmt.Sprintf("offline_time.b%d", i)] = "o|" + s.UTC().Format(time.RFC3339) + fmt.Sprintf("|Block %d", i%5)
	}
	for i := range highlights {
		g.keys[fmt.Sprintf("highlight.h%d", i)] = "h|" + w.now.AddDate(0, 0, -(i%10)).Format("2006-01-02") + fmt.Sprintf("|Note %d", i)
	}
	// The emulator behind a server of the test's own, which counts the
	// POSTs and knows when none is being served.
	emu := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		post := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "_post")
		g.mu.Lock()
		g.active++
		if post {
			g.posts.Add(1)
			g.postsActive++
		}
		g.idle.Broadcast()
		for post && g.hold {
			g.idle.Wait()
		}
		g.mu.Unlock()
		defer func() {
			g.mu.Lock()
			g.active--
			if post {
				g.postsActive--
			}
			g.idle.Broadcast()
			g.mu.Unlock()
		}()
		if d := time.Duration(g.slow.Load()); post && d > 0 {
			time.Sleep(d) // the latency under test, not a wait for an event
		}
		w.emu.ServeHTTP(rw, r)
	}))
	t.Cleanup(emu.Close)
	w.url = emu.URL
	cfg, err := os.ReadFile(filepath.Join(w.dir, "main.rt.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "main.rt.hcl"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	g.machines = [2]gitMachine{{"laptop", w.dir, t.TempDir()}, {"ci", other, t.TempDir()}}
	g.use(0)
	w.readJournal = g.remoteJournal
	return g
}

// use makes machine i the one the next rtctl runs on: its configuration,
// HOME (the configuration's directory) and state directory.
func (g *gitCrash) use(i int) {
	m := g.machines[i]
	g.dir = m.dir
	g.env = []string{"RTCTL_BACKEND=git", "RTCTL_BACKEND_REMOTE=" + g.srv.URL, "RTCTL_STATE_DIR=" + m.state}
}

// waitEmulatorIdle blocks until the emulator serves no request: what a
// killed or stopped apply sent is carried out first, as a real server
// would.
func (g *gitCrash) waitEmulatorIdle() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.active > 0 {
		g.idle.Wait()
	}
}

// waitPostsWaiting waits, for at most d, until the emulator holds n POSTs
// at once: their senders are all waiting for the answer, none between
// asking whether it may send and sending, so a stop now lands between
// POSTs.
func (g *gitCrash) waitPostsWaiting(n int, d time.Duration) {
	g.waitFor(d, func() bool { return g.postsActive >= n })
}

// setHold holds the POSTs that arrive, or lets them all go on.
func (g *gitCrash) setHold(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.hold = on
	g.idle.Broadcast()
}

// waitFor waits, for at most d, until done (called with g.mu held)
// reports true.
func (g *gitCrash) waitFor(d time.Duration, done func() bool) {
	late := false
	stop := time.AfterFunc(d, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		late = true
		g.idle.Broadcast()
	})
	defer stop.Stop()
	g.mu.Lock()
	defer g.mu.Unlock()
	for !done() && !late {
		g.idle.Wait()
	}
}

// waitEmulatorIdleFor is waitEmulatorIdle for at most d: a stopped apply
// may be stopped in the middle of writing a request, which the emulator
// then waits for.
func (g *gitCrash) waitEmulatorIdleFor(d time.Duration) {
	g.waitFor(d, func() bool { return g.active == 0 })
}

// remoteRef is the one ref under prefix on the remote ("" when none).
func (g *gitCrash) remoteRef(prefix string) string {
	out, err := exec.Command("git", "--git-dir="+g.srv.Dir, "for-each-ref", "--format=%(refname)", prefix).Output()
	if err != nil {
		g.t.Fatalf("listing %s on the remote: %v", prefix, err)
	}
	refs := strings.Fields(string(out))
	switch len(refs) {
	case 0:
		return ""
	case 1:
		return refs[0]
	}
	g.t.Fatalf("the remote holds %d refs under %s, want one account's: %v", len(refs), prefix, refs)
	return ""
}

// remoteJournalText is the journal on the remote, "" when there is none.
func (g *gitCrash) remoteJournalText() string {
	ref := g.remoteRef("refs/rtctl/journal/")
	if ref == "" {
		return ""
	}
	return g.srv.File(g.t, ref, "journal.jsonl")
}

// remoteJournal reads the journal on the remote: the account's record,
// whichever machine wrote it last.
func (g *gitCrash) remoteJournal() *journal.State {
	g.t.Helper()
	path := filepath.Join(g.scratch, "remote.jsonl")
	if err := os.WriteFile(path, []byte(g.remoteJournalText()), 0o600); err != nil {
		g.t.Fatal(err)
	}
	st, err := journal.Read(path)
	if err != nil {
		g.t.Fatalf("the journal on the remote: %v", err)
	}
	return st
}

// remoteLock is the lease on the remote, if any.
func (g *gitCrash) remoteLock() (id string, expires time.Time, ok bool) {
	ref := g.remoteRef("refs/rtctl/lock/")
	if ref == "" {
		return "", time.Time{}, false
	}
	var info struct {
		ID      string    `json:"id"`
		Expires time.Time `json:"expires"`
	}
	if err := json.Unmarshal([]byte(g.srv.File(g.t, ref, "lock.json")), &info); err != nil {
		g.t.Fatalf("the lock on the remote: %v", err)
	}
	return info.ID, info.Expires, true
}

// trailingIntents are the addresses of the intents that end the journal
// text: the batch just pushed, when a push ends with intents.
func trailingIntents(text string) []string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	var out []string
	for i := len(lines) - 1; i >= 0; i-- {
		var e struct {
			Type    journal.EntryType
			Address string
		}
		if json.Unmarshal([]byte(lines[i]), &e) != nil || e.Type != journal.Intent {
			break
		}
		out = append(out, e.Address)
	}
	return out
}

// startGitApply starts rtctl apply in a process group of its own (so a
// kill can take its git processes with it), as startApply does, with env
// added to its environment.
func (g *gitCrash) startGitApply(env []string, onResult func(pid, results, planned int), extra ...string) (string, error) {
	g.t.Helper()
	cmd := g.command(append([]string{"apply", "--auto-approve", "--rate", "0", "--parallelism", "4"}, extra...)...)
	cmd.Env = append(cmd.Env, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		g.t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		g.t.Fatal(err)
	}
	pid := cmd.Process.Pid
	g.pid.Store(int64(pid))
	var out strings.Builder
	sc := bufio.NewScanner(pipe)
	for results, planned := 0, 0; sc.Scan(); {
		out.WriteString(sc.Text() + "\n")
		if n, ok := strings.CutPrefix(sc.Text(), "Plan: "); ok {
			_, _ = fmt.Sscanf(n, "%d to create", &planned)
		}
		if strings.HasSuffix(sc.Text(), ": created") {
			results++
			onResult(pid, results, planned)
		}
	}
	err = cmd.Wait()
	g.pid.Store(0)
	waitGroupGone(pid)
	return out.String(), err
}

// waitGroupGone waits until no live process of the group pgid is left: a
// git push that outlived its rtctl (killed alone) finishes before the next
// run starts, as the next scheduled run would start after it. It reads
// /proc, where an orphan that nobody reaps shows as a zombie.
func waitGroupGone(pgid int) {
	for groupAlive(pgid) {
		time.Sleep(5 * time.Millisecond) // polling the kernel for an exit, not waiting on time
	}
}

// waitStopped waits until the process pid is stopped, and reports false
// when it exited first. It reads /proc: waitid on a child stopped through
// its process group was seen to wait for ever.
func waitStopped(pid int) bool {
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 || i+2 >= len(b) {
			return false
		}
		switch b[i+2] {
		case 'T', 't':
			return true
		case 'Z', 'X':
			return false
		}
		time.Sleep(time.Millisecond) // polling the kernel for a stop, not waiting on time
	}
}

func groupAlive(pgid int) bool {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		var state string
		var ppid, pgrp int
		if _, err := fmt.Sscanf(string(b[i+1:]), " %s %d %d", &state, &ppid, &pgrp); err == nil && pgrp == pgid && state != "Z" && state != "X" {
			return true
		}
	}
	return false
}

// gitCrashFigures are one model's figures with the git backend.
type gitCrashFigures struct {
	model                                    string
	runs, kills, inFlight, items, dups, lost int
	confirmed, adopted, retried              int
	// How the kills landed: after a result (while POSTs and pushes are in
	// flight), in a push before the remote carried it out, and after a
	// push of intents reached the remote and before its POSTs were sent
	// (with the intents so left on the remote without a POST).
	atResult, midPush, afterIntents, intentsUnsent int
	// A person's force-unlock of a killed run's lease, runs per machine.
	unlocked    int
	machineRuns [2]int
	// takeoverKills are the takeovers killed in turn, mid-apply.
	takeoverKills int
	// Stalled holders: taken over (by expiry, by force-unlock), the
	// applies refused while one held the lease, the takeovers whose new
	// holder sent what the stalled one had queued (a long stall), and the
	// POSTs the stalled ones sent once continued.
	expired, forced, refusedWhileHeld, resentAfterStall, stalledSent int
	// The remote stopped mid-apply and restarted: applies while it was
	// down, and the POSTs they sent.
	remoteRestarts, downRuns, downSent int
	wall                               time.Duration
	pushes                             int64
}

// The git seams, by run number: which runs stall and are taken over.
const (
	crashGitStallEvery = 8
	// crashGitLease is the stalled holder's lease, when it is to expire:
	// long enough that a renewal every third of it is in time on a loaded
	// machine under the race detector (at 2 s a holder found its own
	// lease run out before it could be stalled).
	crashGitLease = 5 * time.Second
)

var forceUnlockID = regexp.MustCompile(`run rtctl force-unlock ([0-9a-f]+)`)

// TestApplySurvivesSIGKILLGitBackend is the crash test with the git
// backend: real rtctl apply processes on two machines apply one account
// through a real git remote on loopback (git http-backend), and are killed
// with SIGKILL after a result, in the middle of a push, and between the
// push of a batch's intents and its POSTs; holders are stalled (SIGSTOP)
// until their lease expires or a person force-unlocks it, another machine
// takes over, and the stalled one, continued, must send nothing more; the
// remote is killed mid-apply and restarted. Apply is run again until it
// completes, and the emulator's record must hold every item exactly once.
func TestApplySurvivesSIGKILLGitBackend(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	gittest.GitOrSkip(t)
	kills, items, long := crashSize(t)
	if raceEnabled && !long && os.Getenv("RTCTL_CRASH_ITEMS") == "" {
		// A stall needs more than its four POSTs in flight still to send,
		// and the stalls' takeovers post too: at the race detector's 100
		// items a campaign could run out of items before its second
		// stall (a seam not worked, under load).
		items = 160
	}
	if long && os.Getenv("RTCTL_CRASH_KILLS") == "" {
		// A kill here costs about twice the items of the local model's
		// (the stalls and their takeovers post too): 2,000 items last
		// for about 100 of them.
		kills = 100
	}
	models := []string{"clean", "faults", "faults, 3-minute sync delay"}
	figures := make([]gitCrashFigures, len(models))
	t.Run("models", func(t *testing.T) {
		for i, name := range models {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				for _, m := range crashModels {
					if m.name == name {
						figures[i] = crashGitModel(t, name, m.model, m.faults, kills, items)
					}
				}
			})
		}
	})
	if t.Failed() {
		return
	}
	size := "the suite's size"
	if long {
		size = "the release size (RTCTL_CRASH_LONG=1)"
	}
	t.Logf("git backend, %d kills over %d items per model, %s:\n%s", kills, items, size, gitFiguresTable(figures))
}

func crashGitModel(t *testing.T, name string, model emulator.Model, faults bool, kills, items int) gitCrashFigures {
	g := newGitCrash(t, items)
	rules := []emulator.FaultRule{
		{Path: "offline_time_post", Latency: emulator.Duration(20 * time.Millisecond)},
		{Path: "highlights_post", Latency: emulator.Duration(20 * time.Millisecond)},
	}
	if faults {
		rules = append(rules, crashFaults()...)
	}
	if err := g.emu.SetFaults(emulator.Faults{Rules: rules}); err != nil {
		t.Fatal(err)
	}
	if err := g.emu.SetModel(crashKey, model); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	f := g.crashUntilDone(kills)
	f.model, f.wall, f.pushes = name, time.Since(start), g.srv.Pushes.Load()
	t.Logf("%s: %s", name, gitFiguresRow(f))
	if f.kills < kills/2 || f.inFlight == 0 {
		t.Errorf("only %d kills, %d in flight: the test did not exercise crashes mid-apply", f.kills, f.inFlight)
	}
	// A campaign too small to work a seam fails rather than passes.
	for _, s := range []struct {
		worked bool
		what   string
	}{
		{f.atResult > 0, "kills after a result"},
		{f.midPush > 0, "kills in the middle of a push"},
		{f.afterIntents > 0 && f.intentsUnsent > 0, "kills between the push of intents and their POSTs, leaving intents on the remote never sent"},
		{f.unlocked > 0, "a killed run's lease force-unlocked by a person"},
		{f.machineRuns[0] > 0 && f.machineRuns[1] > 0, "runs on both machines"},
		{f.expired > 0, "a stalled holder's lease expiring and taken over"},
		{f.forced > 0, "a stalled holder's lease force-unlocked and taken over"},
		{f.refusedWhileHeld > 0, "an apply on the other machine refused while a stalled holder held the lease"},
		{f.resentAfterStall > 0, "a takeover sending what the stalled holder had queued (a stall past the settling time)"},
		{f.remoteRestarts > 0 && f.downRuns > 0, "the remote stopped mid-apply, an apply while it was down, and the remote restarted"},
	} {
		if !s.worked {
			t.Errorf("a seam was not worked: %s (%+v)", s.what, f)
		}
	}
	return f
}

// crashUntilDone is crashWorld.crashUntilDone for the git backend: it
// runs apply, the machines taking turns, until nothing is left to do,
// and while kills go on each run has a part:
//   - every crashGitStallEvery-th run is stalled after its first result
//     and its lease taken over by the other machine (stallAndTakeOver);
//   - once, from half the kills on, the remote is stopped after the third
//     push of a run, an apply is run while it is down, and it is started
//     again (remoteDownRun);
//   - every other run is killed, the kinds of kill taking turns: after a
//     result (the process alone: its git push is left to finish), in a
//     push before the remote carries it out, after a push of intents
//     reached the remote and before their POSTs, after a result (with its
//     git).
//
// A run that finds a killed run's lease on the remote is refused; the
// person force-unlocks it, as the message says, and the runs go on.
func (g *gitCrash) crashUntilDone(kills int) gitCrashFigures {
	t := g.t
	rng := rand.New(rand.NewPCG(7, 13))
	f := gitCrashFigures{items: g.items}
	inFlight := map[string]bool{}
	var retry []string
	retried := map[string]bool{}
	stalls, stallDue := 0, false
	for done := false; !done; {
		if f.runs > 100+6*kills {
			t.Fatal("apply never completed")
		}
		f.runs++
		machine := f.runs % 2
		g.use(machine)
		f.machineRuns[machine]++
		args := []string(nil)
		if len(retry) > 0 {
			args = append(args, "--retry-uncertain")
			for _, a := range retry {
				args = append(args, "--target", a)
				retried[a] = true
			}
			retry = nil
		} else {
			g.advance(11 * time.Minute)
		}
		// A run due to be stalled is, at its first result, unless it
		// was killed before; one that reports no result (refused for a
		// killed run's lease, stopped by a failing server) leaves it to
		// the next.
		kind, stopAt := -1, int64(0)
		// The first two stalls (one of each way, both past the
		// settling time) come early, for a small campaign.
		stallDue = stallDue || f.runs%crashGitStallEvery == 0 || (stalls < 2 && f.runs%2 == 0)
		// The stalls and the remote's restart go on past the last kill
		// until each of their seams was worked, or nothing is left to do.
		stallsWorked := f.expired > 0 && f.forced > 0 && f.refusedWhileHeld > 0 && f.resentAfterStall > 0
		stall := stallDue && (f.kills < kills || !stallsWorked)
		switch {
		case f.remoteRestarts == 0 && f.kills >= min(kills/2, 4) && !stall:
			// This push is carried out; every later one finds the
			// remote gone.
			stopAt = 3
		case f.kills < kills:
			kind = f.kills % 4
		}
		// A run stopped by a failing server reports few results, and a
		// run reads ahead of the test: kills land within the first five,
		// so that the items last for every kill.
		killAfter := 1 + rng.IntN(max(2, min(5, g.items/kills)))
		pushAt := 1 + rng.Int64N(4)
		var (
			killed, remoteDown atomic.Bool
			disarmed           atomic.Bool
			pushes             atomic.Int64
			hookMu             sync.Mutex
			unsent             []string
		)
		killGroup := func() {
			if pid := g.pid.Load(); pid != 0 && !disarmed.Load() && killed.CompareAndSwap(false, true) {
				_ = syscall.Kill(-int(pid), syscall.SIGKILL)
			}
		}
		g.srv.OnPush(func(done bool) {
			hookMu.Lock()
			defer hookMu.Unlock()
			if !done {
				n := pushes.Add(1)
				if n == stopAt {
					go g.srv.Stop()
					remoteDown.Store(true)
				}
				if kind == 1 && n == pushAt {
					killGroup()
				}
				return
			}
			if kind == 2 && !killed.Load() && pushes.Load() >= pushAt {
				if batch := trailingIntents(g.remoteJournalText()); len(batch) > 0 {
					unsent = batch
					killGroup()
				}
			}
		})
		if stall {
			g.slow.Store(int64(crashGitStallLatency))
		}
		var env []string
		if stall && stalls%2 == 0 {
			// This run's lease is to expire while it is stalled.
			env = []string{"RTCTL_BACKEND_LEASE=" + crashGitLease.String()}
		}
		stalledPosts, stallNote := int64(-1), ""
		out, err := g.startGitApply(env, func(pid, results, planned int) {
			if stall && results == 1 && planned > 8 && !killed.Load() {
				// Not killed now: it is stalled instead.
				disarmed.Store(true)
				stall = false
				stalledPosts, stallNote = g.stallAndTakeOver(pid, machine, stalls, rng, &f)
				// A run that ended before it could be stopped (a
				// failing server stopped it) leaves the stall, of the
				// same kind, to the next.
				if stalledPosts >= 0 {
					stalls++
					stallDue = false
				}
			}
			if (kind == 0 || kind == 3) && results == killAfter && !disarmed.Load() {
				if kind == 3 {
					killGroup()
				} else if killed.CompareAndSwap(false, true) {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}, args...)
		g.srv.OnPush(nil)
		g.waitEmulatorIdle()
		g.srv.WaitIdle()
		g.slow.Store(0)
		if stalledPosts >= 0 {
			// Once continued, the stalled apply must have found its lease
			// gone at its next journal update and sent nothing more.
			if sent := g.posts.Load() - stalledPosts; sent > 0 {
				f.stalledSent += int(sent)
				t.Errorf("run %d (%s): the stalled apply sent %d POSTs after its lease was taken over\n%s", f.runs, stallNote, sent, out)
			}
			if err == nil {
				t.Errorf("run %d (%s): the stalled apply exited 0 after its lease was taken over\n%s", f.runs, stallNote, out)
			}
		}
		if killed.Load() {
			f.kills++
			switch kind {
			case 0, 3:
				f.atResult++
			case 1:
				f.midPush++
			case 2:
				f.afterIntents++
				inAccount := g.posted()
				for _, a := range unsent {
					if inAccount[g.keys[a]] == 0 {
						f.intentsUnsent++
					}
				}
			}
			for _, r := range g.remoteJournal().Records() {
				if r.Pending() {
					inFlight[r.Key] = true
				}
			}
		}
		if f.runs%50 == 0 {
			t.Logf("%d runs, %d kills, %d stalls, %d of %d items posted", f.runs, f.kills, stalls, len(g.posted()), g.items)
		}
		if os.Getenv("RTCTL_CRASH_DEBUG") != "" {
			t.Logf("run %d on the %s (kill kind %d, stalled %v, stop the remote at push %d, remote stopped %v): killed %v, %v\n%s", f.runs, g.machines[machine].name, kind, stalledPosts >= 0, stopAt, remoteDown.Load(), killed.Load(), err, lastLines(out, 3))
		}
		if remoteDown.Load() {
			g.remoteDownRun(&f)
			continue
		}
		var ee *exec.ExitError
		switch {
		case err == nil:
			done = strings.Contains(out, "No changes") && len(args) == 0
		case errors.As(err, &ee) && strings.Contains(out, "journal is locked by"):
			// A killed run's lease: the person removes it, as the
			// message says.
			g.forceUnlock(out)
			f.unlocked++
		case errors.As(err, &ee) && ee.ExitCode() == exitAttention && !killed.Load():
			c, a, r := g.resolveUncertain()
			f.confirmed, f.adopted, retry = f.confirmed+c, f.adopted+a, r
		case errors.As(err, &ee):
			// Killed, stalled and taken over, or some items failed: run
			// again.
		default:
			t.Fatal(err)
		}
	}
	for i := range g.machines {
		g.use(i)
		if out, err := g.command("plan", "--detailed-exitcode").CombinedOutput(); err != nil {
			t.Fatalf("plan on the %s after the last apply: %v\n%s", g.machines[i].name, err, out)
		}
	}
	f.inFlight, f.retried = len(inFlight), len(retried)
	f.dups, f.lost = g.checkExactlyOnce()
	return f
}

// forceUnlock does what the message of an apply refused for a lease says:
// rtctl force-unlock ID.
func (g *gitCrash) forceUnlock(refused string) {
	m := forceUnlockID.FindStringSubmatch(refused)
	if m == nil {
		g.t.Fatalf("refused for the lease, with no force-unlock ID in the message:\n%s", refused)
	}
	if out, err := g.command("force-unlock", m[1]).CombinedOutput(); err != nil {
		g.t.Fatalf("rtctl force-unlock %s: %v\n%s", m[1], err, out)
	}
}

// stallAndTakeOver stops the apply pid (on machine) after its first
// result, with more queued, and lets the other machine take its lease
// over, by turns: the lease expiring (the apply was started with a short
// lease) or a person's force-unlock (after an apply there was refused for
// the lease); the takeover within the settling time, or past it, when it
// sends what the stalled apply had queued. The takeover may be killed in
// turn. It returns the emulator's POST count as the stalled apply is
// continued (-1 when it could not be stalled), and which stall this was.
func (g *gitCrash) stallAndTakeOver(pid, machine, n int, rng *rand.Rand, f *gitCrashFigures) (int64, string) {
	t := g.t
	g.srv.OnPush(nil)
	// The run is stopped with its POSTs held at the emulator, all four
	// waiting for answers: none between asking the lease and sending, a
	// window no lease can close (docs/RELIABILITY.md). Fewer than four
	// means no more were coming (a worker waiting out a Retry-After asks
	// the lease again when it is done).
	g.setHold(true)
	g.waitPostsWaiting(4, 20*time.Second)
	// The whole group stops, as a laptop closed mid-apply: rtctl and the
	// git it runs.
	err := syscall.Kill(-pid, syscall.SIGSTOP)
	stoppedAt := time.Now()
	stopped := err == nil && waitStopped(pid)
	g.setHold(false)
	if err != nil {
		t.Fatal(err)
	}
	if !stopped {
		return -1, ""
	}
	// What it had sent is carried out first (a request it was stopped in
	// the middle of writing stays unfinished, as on a real server).
	g.waitEmulatorIdleFor(2 * time.Second)
	other := 1 - machine
	defer g.use(machine)
	g.use(other)
	expire := n%2 == 0
	long := n%4 < 2
	note := fmt.Sprintf("stall %d: lease expired %v, past the settling time %v", n, expire, long)
	id, expires, ok := g.remoteLock()
	if !ok {
		// Past its lease already (a server failing three times in a row
		// stops an apply early): nothing to take over.
		if err := syscall.Kill(-pid, syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		return -1, note
	}
	if expire {
		// The lease is real, in real time: the stall outlasts it.
		time.Sleep(time.Until(expires) + 100*time.Millisecond)
		f.expired++
	} else {
		before := g.posts.Load()
		out, err := g.command("apply", "--auto-approve", "--rate", "0").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "journal is locked by") {
			t.Errorf("%s: an apply on the other machine while the lease was held: %v, want it refused for the lease\n%s", note, err, out)
		} else {
			f.refusedWhileHeld++
		}
		if sent := g.posts.Load() - before; sent > 0 {
			t.Errorf("%s: the apply refused for the lease sent %d POSTs", note, sent)
		}
		if out, err := g.command("force-unlock", id).CombinedOutput(); err != nil {
			t.Fatalf("rtctl force-unlock %s: %v\n%s", id, err, out)
		}
		f.forced++
	}
	if long {
		// Past plan.SettleAfter: the stalled apply's queued intents are
		// settled from the feeds as absent, and sent by the takeover.
		g.advance(40 * time.Minute)
	} else {
		g.advance(11 * time.Minute)
	}
	stalledIntents := map[string]bool{}
	for _, r := range g.remoteJournal().Records() {
		if r.Pending() {
			stalledIntents[r.Address] = true
		}
	}
	inAccount := g.posted()
	killAfter := 2 + rng.IntN(8)
	killed := false
	out, err := g.startGitApply(nil, func(pid, results, _ int) {
		if results == killAfter {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			killed = true
		}
	})
	if strings.Contains(out, "journal is locked by") {
		t.Fatalf("%s: the takeover was refused for the lease: %v\n%s", note, err, out)
	}
	g.waitEmulatorIdleFor(2 * time.Second)
	if killed {
		f.kills++
		f.atResult++
		f.takeoverKills++
	}
	if long {
		now := g.posted()
		for a := range stalledIntents {
			if k := g.keys[a]; now[k] > inAccount[k] {
				f.resentAfterStall++
			}
		}
	}
	// A stall a person force-unlocks lasts minutes; one shorter than the
	// lease's confirmWithin (a second) passes the stalled run's ask on its
	// last confirmation by the remote, and is not what this seam is about.
	if d := 2*time.Second - time.Since(stoppedAt); d > 0 {
		time.Sleep(d) // the lease's real time, not a wait for an event
	}
	posts := g.posts.Load()
	if err := syscall.Kill(-pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	return posts, note
}

// remoteDownRun runs apply while the remote is down (it must send
// nothing and say why) and starts the remote again on the same
// repository.
func (g *gitCrash) remoteDownRun(f *gitCrashFigures) {
	t := g.t
	g.srv.Stop()
	before := g.posts.Load()
	out, err := g.command("apply", "--auto-approve", "--rate", "0").CombinedOutput()
	f.downRuns++
	if err == nil || !strings.Contains(string(out), "remote") {
		t.Errorf("apply with the remote down: %v, want it refused, saying the remote cannot be reached\n%s", err, out)
	}
	g.waitEmulatorIdle()
	if sent := g.posts.Load() - before; sent > 0 {
		f.downSent += int(sent)
		t.Errorf("apply with the remote down sent %d POSTs:\n%s", sent, out)
	}
	g.srv.Start(t)
	f.remoteRestarts++
}

// gitFiguresRow is one model's figures as the reliability report lists
// them.
func gitFiguresRow(f gitCrashFigures) string {
	return fmt.Sprintf("| %s | %d (%d + %d) | %d | %d / %d / %d (%d intents never sent) | %d | %d | %d (%d confirmed, %d adopted, %d retried) | %d expired, %d force-unlocked, %d refused, %d items resent by the takeover, %d takeovers killed, %d POSTs sent after | %d (%d runs while down, %d sent) | %d | %d | %d | %s | %d |",
		f.model, f.runs, f.machineRuns[0], f.machineRuns[1], f.kills, f.atResult, f.midPush, f.afterIntents, f.intentsUnsent, f.inFlight, f.unlocked,
		f.confirmed+f.adopted+f.retried, f.confirmed, f.adopted, f.retried,
		f.expired, f.forced, f.refusedWhileHeld, f.resentAfterStall, f.takeoverKills, f.stalledSent,
		f.remoteRestarts, f.downRuns, f.downSent, f.items, f.dups, f.lost, f.wall.Round(time.Second), f.pushes)
}

func gitFiguresTable(figs []gitCrashFigures) string {
	var b bytes.Buffer
	b.WriteString("| model | runs (laptop + ci) | kills | at a result / mid-push / between intents and POST | items left in flight | leases force-unlocked after a kill | resolved by a person | stalled holders | remote restarted | items | duplicates | lost | wall time | pushes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range figs {
		b.WriteString(gitFiguresRow(f) + "\n")
	}
	return b.String()
}

// TestGitStalledHolderSendsNothingMore stalls an apply with the git
// backend after its first result, with POSTs queued whose intents are on
// the remote, and lets the other machine take its lease over: by the
// lease expiring, or by a person's force-unlock. Continued, the stalled
// apply must send nothing more (its lease is gone: what it queued is the
// new holder's to settle) and exit non-zero; the account ends with every
// item once.
func TestGitStalledHolderSendsNothingMore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	gittest.GitOrSkip(t)
	for _, tc := range []struct {
		name  string
		stall int // stallAndTakeOver's turn: 0 expires, 1 is force-unlocked
	}{
		{"lease expired", 0},
		{"force-unlocked", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGitCrash(t, 100)
			g.slow.Store(int64(crashGitStallLatency))
			var env []string
			if tc.stall == 0 {
				env = []string{"RTCTL_BACKEND_LEASE=" + crashGitLease.String()}
			}
			var f gitCrashFigures
			posts, note := int64(-1), ""
			rng := rand.New(rand.NewPCG(1, 2))
			out, err := g.startGitApply(env, func(pid, results, _ int) {
				if results == 1 {
					posts, note = g.stallAndTakeOver(pid, 0, tc.stall, rng, &f)
				}
			})
			g.waitEmulatorIdle()
			if posts < 0 {
				t.Fatalf("the apply could not be stalled with its lease held:\n%s", out)
			}
			if sent := g.posts.Load() - posts; sent > 0 {
				t.Errorf("%s: the stalled apply sent %d POSTs after its lease was taken over\n%s", note, sent, out)
			}
			if err == nil {
				t.Errorf("%s: the stalled apply exited 0 after its lease was taken over\n%s", note, out)
			}
			t.Logf("%s: the stalled apply, continued: %v\n%s", note, err, lastLines(out, 4))
			g.finish()
			g.checkExactlyOnce()
		})
	}
}

// finish runs apply, the machines taking turns, until nothing is left to
// do, acting as the person where a run asks for one.
func (g *gitCrash) finish() {
	t := g.t
	var retry []string
	for run := 0; ; run++ {
		if run > 20 {
			t.Fatal("apply never completed")
		}
		g.use(run % 2)
		args := []string{"apply", "--auto-approve", "--rate", "0"}
		if len(retry) > 0 {
			args = append(args, "--retry-uncertain")
			for _, a := range retry {
				args = append(args, "--target", a)
			}
			retry = nil
		} else {
			g.advance(40 * time.Minute)
		}
		out, err := g.command(args...).CombinedOutput()
		var ee *exec.ExitError
		switch {
		case err == nil && strings.Contains(string(out), "No changes") && len(args) == 4:
			return
		case err == nil:
		case errors.As(err, &ee) && strings.Contains(string(out), "journal is locked by"):
			g.forceUnlock(string(out))
		case errors.As(err, &ee) && ee.ExitCode() == exitAttention:
			_, _, retry = g.resolveUncertain()
		case errors.As(err, &ee):
		default:
			t.Fatal(err)
		}
	}
}

// lastLines is the end of an output, for a log.
func lastLines(out string, n int) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
