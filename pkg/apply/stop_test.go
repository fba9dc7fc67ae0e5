package apply

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// failingSender answers every POST with a server error, as a server that
// is down does.
type failingSender struct {
	mu   sync.Mutex
	sent int
}

func (f *failingSender) Do(context.Context, rtapi.Request) ([]byte, error) {
	f.mu.Lock()
	f.sent++
	f.mu.Unlock()
	return nil, &rtapi.ServerError{StatusCode: 503, Message: "down"}
}

// TestRunStopsOnAFailingServer reproduces "50 of 50 sent, 50 uncertain"
// against a server failing every POST: after three in a row it stops,
// and what it did not send is recorded as not sent, never uncertain.
func TestRunStopsOnAFailingServer(t *testing.T) {
	j := &memJournal{}
	s := &failingSender{}
	as := actions(50)
	var stopped string
	res, err := Run(context.Background(), s, j, as, Options{Parallelism: 1, Sleep: noSleep, Progress: onStop(func(reason string, _ int) { stopped = reason })})
	if err != nil {
		t.Fatal(err)
	}
	// The POST a worker took while the third failure was being recorded
	// may still go: at most one per worker more.
	if s.sent < DefaultMaxServerFailures || s.sent > DefaultMaxServerFailures+1 {
		t.Errorf("%d POSTs sent to a failing server, want %d (+1 in flight)", s.sent, DefaultMaxServerFailures)
	}
	if !strings.Contains(res.Broken, "RescueTime failed 3 POSTs in a row") || !strings.Contains(stopped, "the server is failing") {
		t.Errorf("Broken %q, Stopping %q", res.Broken, stopped)
	}
	pending, notSent := 0, 0
	for _, a := range as {
		rec, _ := j.lookup(a.Key)
		switch {
		case rec.Pending():
			pending++
		case rec.Result == journal.NotSent:
			notSent++
		}
	}
	// Only what was sent may be uncertain; every intent written for the
	// rest is answered "not sent"; the others got no intent at all.
	if pending != s.sent {
		t.Errorf("%d uncertain, want the %d sent", pending, s.sent)
	}
	if res.Count(NotSent) != 50-s.sent {
		t.Errorf("%d skipped in the result, want %d", res.Count(NotSent), 50-s.sent)
	}
	t.Logf("%d sent, %d intents answered not sent, %d never queued", s.sent, notSent, 50-s.sent-notSent)
}

// blockingSender holds every POST until released, as a slow server does.
type blockingSender struct {
	started chan string
	release chan struct{}
}

func (b *blockingSender) Do(_ context.Context, r rtapi.Request) ([]byte, error) {
	b.started <- string(r.Body)
	<-b.release
	return nil, nil
}

// TestInterruptRecordsQueuedAsNotSentAtOnce checks that the first Ctrl-C
// records every POST that was queued but not started as not sent right
// away, while those in flight are still running: a second Ctrl-C that
// kills the process then leaves only the in-flight ones uncertain.
func TestInterruptRecordsQueuedAsNotSentAtOnce(t *testing.T) {
	j := &memJournal{}
	s := &blockingSender{started: make(chan string, 10), release: make(chan struct{})}
	as := actions(6)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan int, 1)
	result := make(chan *Result, 1)
	go func() {
		res, _ := Run(ctx, s, j, as, Options{Parallelism: 2, Sleep: noSleep, Progress: onStop(func(_ string, inFlight int) { stopped <- inFlight })})
		result <- res
	}()
	<-s.started
	<-s.started // two in flight; more intents queued behind them
	cancel()
	if n := <-stopped; n != 2 {
		t.Errorf("Stopping saw %d in flight, want 2", n)
	}
	// Before the in-flight POSTs return, nothing queued may still look as
	// if it might have been sent.
	waitFor(t, func() bool {
		pending := 0
		for _, a := range as {
			if rec, ok := j.lookup(a.Key); ok && rec.Pending() {
				pending++
			}
		}
		return pending == 2
	})
	close(s.release)
	res := <-result
	if !res.Interrupted || res.Count(Created) != 2 || res.Count(NotSent) != 4 {
		t.Errorf("interrupted %v, created %d, skipped %d; want true, 2, 4", res.Interrupted, res.Count(Created), res.Count(NotSent))
	}
}

// waitLimit bounds waitFor in real time. The goroutines it waits for run
// without sleeping, so a condition that has not held by then never will,
// however loaded the machine.
const waitLimit = 30 * time.Second

// waitFor polls cond until it holds, failing after waitLimit, where a
// count of tries ended sooner or later with the machine's speed.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition did not hold within %s", waitLimit)
		}
		runtimeGosched()
	}
}

