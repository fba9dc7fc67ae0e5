package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
	"github.com/rtctl/rtctl/pkg/spec"
)

// crashWorld is an emulator on loopback and a configuration of many items,
// for tests that run real rtctl processes against it.
type crashWorld struct {
	t     *testing.T
	emu   *emulator.Emulator
	clock *emulator.ManualClock
	// conns counts the emulator's open connections. A request sent just
	// before its client was killed is still carried out, as a real server
	// would, and the next run must start after it, as a real schedule's
	// next run would: the connection closes once the handler is done.
	mu    sync.Mutex
	quiet *sync.Cond
	conns int
	url   string
	dir   string
	now   time.Time
	items int // offline blocks + highlights declared
	// journalPath is the journal the next rtctl process uses (its
	// RTCTL_JOURNAL); empty for the configuration's own, in .rtctl.
	journalPath string
	// serverLag is how far the account's clock is behind rtctl's.
	serverLag time.Duration
	// env is added to every rtctl process's environment, and readJournal,
	// when set, is the journal the test reads: the git backend's model
	// (crash_git_test.go) gives its remote and the journal there.
	env         []string
	readJournal func() *journal.State
	// gate, when set, stands before the emulator (crash_lock_test.go).
	gate atomic.Pointer[postGate]
}

const (
	crashKey      = "crash-key"
	crashOtherKey = "crash-other-key"
)

func newCrashWorld(t *testing.T, blocks, highlights int) *crashWorld {
	t.Helper()
	if _, err := exec.LookPath("rtctl"); err != nil {
		t.Skip("rtctl is not on PATH (TestMain puts it there)")
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, berlin)
	clock := emulator.NewManualClock(now)
	emu, err := emulator.New(emulator.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.AddAccount(emulator.Account{Key: crashKey, Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 3}); err != nil {
		t.Fatal(err)
	}
	// Another account, whose key journal rotate-key is given while an
	// apply holds the lock: it must be refused before it binds the
	// journal to it.
	if err := emu.AddAccount(emulator.Account{Key: crashOtherKey, Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 4}); err != nil {
		t.Fatal(err)
	}
	w := &crashWorld{t: t, emu: emu, clock: clock, now: now, items: blocks + highlights}
	w.quiet = sync.NewCond(&w.mu)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(w.serve))
	srv.Config.ConnState = w.connState
	srv.Start()
	t.Cleanup(srv.Close)
	w.url = srv.URL

	var cfg bytes.Buffer
	cfg.WriteString("rtctl {\n  timezone = \"Europe/Berlin\"\n}\n")
	// Blocks of 5 minutes every 10: a thousand of them span 7 days, and
	// the runs, 11 minutes apart, move the clock up to 3 days more, so
	// that no block leaves the 14-day lookback before the last run. One
	// that did would no longer be planned (out of the window), and would
	// count as lost.
	const every = 10 * time.Minute
	first := now.Add(-time.Duration(blocks) * every)
	if limit := now.Add(3 * 24 * time.Hour).Add(-spec.DefaultLookback); first.Before(limit) {
		t.Fatalf("%d blocks reach back to %s: past the lookback of the last runs", blocks, first)
	}
	for i := range blocks {
		s := first.Add(time.Duration(i) * every)
		fmt.Fprintf(&cfg, "\noffline_time \"b%d\" {\n  start    = %q\n  duration = \"5m\"\n  activity = \"Block %d\"\n}\n", i, s.Format("2006-01-02 15:04"), i%5)
	}
	for i := range highlights {
		d := now.AddDate(0, 0, -(i % 10))
		fmt.Fprintf(&cfg, "\nhighlight \"h%d\" {\n  date        = %q\n  description = \"Note %d\"\n}\n", i, d.Format("2006-01-02"), i)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), cfg.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	w.dir = dir
	return w
}

func (w *crashWorld) serve(rw http.ResponseWriter, r *http.Request) {
	if g := w.gate.Load(); g != nil {
		g.ServeHTTP(rw, r)
		return
	}
	w.emu.ServeHTTP(rw, r)
}

func (w *crashWorld) connState(_ net.Conn, s http.ConnState) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch s {
	case http.StateNew:
		w.conns++
	case http.StateClosed, http.StateHijacked:
		w.conns--
		w.quiet.Broadcast()
	}
}

// waitQuiet blocks until the emulator has no open connection left.
func (w *crashWorld) waitQuiet() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.conns > 0 {
		w.quiet.Wait()
	}
}

// startApply starts rtctl apply (no rate limit, 4 POSTs in flight) and
// calls onResult with the running count each time an item is reported
// created, and the number the plan said it would create, so tests can
// strike mid-apply whatever the machine's speed. It returns the whole
// output and the process's exit error.
func (w *crashWorld) startApply(onResult func(cmd *exec.Cmd, results, planned int), extra ...string) (string, error) {
	w.t.Helper()
	cmd := w.command(append([]string{"apply", "--auto-approve", "--rate", "0", "--parallelism", "4"}, extra...)...)
	// The lock probe may stop it: in a group of its own, nothing but the
	// probe continues it.
	stoppable(cmd)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		w.t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	var out strings.Builder
	sc := bufio.NewScanner(pipe)
	for results, planned := 0, 0; sc.Scan(); {
		out.WriteString(sc.Text() + "\n")
		if n, ok := strings.CutPrefix(sc.Text(), "Plan: "); ok {
			_, _ = fmt.Sscanf(n, "%d to create", &planned)
		}
		if strings.HasSuffix(sc.Text(), ": created") {
			results++
			onResult(cmd, results, planned)
		}
	}
	return out.String(), cmd.Wait()
}

// advance moves time on, for the account and for rtctl alike, as between
// two scheduled runs; the account's clock stays serverLag behind.
func (w *crashWorld) advance(d time.Duration) {
	w.now = w.now.Add(d)
	w.clock.Set(w.now.Add(-w.serverLag))
}

func (w *crashWorld) command(args ...string) *exec.Cmd {
	return w.commandContext(context.Background(), args...)
}

// commandContext is command, killed when ctx is done.
func (w *crashWorld) commandContext(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "rtctl", args...)
	cmd.Dir = w.dir
	cmd.Env = crashEnv(w.dir,
		"RTCTL_ENDPOINT="+w.url,
		"RESCUETIME_API_KEY="+crashKey,
		"RTCTL_NOW="+w.now.Format(time.RFC3339),
		"NO_COLOR=1",
	)
	if w.journalPath != "" {
		cmd.Env = append(cmd.Env, "RTCTL_JOURNAL="+w.journalPath)
	}
	cmd.Env = append(cmd.Env, w.env...)
	return cmd
}

// crashEnv is the whole environment of an rtctl process under test, built
// from scratch: an RTCTL_JOURNAL, RESCUETIME_ACCESS_TOKEN or RTCTL_VAR_ set
// by the person running the tests must not reach it. Only PATH is kept,
// which finds the rtctl that TestMain provides; HOME points into the test's
// own directory; GORACE only spares each process the race runtime's
// second at exit.
func crashEnv(home string, vars ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GORACE=" + quickRaceExit()}, vars...)
}

// checkExactlyOnce asserts, from the emulator's record, that every declared
// item was posted exactly once: no duplicate, none lost.
func (w *crashWorld) checkExactlyOnce() (dups, lost int) {
	w.t.Helper()
	seen := w.posted()
	for k, n := range seen {
		if n > 1 {
			dups += n - 1
			w.t.Errorf("posted %d times: %s", n, k)
		}
	}
	lost = w.items - len(seen)
	if lost != 0 {
		w.t.Errorf("%d declared items were never posted", lost)
	}
	return dups, lost
}

// crashSize is how large the SIGKILL runs are: kills per model and items
// (half offline blocks, half highlights). The suite runs them small;
// RTCTL_CRASH_LONG=1 runs the release check (200 kills over 2,000 items
// per model), and RTCTL_CRASH_KILLS / RTCTL_CRASH_ITEMS set them outright.
func crashSize(t *testing.T) (kills, items int, long bool) {
	kills, items = 6, 200
	if raceEnabled {
		// Every run is a process several times slower under the race
		// detector; the seams are all still worked at this size.
		// (Smaller, a model's campaign has too few runs to probe the lock.)
		kills, items = 4, 100
	}
	if os.Getenv("RTCTL_CRASH_LONG") != "" {
		kills, items, long = 200, 2000, true
	}
	for name, v := range map[string]*int{"RTCTL_CRASH_KILLS": &kills, "RTCTL_CRASH_ITEMS": &items} {
		if s := os.Getenv(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				t.Fatalf("%s=%q: want a positive number", name, s)
			}
			*v = n
		}
	}
	return kills, items, long
}

// crashFaults are the faults of the runs "with faults": 5xx answers, 429s,
// latency and responses lost after the write.
func crashFaults() []emulator.FaultRule {
	return []emulator.FaultRule{
		{Path: "offline_time_post", Status: 503, Rate: 0.05, Seed: 1},
		{Path: "highlights_post", Status: 429, Rate: 0.05, Seed: 2},
		{Path: "highlights_post", Status: 500, Rate: 0.03, Seed: 3},
		{Path: "offline_time_post", LoseResponses: 15},
		{Path: "highlights_post", LoseResponses: 10, LoseMode: "502"},
	}
}