func runtimeGosched() { runtime.Gosched() }

// gatedJournal holds every append of outcomes until gate is closed, as a
// journal on a slow disk does; entered is told each time one waits.
type gatedJournal struct {
	memJournal
	gate    chan struct{}
	entered chan struct{}
}

func (g *gatedJournal) Append(es ...journal.Entry) error {
	if len(es) > 0 && es[0].Type == journal.Outcome {
		g.entered <- struct{}{}
		<-g.gate
	}
	return g.memJournal.Append(es...)
}

// firstAnswersSender answers the first POST at once and holds the others
// until released.
type firstAnswersSender struct {
	blockingSender
	mu    sync.Mutex
	calls int
}

func (f *firstAnswersSender) Do(ctx context.Context, r rtapi.Request) ([]byte, error) {
	f.mu.Lock()
	f.calls++
	first := f.calls == 1
	f.mu.Unlock()
	if first {
		return nil, nil
	}
	return f.blockingSender.Do(ctx, r)
}

// TestInterruptWritesAnsweredOutcomesBeforeItSpeaks is the cause of the
// flaky "7 items left uncertain, but only 4 POSTs were in flight": an
// interrupt said what was in flight while outcomes of POSTs already
// answered were still being written, so a second Ctrl-C right after left
// those uncertain too. When Stopping speaks, only what is in flight may be
// without an outcome.
func TestInterruptWritesAnsweredOutcomesBeforeItSpeaks(t *testing.T) {
	j := &gatedJournal{gate: make(chan struct{}), entered: make(chan struct{}, 10)}
	s := &firstAnswersSender{blockingSender: blockingSender{started: make(chan string, 10), release: make(chan struct{})}}
	as := actions(4)
	ctx, cancel := context.WithCancel(context.Background())
	type stop struct{ inFlight, pending int }
	stopped := make(chan stop, 1)
	result := make(chan *Result, 1)
	go func() {
		res, _ := Run(ctx, s, j, as, Options{Parallelism: 2, Sleep: noSleep, Progress: onStop(func(_ string, inFlight int) {
			pending := 0
			for _, a := range as {
				if rec, ok := j.lookup(a.Key); ok && rec.Pending() {
					pending++
				}
			}
			stopped <- stop{inFlight, pending}
		})})
		result <- res
	}()
	<-j.entered // the first POST was answered; its outcome waits for the disk
	<-s.started // the second is in flight
	cancel()
	// Stopping must wait for the answered outcome: give it every chance to
	// speak too early (no real time passes), then let the disk go on.
	for range 10_000 {
		runtimeGosched()
	}
	select {
	case st := <-stopped:
		t.Fatalf("Stopping spoke before the answered POST's outcome was written: %d in flight, %d without an outcome", st.inFlight, st.pending)
	default:
	}
	close(j.gate)
	st := <-stopped
	if st.pending != st.inFlight {
		t.Errorf("when Stopping spoke, %d items had no outcome but %d were in flight", st.pending, st.inFlight)
	}
	close(s.release)
	if res := <-result; !res.Interrupted {
		t.Error("a run stopped with POSTs queued and in flight is not reported interrupted")
	}
}

// cancelOnOutcome cancels the run's context while the outcomes of
// the last POSTs are being written: a Ctrl-C after everything was sent.
type cancelOnOutcome struct {
	memJournal
	cancel context.CancelFunc
}

func (c *cancelOnOutcome) Append(es ...journal.Entry) error {
	if len(es) > 0 && es[0].Type == journal.Outcome {
		c.cancel()
	}
	return c.memJournal.Append(es...)
}

// TestInterruptAfterTheLastPOSTInterruptsNothing: Interrupted was computed
// after the fact, so a Ctrl-C once every POST had its answer still said
// "interrupted: run apply again". Nothing was left to stop.
func TestInterruptAfterTheLastPOSTInterruptsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j := &cancelOnOutcome{cancel: cancel}
	s := &fakeSender{t: t, j: &j.memJournal, sent: map[string]int{}}
	res, err := Run(ctx, s, j, actions(1), Options{Parallelism: 1, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	if res.Interrupted || !res.OK() {
		t.Errorf("interrupted %v, created %d of 1: want a complete run", res.Interrupted, res.Count(Created))
	}
}

// onStop is a Progress that hears only Stopping.
type onStop func(reason string, inFlight int)

func (onStop) Run([]plan.Action)                      {}
func (onStop) Start(plan.Action)                      {}
func (onStop) Result(ItemResult)                      {}
func (f onStop) Stopping(reason string, inFlight int) { f(reason, inFlight) }