// crashModels are the ways the real API may behave where it is unknown
// (docs/emulator.md): the crash runs must end with nothing posted twice
// under each.
var crashModels = []struct {
	name   string
	model  emulator.Model
	faults bool
}{
	{name: "clean", faults: false},
	{name: "faults", faults: true},
	{name: "faults, report under another name", model: emulator.Model{OfflineReport: emulator.OfflineOtherName}, faults: true},
	{name: "faults, report hides offline time", model: emulator.Model{OfflineReport: emulator.OfflineHidden}, faults: true},
	{name: "faults, 3-minute sync delay", model: emulator.Model{SyncDelay: emulator.RealisticSyncDelay}, faults: true},
	{name: "faults, highlights feed capped at 25", model: emulator.Model{HighlightsCap: 25}, faults: true},
}

// crashFigures are one model's figures, as the reliability report prints
// them.
type crashFigures struct {
	model                                    string
	runs, kills, inFlight, items, dups, lost int
	confirmed, adopted, retried              int
	// The seams: whether the journal was lost mid-campaign, the runs on
	// another journal of the account, the journal commands refused while
	// an apply held the lock, and the runs with the account's clock
	// behind rtctl's.
	lostJournal                    bool
	otherRuns, refused, laggedRuns int
	// otherRefused are the refusals while an apply on the other journal
	// held the lock.
	otherRefused int
}

// TestApplySurvivesSIGKILL kills real rtctl apply processes at many points
// of a large apply, re-runs apply until it completes, and checks from the
// emulator's record that every item was posted exactly once: under each
// model of the API's unknowns, with faults injected (5xx, 429, latency,
// responses lost after the write), and at the seams around a run (a
// journal lost mid-campaign, runs on another journal of the account,
// journal commands started while an apply holds the lock, an account whose
// clock is behind rtctl's). Where rtctl leaves an item uncertain for a
// person, the test acts as the person: it looks in the account, then
// confirms, adopts or retries the item, as the message says.
func TestApplySurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	kills, items, long := crashSize(t)
	// Each model has its own emulator and directory: side by side, they
	// keep both cores busy while runs wait on the emulator's latency. The
	// group returns when every model has finished.
	figures := make([]crashFigures, len(crashModels))
	t.Run("models", func(t *testing.T) {
		for i, tc := range crashModels {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				figures[i] = crashModel(t, tc.name, tc.model, tc.faults, kills, items)
			})
		}
	})
	if path := os.Getenv("RTCTL_CRASH_REPORT"); path != "" && !t.Failed() {
		if err := writeReliabilityFigures(path, figures, long); err != nil {
			t.Fatal(err)
		}
	}
}

// crashModel runs the crash test under one model of the API.
func crashModel(t *testing.T, name string, model emulator.Model, faults bool, kills, items int) crashFigures {
	w := newCrashWorld(t, items/2, items-items/2)
	rules := []emulator.FaultRule{
		{Path: "offline_time_post", Latency: emulator.Duration(20 * time.Millisecond)},
		{Path: "highlights_post", Latency: emulator.Duration(20 * time.Millisecond)},
	}
	if faults {
		rules = append(rules, crashFaults()...)
	}
	if err := w.emu.SetFaults(emulator.Faults{Rules: rules}); err != nil {
		t.Fatal(err)
	}
	if err := w.emu.SetModel(crashKey, model); err != nil {
		t.Fatal(err)
	}
	f := w.crashUntilDone(kills)
	f.model = name
	t.Logf("%s: %d runs, %d killed (leaving %d items with a POST but no outcome), %d resolved by a person (%d confirmed, %d adopted, %d retried), journal lost: %v, %d runs on another journal, %d journal commands refused for the lock (%d of them on the other journal), %d runs with the server's clock behind, %d items, %d duplicates, %d lost",
		name, f.runs, f.kills, f.inFlight, f.confirmed+f.adopted+f.retried, f.confirmed, f.adopted, f.retried, f.lostJournal, f.otherRuns, f.refused, f.otherRefused, f.laggedRuns, f.items, f.dups, f.lost)
	if f.kills < kills/2 || f.inFlight == 0 {
		t.Errorf("only %d kills, %d in flight: the test did not exercise crashes mid-apply", f.kills, f.inFlight)
	}
	if !f.lostJournal || (crashTwoJournals() && f.otherRuns == 0) || (canStopProcesses && (f.refused == f.otherRefused || (crashTwoJournals() && f.otherRefused == 0))) || f.laggedRuns == 0 {
		t.Errorf("a seam was not exercised: journal lost %v, %d runs on another journal, %d journal commands refused (%d on the other journal), %d runs with a clock behind", f.lostJournal, f.otherRuns, f.refused, f.otherRefused, f.laggedRuns)
	}
	return f
}

// crashTwoJournals reports whether the campaign runs the seam of two
// journals: on, unless RTCTL_CRASH_TWO_JOURNALS=0 turns it off to look at
// the other seams alone.
func crashTwoJournals() bool { return os.Getenv("RTCTL_CRASH_TWO_JOURNALS") != "0" }

// The seams, by run number: which runs use another journal, which are
// stopped while the journal commands run, which find the account's clock
// behind, and by how much.
const (
	crashOtherEvery = 5
	crashProbeEvery = 4
	crashLagEvery   = 3
	crashServerLag  = 3 * time.Second
)

// crashUntilDone runs apply until nothing is left to do, killing the first
// kills runs mid-apply, and returns the figures. Around the runs, it works
// the seams where a journal meets the world outside one apply:
//   - once, after a kill on the configuration's journal that left items
//     both applied and without an outcome, from half the kills on, every
//     journal in .rtctl is deleted (a lost journal), and the runs go on;
//   - with RTCTL_CRASH_TWO_JOURNALS=1, while kills go on, every
//     crashOtherEvery-th run uses another journal of the account in
//     .rtctl (RTCTL_JOURNAL), as a second copy of the scheduled job would;
//   - every crashProbeEvery runs, and on the other journal until a probe
//     there is done, the next run with more to send than it has in flight
//     is stopped (SIGSTOP) after its first result and, if it holds the
//     account's lock, every command that writes a journal is started on
//     its journal: each must be refused for the lock, and the account's
//     journals must stay as the apply left them, byte for byte;
//   - every crashLagEvery-th run finds the account's clock crashServerLag
//     behind rtctl's.
func (w *crashWorld) crashUntilDone(kills int) crashFigures {
	t := w.t
	rng := rand.New(rand.NewPCG(7, 11))
	f := crashFigures{items: w.items}
	inFlight := map[string]bool{}
	// It sorts after the configuration's own, which the runs without
	// RTCTL_JOURNAL keep using: of two journals of one account in .rtctl,
	// they take the first by name.
	other := filepath.Join(w.dir, ".rtctl", "journal.other.jsonl")
	var retry []string // what the person found missing, to send again now
	retried := map[string]bool{}
	probeDue, probeFailed := false, false
	for done := false; !done; {
		if f.runs > 100+3*kills {
			t.Fatal("apply never completed")
		}
		f.runs++
		args := []string(nil)
		if len(retry) > 0 {
			// The person sends what they found missing at once, on the
			// journal that held it uncertain: a run like any other, which
			// may be killed too.
			args = append(args, "--retry-uncertain")
			for _, a := range retry {
				args = append(args, "--target", a)
				retried[a] = true
			}
			retry = nil
		} else {
			w.journalPath = ""
			if crashTwoJournals() && f.kills < kills && f.runs%crashOtherEvery == 2 {
				w.journalPath = other
				f.otherRuns++
			}
			w.serverLag = 0
			if f.runs%crashLagEvery == 1 {
				w.serverLag = crashServerLag
				f.laggedRuns++
			}
			// Runs are minutes apart, as on a schedule: an interrupted
			// POST is settled from the feeds only once the server has
			// had time to finish it (plan.SettleAfter).
			w.advance(11 * time.Minute)
		}
		// Kill runs mid-apply until there were kills of them, after a
		// random number of results (so while other POSTs are in flight),
		// then let the rest finish.
		// Each killed run gets through about items/kills/2 items, so that
		// every kill happens before the items run out.
		killAfter := 1 + rng.IntN(max(2, w.items/kills))
		// The first run on the other journal is probed too: runs on it
		// are few.
		probeDue = probeDue || f.runs%crashProbeEvery == 0 || (w.journalPath != "" && f.otherRefused == 0)
		killed := false
		out, err := w.startApply(func(cmd *exec.Cmd, results, planned int) {
			// At its first result, an apply with more to send than it
			// has in flight still holds the lock.
			if probeDue && results == 1 && planned > 8 {
				failed := t.Failed()
				refused := w.probeLock(cmd)
				f.refused += refused
				if w.journalPath != "" {
					f.otherRefused += refused
				}
				probeDue = false
				probeFailed = !failed && t.Failed()
			}
			// A run with fewer items left than that is killed halfway:
			// else the items could run out before the kills (and the
			// lost journal, which waits for half of them) were done.
			at := killAfter
			if planned >= 2 {
				at = min(killAfter, planned/2)
			}
			if f.kills < kills && !killed && results == at {
				_ = cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}, args...)
		if probeFailed {
			t.Logf("the run whose lock was probed (journal %q, %d arguments):\n%s", w.journalPath, len(args), out)
			probeFailed = false
		}
		if trace := os.Getenv("RTCTL_CRASH_TRACE"); trace != "" {
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, trace+":") || strings.Contains(line, trace+"\n") || strings.HasSuffix(line, trace) || strings.HasPrefix(line, "Plan:") || strings.HasPrefix(line, "Warning: This journal") {
					t.Logf("run %d (journal %q, lag %v, args %d, killed %v): %s", f.runs, filepath.Base(w.journalPath), w.serverLag, len(args), killed, line)
				}
			}
		}
		if killed {
			w.waitQuiet()
			f.kills++
			applied, pending := 0, 0
			for _, r := range w.journal().Records() {
				if r.Pending() {
					inFlight[r.Key] = true
					pending++
				}
				if r.Done() {
					applied++
				}
			}
			if !f.lostJournal && w.journalPath == "" && f.kills >= kills/2 && applied > 0 && pending > 0 {
				w.loseJournals()
				if os.Getenv("RTCTL_CRASH_TRACE") != "" {
					t.Logf("run %d: journals lost", f.runs)
				}
				f.lostJournal = true
			}
		}
		var ee *exec.ExitError
		switch {
		case err == nil:
			done = strings.Contains(out, "No changes") && w.journalPath == "" && len(args) == 0
		case errors.As(err, &ee) && ee.ExitCode() == exitAttention && !killed:
			// Items need a person: those a feed cannot settle.
			c, a, r := w.resolveUncertain()
			f.confirmed, f.adopted, retry = f.confirmed+c, f.adopted+a, r
		case errors.As(err, &ee):
			// Killed, or some items failed: run again.
		default:
			t.Fatal(err)
		}
	}
	// Nothing left to do, and the account holds each item once.
	if out, err := w.command("plan", "--detailed-exitcode").CombinedOutput(); err != nil {
		t.Fatalf("plan after the last apply: %v\n%s", err, out)
	}
	f.inFlight, f.retried = len(inFlight), len(retried)
	f.dups, f.lost = w.checkExactlyOnce()
	return f
}

// fingerprint is the fingerprint of the key the journal at path is bound
// to.
func (w *crashWorld) fingerprint(path string) string {
	w.t.Helper()
	acct, ok, err := journal.Binding(path)
	if err != nil || !ok {
		w.t.Fatalf("%s is not bound to an account: %v", path, err)
	}
	return acct.Fingerprint
}

// loseJournals deletes every journal in .rtctl, as a person cleaning up
// or a lost disk would, between two runs.
func (w *crashWorld) loseJournals() {
	w.t.Helper()
	lost, err := filepath.Glob(filepath.Join(w.dir, ".rtctl", "journal*.jsonl"))
	if err != nil || len(lost) == 0 {
		w.t.Fatalf("no journal to lose in .rtctl: %v", err)
	}
	for _, p := range lost {
		if err := os.Remove(p); err != nil {
			w.t.Fatal(err)
		}
	}
}

// probeLock stops the apply, which holds the account's lock, starts every
// command that writes a journal against it, on the journal the apply
// writes, and checks that each is refused for the lock and leaves the
// account's journals byte for byte as the apply left them. It returns how
// many were refused.
func (w *crashWorld) probeLock(apply *exec.Cmd) (refused int) {
	t := w.t
	stopped, err := stopProcess(apply.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if !stopped {
		return 0 // it finished first: nothing holds the lock
	}
	defer func() {
		if err := continueProcess(apply.Process.Pid); err != nil {
			t.Fatal(err)
		}
	}()
	// An apply can be past its lock at its first result: one the server
	// failed three times in a row stops sending, records the rest as not
	// sent and releases its locks before its last lines are read. Only an
	// apply that still holds the account's lock in .rtctl (which it takes
	// after the state directory's and releases before it, whichever
	// journal it writes) is probed: the stopped apply itself, as the
	// kernel's record of locks shows, not merely someone.
	accountLocks, err := filepath.Glob(filepath.Join(w.dir, ".rtctl", "account-*.lock"))
	if err != nil || len(accountLocks) != 1 {
		t.Fatalf("want the account's one lock in .rtctl, found %q (%v)", accountLocks, err)
	}
	pid := apply.Process.Pid
	// held says who holds the account's lock and what state the apply is
	// in, for a command that was not refused.
	held := func() string {
		holders, err := lockHolders(accountLocks[0])
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("the apply (process %d) is in state %s, the account's lock is held by %v", pid, processState(pid), holders)
	}
	holders, err := lockHolders(accountLocks[0])
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case len(holders) == 0:
		return 0
	case !slices.Equal(holders, []int{pid}):
		t.Fatalf("the stopped apply (process %d) is not the only holder of the account's lock: %s", pid, held())
	}
	journals := func() map[string][]byte {
		paths, err := filepath.Glob(filepath.Join(w.dir, ".rtctl", "journal*.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if w.journalPath != "" {
			paths = append(paths, w.journalPath)
		}
		m := map[string][]byte{}
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				m[p] = b
			}
		}
		return m
	}
	before := journals()
	for _, args := range [][]string{
		{"journal", "confirm", "offline_time.b0"},
		{"journal", "adopt", "--present"},
		{"journal", "adopt", "highlight.h0"},
		{"forget", "highlight.h1"},
		{"journal", "repair"},
		{"journal", "rotate-key"},
		{"journal", "new-account"},
	} {
		// Only the probe continues the apply (stoppable): one found
		// running, or gone, voids what the commands from here on show.
		if state := processState(pid); state != "T" {
			t.Errorf("the apply (process %d) the lock probe stopped is in state %s, not stopped, before rtctl %s: something else continued or ended it, and the probe proves nothing from here on (%s)", pid, state, strings.Join(args, " "), held())
			return refused
		}
		// A command that waited for the lock would wait for ever on the
		// stopped apply: it is killed, and fails the test.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := w.commandContext(ctx, args...)
		if args[1] == "rotate-key" {
			// A key of another account, which the journal would follow
			// were it not refused.
			cmd.Env = append(cmd.Env, "RESCUETIME_API_KEY="+crashOtherKey)
		}
		locks := held()
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil && strings.Contains(string(out), "journal is locked") {
			refused++
		} else {
			t.Errorf("rtctl %s (journal %q) while an apply holds the account's lock: %v, want it refused for the lock\n%s\nbefore it, %s; after it, %s", strings.Join(args, " "), w.journalPath, err, out, locks, held())
		}
		after := journals()
		for p, b := range after {
			if !bytes.Equal(before[p], b) {
				t.Errorf("rtctl %s changed %s while an apply held the account's lock", strings.Join(args, " "), p)
			}
		}
		before = after
	}
	return refused
}

// journal reads the journal in use.
func (w *crashWorld) journal() *journal.State {
	w.t.Helper()
	if w.readJournal != nil {
		return w.readJournal()
	}
	path := w.journalPath
	if path == "" {
		path = w.configJournal()
	}
	st, err := journal.Read(path)
	if err != nil {
		// Show the damage: the lines around it, and where the file ends.
		var de *journal.DamagedError
		if data, rerr := os.ReadFile(path); rerr == nil && errors.As(err, &de) {
			lines := strings.SplitAfter(string(data), "\n")
			for _, n := range de.Lines {
				for i := max(0, n-3); i < min(len(lines), n+2); i++ {
					w.t.Logf("line %d: %q", i+1, lines[i])
				}
			}
			w.t.Logf("%d lines, %d bytes, ends with a newline: %v", len(lines), len(data), strings.HasSuffix(string(data), "\n"))
		}
		w.t.Fatal(err)
	}
	return st
}

// configJournal is the journal a run without RTCTL_JOURNAL uses, chosen
// as rtctl chooses it (workspace.JournalPath): the first by name of the
// account's journals in .rtctl, journal.jsonl while there is none. Once
// the journals were lost, the other journal, begun again by a run on it,
// can be the account's only one, and those runs use it: the person, who
// read journal.jsonl, adopted what that journal had sent without an
// answer, and adopt refused it.
func (w *crashWorld) configJournal() string {
	paths, err := filepath.Glob(filepath.Join(w.dir, ".rtctl", "journal*.jsonl"))
	if err != nil {
		w.t.Fatal(err)
	}
	for _, p := range paths { // sorted by name
		if _, ok, err := journal.Binding(p); err == nil && ok {
			return p
		}
	}
	return filepath.Join(w.dir, ".rtctl", "journal.jsonl")
}

// resolveUncertain acts as the person the plan asks to decide: for each
// uncertain item that will not settle by itself, and each conflict with
// an item of the account (the report naming rtctl's post its own way, once
// the journal that posted it is gone), it looks in the account (the
// emulator's record) and does what the message says: rtctl journal
// confirm for an item the journal sent without a known outcome, rtctl
// journal adopt for one it has no such record of, and for an item not in
// the account, apply --retry-uncertain --target, which it returns for the
// next run to do.
func (w *crashWorld) resolveUncertain() (confirmed, adopted int, retry []string) {
	t := w.t
	out, err := w.command("plan", "--json").Output()
	if err != nil {
		t.Fatalf("plan --json: %v", err)
	}
	var doc struct {
		Actions []struct {
			Address, Status, Reason string
			SettlesAt               string                            `json:"settles_at"`
			Offline                 *struct{ Start, Activity string } `json:"offline_time"`
			Highlight               *struct{ Date, Description string }
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	inAccount := w.posted()
	sent := map[string]bool{} // addresses the journal sent without a known outcome
	records := map[string]journal.Record{}
	for _, r := range w.journal().Records() {
		records[r.Address] = r
		if r.Pending() || r.Result == journal.AppliedUnverified {
			sent[r.Address] = true
		}
	}
	var confirm, adopt []string
	for _, a := range doc.Actions {
		if (a.Status != "uncertain" && a.Status != "conflict") || a.SettlesAt != "" {
			continue
		}
		var key string
		switch {
		case a.Offline != nil:
			start, err := time.Parse(time.RFC3339, a.Offline.Start)
			if err != nil {
				t.Fatal(err)
			}
			key = "o|" + start.UTC().Format(time.RFC3339) + "|" + a.Offline.Activity
		case a.Highlight != nil:
			key = "h|" + a.Highlight.Date + "|" + a.Highlight.Description
		default:
			continue
		}
		if os.Getenv("RTCTL_CRASH_DEBUG") != "" {
			rec := records[a.Address]
			t.Logf("%s %s (in the account %d times, journal: %+v): %s", a.Status, a.Address, inAccount[key], rec, a.Reason)
		}
		switch {
		case inAccount[key] == 0 && a.Status == "conflict":
			t.Errorf("%s is in conflict, but not in the account: %s", a.Address, a.Reason)
		case inAccount[key] == 0:
			retry = append(retry, a.Address)
		case sent[a.Address]:
			confirm = append(confirm, a.Address)
		default:
			adopt = append(adopt, a.Address)
		}
	}
	for _, args := range [][]string{append([]string{"journal", "confirm"}, confirm...), append([]string{"journal", "adopt"}, adopt...)} {
		if len(args) == 2 {
			continue
		}
		if out, err := w.command(args...).CombinedOutput(); err != nil {
			paths, _ := filepath.Glob(filepath.Join(w.dir, ".rtctl", "journal*.jsonl"))
			for _, p := range paths {
				st, err := journal.Read(p)
				if err != nil {
					t.Logf("%s: %v", p, err)
					continue
				}
				for _, r := range st.Records() {
					if slices.Contains(args[2:], r.Address) {
						t.Logf("%s: %+v", filepath.Base(p), r)
					}
				}
			}
			t.Fatalf("%v (journal %q): %v\n%s", args, w.journalPath, err, out)
		}
	}
	return len(confirm), len(adopt), retry
}

// posted counts, from the emulator's record, how often each item was
// posted.
func (w *crashWorld) posted() map[string]int {
	acct, _ := w.emu.Record().Account(crashKey)
	seen := map[string]int{}
	for _, o := range acct.OfflineTime {
		seen["o|"+o.Start.UTC().Format(time.RFC3339)+"|"+o.Activity]++
	}
	for _, h := range acct.Highlights {
		seen["h|"+h.Date+"|"+h.Description]++
	}
	return seen
}

// TestApplyInterruptRecordsInFlight sends SIGINT to a real apply: it stops
// starting POSTs, lets those in flight finish, records every outcome (no
// intent is left without one) and exits non-zero.
func TestApplyInterruptRecordsInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	w := newCrashWorld(t, 100, 100)
	if err := w.emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{
		{Path: "offline_time_post", Latency: emulator.Duration(40 * time.Millisecond)},
		{Path: "highlights_post", Latency: emulator.Duration(40 * time.Millisecond)},
	}}); err != nil {
		t.Fatal(err)
	}
	// Interrupt at the first result, while other POSTs are in flight.
	out, err := w.startApply(func(cmd *exec.Cmd, results, _ int) {
		if results == 1 {
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Error(err)
			}
		}
	})
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("interrupted apply exited with %v, want 1\n%s", err, out)
	}
	if !strings.Contains(out, "Apply stopped:") {
		t.Errorf("no interrupted summary:\n%s", out)
	}
	st, jerr := journal.Read(filepath.Join(w.dir, ".rtctl", "journal.jsonl"))
	if jerr != nil {
		t.Fatal(jerr)
	}
	applied := 0
	for _, r := range st.Records() {
		if r.Pending() && r.Result == "" {
			t.Errorf("%s has an intent without an outcome after a graceful interrupt", r.Address)
		}
		if r.Done() {
			applied++
		}
	}
	if applied == 0 || applied == w.items {
		t.Errorf("%d of %d applied: the interrupt did not land mid-apply", applied, w.items)
	}
	// The rest is posted by the next run, nothing twice.
	w.advance(11 * time.Minute)
	if out, err := w.command("apply", "--auto-approve", "--rate", "0").CombinedOutput(); err != nil {
		t.Fatalf("apply after the interrupt: %v\n%s", err, out)
	}
	w.checkExactlyOnce()
}

// TestConcurrentAppliesWaitForTheLock starts two applies of one
// configuration at once: the second waits for the first's lock, then finds
// everything in sync. Nothing is posted twice.
func TestConcurrentAppliesWaitForTheLock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	w := newCrashWorld(t, 50, 50)
	if err := w.emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{
		{Path: "offline_time_post", Latency: emulator.Duration(10 * time.Millisecond)},
	}}); err != nil {
		t.Fatal(err)
	}
	var outs [2]bytes.Buffer
	var cmds [2]*exec.Cmd
	for i := range cmds {
		cmds[i] = w.command("apply", "--auto-approve", "--rate", "0", "--lock-timeout", "2m")
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("apply %d: %v\n%s", i, err, outs[i].String())
		}
	}
	both := outs[0].String() + outs[1].String()
	if n := strings.Count(both, "Apply complete: 100 created"); n != 1 {
		t.Errorf("want exactly one apply to create everything, got %d:\n%s", n, both)
	}
	w.checkExactlyOnce()
}

// TestSecondInterruptLeavesOnlyInFlightUncertain sends a second SIGINT
// right after the first said it stops sending: the process dies at once,
// and of everything it had queued, only the POSTs in flight are left
// without an outcome (uncertain); the rest were recorded as not sent by
// the first interrupt already.
func TestSecondInterruptLeavesOnlyInFlightUncertain(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	w := newCrashWorld(t, 50, 50)
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
	inFlight := -1
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		switch {
		case strings.HasSuffix(line, ": created") && inFlight < 0:
			inFlight = 0
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Error(err)
			}
		case strings.HasPrefix(line, "Stopping:"):
			if _, err := fmt.Sscanf(line[strings.Index(line, "waits for the ")+len("waits for the "):], "%d", &inFlight); err != nil {
				t.Errorf("no in-flight count in %q", line)
			}
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Error(err)
			}
		}
	}
	werr := cmd.Wait()
	w.waitQuiet()
	if inFlight <= 0 {
		t.Fatalf("the apply never said it was waiting for POSTs in flight:\n%s", out.String())
	}
	// The second interrupt exits with the documented code, after a
	// summary that names what it abandoned (issue 24, item 7).
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.ExitCode() != exitAbandoned {
		t.Errorf("after a second interrupt the apply exited with %v, want %d\n%s", werr, exitAbandoned, out.String())
	}
	if !strings.Contains(out.String(), "Interrupted again: abandoned the ") || !strings.Contains(out.String(), "the next plan settles them from the account's feeds") {
		t.Errorf("no summary of what the second interrupt abandoned:\n%s", out.String())
	}
	// The [n/N] counter goes on: it never starts again at 1.
	last := 0
	for _, line := range strings.Split(out.String(), "\n") {
		var n, total int
		if _, err := fmt.Sscanf(line, "[%d/%d]", &n, &total); err != nil {
			continue
		}
		if n <= last {
			t.Errorf("the counter went from %d to %d: %q", last, n, line)
		}
		last = n
	}
	st, err := journal.Read(filepath.Join(w.dir, ".rtctl", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	pending, notSent := 0, 0
	for _, r := range st.Records() {
		switch {
		case r.Pending():
			pending++
		case r.Result == journal.NotSent:
			notSent++
		}
	}
	t.Logf("%d in flight at the second interrupt: %d left uncertain, %d recorded not sent", inFlight, pending, notSent)
	if pending > inFlight {
		t.Errorf("%d items left uncertain, but only %d POSTs were in flight", pending, inFlight)
	}
	if notSent == 0 {
		t.Error("nothing was recorded as not sent: the queue was empty, the test proves nothing")
	}
}

// TestLostJournal re-plans a fully applied configuration after its
// journal is lost, under each model of how the report shows offline time.
// Nothing is posted again: wherever the report shows the blocks, they are
// in the account; where it hides them (the report never shows rtctl's
// offline time), the journal started before, and now gone, puts the plan
// in doubt, and the blocks are uncertain, where they used to be posted
// again without a word.
func TestLostJournal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	for _, tc := range []struct {
		report        emulator.OfflineReport
		wantUncertain int
	}{
		{emulator.OfflineAsPosted, 0},
		{emulator.OfflineOtherName, 0},
		{emulator.OfflineHidden, 20},
	} {
		t.Run(string(tc.report), func(t *testing.T) {
			w := newCrashWorld(t, 20, 20)
			if err := w.emu.SetModel(crashKey, emulator.Model{OfflineReport: tc.report}); err != nil {
				t.Fatal(err)
			}
			if out, err := w.command("apply", "--auto-approve", "--rate", "0").CombinedOutput(); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			if err := os.Remove(filepath.Join(w.dir, ".rtctl", "journal.jsonl")); err != nil {
				t.Fatal(err)
			}
			w.advance(time.Hour)
			out, err := w.command("plan", "--json").Output()
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			var doc struct {
				Summary      map[string]int
				JournalDoubt string `json:"journal_doubt"`
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			creates := doc.Summary["create"]
			t.Logf("%s: %d to create, %d in sync, %d in conflict, %d uncertain after the journal was lost", tc.report, creates, doc.Summary["in_sync"], doc.Summary["conflict"], doc.Summary["uncertain"])
			if creates != 0 || doc.Summary["uncertain"] != tc.wantUncertain {
				t.Errorf("%d to create and %d uncertain, want none posted again and %d uncertain", creates, doc.Summary["uncertain"], tc.wantUncertain)
			}
			if !strings.Contains(doc.JournalDoubt, "it is gone now: was it deleted?") {
				t.Errorf("the plan does not say the journal was lost: %q", doc.JournalDoubt)
			}
		})
	}
}
