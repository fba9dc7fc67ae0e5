package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/rtctl/rtctl/internal/ctxtime"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// Default limits; see the package comment for why.
const (
	DefaultParallelism = 4
	DefaultRate        = 1.0 // POSTs per second
	// DefaultMaxServerFailures is how many POSTs in a row may fail on the
	// server's side (5xx, no answer, a page that is not the API's, 429
	// past its wait) before Run stops sending: one is a blip, three with
	// nothing working between them is a server that is down, and every
	// further POST would only add an uncertain item.
	DefaultMaxServerFailures = 3
)

// Sender sends one rendered request; *rtapi.Client is one.
type Sender interface {
	Do(ctx context.Context, r rtapi.Request) ([]byte, error)
}

// Journal records intents and outcomes; *journal.Writer is one.
type Journal interface {
	Append(entries ...journal.Entry) error
}

// Fenced is a Journal kept under a lease another run can take over while
// this one is stalled (a shared backend's): a POST whose intent it holds
// is sent only while Sendable says the lease is still this run's, since
// the run that took it over settles, and may send, what this one queued.
type Fenced interface {
	Journal
	Sendable() error
}

// Options tune Run.
type Options struct {
	// Parallelism is how many POSTs may be in flight at once.
	Parallelism int
	// Rate limits POSTs per second; 0 or less means no limit.
	Rate float64
	// Now and Sleep are the rate limiter's clock; nil means the real one.
	// Tests fake both so the limiter never sleeps for real. Now must move
	// with Sleep: a clock pinned for planning would make every wait longer
	// than the last.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress is told how the run goes, for a display; nil tells no one.
	Progress Progress
	// MaxServerFailures is how many POSTs in a row may fail on the
	// server's side before Run stops sending (DefaultMaxServerFailures when
	// zero, never when negative).
	MaxServerFailures int
	// Batch, when larger, is how many intents one journal write covers:
	// a journal whose writes are slow (a shared backend pushes each one to
	// a remote) needs fewer, larger ones. Its POSTs still wait for the rate
	// limiter's tokens, all taken before the batch's intents are written.
	Batch int
}

// Progress is told how a run goes, as it goes: what a view shows of it.
// One value, rather than a callback each, so that a view implements it
// whole and a caller hands it through.
type Progress interface {
	// Run is told what is about to be sent, once, before the first POST.
	Run(todo []plan.Action)
	// Start is told that an action's POST is about to be sent, from the
	// worker sending it: several calls may run at once.
	Start(a plan.Action)
	// Result is told once per finished action, one call at a time.
	Result(r ItemResult)
	// Stopping is told once when Run stops sending early (interrupted,
	// or the server failing): why, and how many POSTs are still in
	// flight. Run waits for those and records them.
	Stopping(reason string, inFlight int)
}

// Outcome is what happened to one action.
type Outcome string

const (
	Created Outcome = "created"
	// Failed: the server refused the item or never received it.
	Failed Outcome = "failed"
	// Unknown: the POST may have reached the server but no answer came; the
	// next plan settles it against the feeds.
	Unknown Outcome = "unknown"
	// NotSent: never sent, because the run stopped first; the journal
	// records it as journal.NotSent, with the same word.
	NotSent Outcome = "not_sent"
)

// ItemResult is the result of one action.
type ItemResult struct {
	Action  plan.Action
	Outcome Outcome
	Err     error
	// Unverified is set on a Created item whose 2xx answer did not prove
	// the write (rtapi.WriteProven): the journal records it as such, and
	// later plans check it in the feeds.
	Unverified bool
}

// Result sums up a run.
type Result struct {
	Items       []ItemResult
	Interrupted bool
	// Broken is set when Run stopped sending because the server kept
	// failing: the reason, for a person.
	Broken string
}

// Count returns how many items ended with outcome o.
func (r *Result) Count(o Outcome) int {
	n := 0
	for _, it := range r.Items {
		if it.Outcome == o {
			n++
		}
	}
	return n
}

// OK reports whether every item was created.
func (r *Result) OK() bool {
	return !r.Interrupted && r.Count(Created) == len(r.Items)
}

// Run sends the actions' requests. It returns an error only when the
// journal cannot be written, since then nothing more can be sent safely;
// failures of single items are in the Result, and do not stop the others.
func Run(ctx context.Context, s Sender, j Journal, actions []plan.Action, opts Options) (*Result, error) {
	if opts.Parallelism < 1 {
		opts.Parallelism = DefaultParallelism
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = ctxtime.Sleep
	}
	if opts.MaxServerFailures == 0 {
		opts.MaxServerFailures = DefaultMaxServerFailures
	}
	if opts.Progress == nil {
		opts.Progress = noProgress{}
	}
	opts.Progress.Run(actions)
	for _, a := range actions {
		if a.Request == nil {
			return nil, fmt.Errorf("%s has no request to send; make the plan again", a.Address)
		}
	}
	r := &runner{ctx: ctx, s: s, j: j, opts: opts, results: make([]ItemResult, len(actions))}
	r.sending, r.stopSending = context.WithCancelCause(ctx)
	defer r.stopSending(nil)
	if opts.Rate > 0 {
		r.limiter = rate.NewLimiter(rate.Limit(opts.Rate), 1)
	}
	return r.run(actions)
}

type runner struct {
	ctx context.Context
	// sending ends when no more POSTs may start: ctx ended, or the server
	// kept failing (its cause says which). Waits for the rate limiter
	// follow it.
	sending     context.Context
	stopSending context.CancelCauseFunc
	s           Sender
	j           Journal
	opts        Options
	limiter     *rate.Limiter
	limMu       sync.Mutex

	// The queue of POSTs whose intents are on disk, and who may take from
	// it. A stop takes what is queued in one step, under mu, after the
	// producer finished the batch it was writing: so what it records as
	// not sent is exactly what no worker started.
	mu           sync.Mutex
	cond         *sync.Cond
	queue        []job
	writing      bool // the producer is writing a batch's intents
	producerDone bool
	stopped      bool
	inFlight     int
	// answered counts the POSTs that came back (answer or error) and
	// committed those of them whose outcomes are on disk: an interrupt
	// waits for the two to meet before it says what is in flight, so a
	// second Ctrl-C leaves only the POSTs in flight uncertain, not also
	// finished ones whose outcomes were still being written.
	answered, committed int
	failures            int // server failures in a row
	journalErr          error
	done                chan finished

	// premiumRequired is set once the server says the account is Lite.
	premiumRequired atomic.Bool

	results []ItemResult
}

type job struct {
	index  int
	action plan.Action
}

func (r *runner) run(actions []plan.Action) (*Result, error) {
	p := r.opts.Parallelism
	// A batch is what one fsync of intents covers. Intents are written
	// only for POSTs the rate limiter has already released, and at most one
	// batch waits for a free worker, so an intent is never far ahead of its
	// POST: the next run's settling counts from the journal's last entry.
	batch := p
	if r.limiter != nil {
		batch = max(1, min(p, int(r.opts.Rate)))
	}
	batch = max(batch, r.opts.Batch)
	r.cond = sync.NewCond(&r.mu)
	r.done = make(chan finished, len(actions))

	var all sync.WaitGroup
	all.Add(1)
	go func() {
		defer all.Done()
		r.produce(actions, batch)
	}()
	for range p {
		all.Add(1)
		go func() {
			defer all.Done()
			r.work()
		}()
	}
	// An interrupt stops sending; so does a failing server (countFailure).
	worked := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-r.ctx.Done():
			r.stop(errInterrupted)
		case <-worked:
		}
	}()
	go func() {
		all.Wait()
		close(worked)
		<-watched
		close(r.done)
	}()

	// Outcomes: group-commit whatever finished since the last fsync.
	for first := range r.done {
		group := []finished{first}
	drain:
		for {
			select {
			case more, ok := <-r.done:
				if !ok {
					break drain
				}
				group = append(group, more)
			default:
				break drain
			}
		}
		if err := r.j.Append(outcomeEntries(group)...); err != nil {
			r.setErr(fmt.Errorf("recording outcomes: %w", err))
		} else {
			r.mu.Lock()
			for _, f := range group {
				if f.posted {
					r.committed++
				}
			}
			r.cond.Broadcast()
			r.mu.Unlock()
		}
		for _, f := range group {
			r.results[f.index] = f.result
			r.opts.Progress.Result(f.result)
		}
	}

	res := &Result{}
	var be *brokenError
	if errors.As(context.Cause(r.sending), &be) {
		res.Broken = be.reason
	}
	r.mu.Lock()
	journalErr := r.journalErr
	r.mu.Unlock()
	for i, a := range actions {
		it := r.results[i]
		if it.Outcome == "" {
			// Never queued: no intent was written for it.
			reason := errors.New("not sent: " + stopReason(r.sending))
			if journalErr != nil {
				reason = errors.New("not sent: the journal cannot be written")
			}
			it = ItemResult{Action: a, Outcome: NotSent, Err: reason}
		}
		res.Items = append(res.Items, it)
	}
	// Interrupted only when the interrupt left something unsent: a
	// Ctrl-C once every POST had its answer stopped nothing.
	res.Interrupted = r.ctx.Err() != nil && res.Count(NotSent) > 0
	return res, journalErr
}

// setErr keeps the first journal error: after it nothing more is sent.
func (r *runner) setErr(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.journalErr == nil {
		r.journalErr = err
	}
	r.cond.Broadcast()
}

// produce takes a batch's tokens from the limiter, writes its intents with
// one fsync, then queues it, while at most one batch waits for workers.
func (r *runner) produce(actions []plan.Action, batch int) {
	defer func() {
		r.mu.Lock()
		r.producerDone = true
		r.cond.Broadcast()
		r.mu.Unlock()
	}()
	for start := 0; start < len(actions); start += batch {
		end := min(start+batch, len(actions))
		for range end - start {
			if err := r.wait(); err != nil {
				return
			}
		}
		r.mu.Lock()
		for len(r.queue) >= batch && !r.stopped && r.journalErr == nil {
			r.cond.Wait()
		}
		if r.stopped || r.journalErr != nil {
			r.mu.Unlock()
			return
		}
		r.writing = true
		r.mu.Unlock()

		entries := make([]journal.Entry, 0, end-start)
		for _, a := range actions[start:end] {
			entries = append(entries, journal.Entry{
				Type:    journal.Intent,
				Key:     a.Key,
				Address: a.Address,
				Kind:    string(a.Kind),
				Item:    a.JournalItem(),
			})
		}
		err := r.j.Append(entries...)

		r.mu.Lock()
		r.writing = false
		if err != nil {
			if r.journalErr == nil {
				r.journalErr = fmt.Errorf("recording intents: %w", err)
			}
		} else {
			for i := start; i < end; i++ {
				r.queue = append(r.queue, job{index: i, action: actions[i]})
			}
		}
		r.cond.Broadcast()
		r.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// work sends queued POSTs until the queue is done or sending stops.
func (r *runner) work() {
	for {
		r.mu.Lock()
		for len(r.queue) == 0 && !r.stopped && !r.producerDone {
			r.cond.Wait()
		}
		if r.stopped || len(r.queue) == 0 {
			r.mu.Unlock()
			return
		}
		jb := r.queue[0]
		r.queue = r.queue[1:]
		journalBroken := r.journalErr != nil
		if !journalBroken {
			r.inFlight++
		}
		r.cond.Broadcast()
		r.mu.Unlock()

		// The intent was written under the lease, but the run may have
		// stalled since, and the lease passed to another run.
		var fenced error
		if f, ok := r.j.(Fenced); ok && !journalBroken {
			if fenced = f.Sendable(); fenced != nil {
				r.setErr(fmt.Errorf("before sending: %w", fenced))
			}
		}
		var res ItemResult
		switch {
		case journalBroken:
			// Outcomes can no longer be recorded: send nothing more.
			res = ItemResult{Action: jb.action, Outcome: NotSent, Err: errors.New("not sent: the journal cannot be written")}
		case fenced != nil:
			res = ItemResult{Action: jb.action, Outcome: NotSent, Err: errors.New("not sent: this run's lease on the journal is gone")}
		case r.premiumRequired.Load():
			// A Lite account refuses every POST: one refusal says it, a
			// hundred more would only bury it.
			res = ItemResult{Action: jb.action, Outcome: NotSent, Err: errors.New("not sent: the account needs RescueTime Premium")}
		default:
			res = r.send(jb)
			var premium *rtapi.PremiumRequiredError
			if errors.As(res.Err, &premium) {
				r.premiumRequired.Store(true)
			}
		}
		posted := !journalBroken && fenced == nil
		r.mu.Lock()
		if !journalBroken {
			r.inFlight--
		}
		if posted {
			r.answered++
		}
		r.mu.Unlock()
		r.countFailure(res)
		r.done <- finished{index: jb.index, result: res, posted: posted}
	}
}

// stop ends sending: no POST starts after it. What is queued (intents on
// disk, never started) is recorded as not sent before anything is said, so
// that a second Ctrl-C, which kills the process, leaves only the POSTs in
// flight uncertain. Only the first call does anything.
func (r *runner) stop(cause error) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return
	}
	r.stopped = true
	r.stopSending(cause)
	r.cond.Broadcast()
	for r.writing {
		r.cond.Wait()
	}
	queued, inFlight := r.queue, r.inFlight
	r.queue = nil
	idle := r.producerDone && len(queued) == 0 && inFlight == 0
	r.mu.Unlock()
	if idle {
		return // everything was sent already: nothing stops
	}
	if errors.Is(cause, errInterrupted) {
		// The outcomes of POSTs already answered are written before
		// anything is said: after "Stopping", a second Ctrl-C loses only
		// what is in flight. (A stop for a failing server comes from a
		// worker whose own outcome is not queued yet: it must not wait.)
		// What is in flight is counted once they are: a worker that took
		// an item as the interrupt came may have found the run cancelled
		// and not sent it, its outcome written meanwhile, so the count
		// taken when sending stopped could name more than are in flight.
		r.mu.Lock()
		for r.committed < r.answered && r.journalErr == nil {
			r.cond.Wait()
		}
		inFlight = r.inFlight
		r.mu.Unlock()
	}

	reason := stopReason(r.sending)
	out := make([]finished, 0, len(queued))
	for _, jb := range queued {
		out = append(out, finished{index: jb.index, result: ItemResult{Action: jb.action, Outcome: NotSent, Err: errors.New("not sent: " + reason)}})
	}
	if len(out) > 0 {
		if err := r.j.Append(outcomeEntries(out)...); err != nil {
			r.setErr(fmt.Errorf("recording outcomes: %w", err))
		}
	}
	r.opts.Progress.Stopping(reason, inFlight)
	for _, f := range out {
		f.journaled = true
		r.done <- f
	}
}

// countFailure keeps the run of POSTs in a row that failed on the server's
// side, and stops sending when it gets too long. It runs in the worker that
// sent, as soon as the answer is in, so at most one POST per other worker
// is sent after the run is long enough.
func (r *runner) countFailure(res ItemResult) {
	if res.Outcome == NotSent || r.opts.MaxServerFailures < 0 {
		return
	}
	r.mu.Lock()
	if !rtapi.ServerFailing(res.Err) {
		r.failures = 0
		r.mu.Unlock()
		return
	}
	r.failures++
	n := r.failures
	r.mu.Unlock()
	if n == r.opts.MaxServerFailures {
		r.stop(&brokenError{fmt.Sprintf("RescueTime failed %d POSTs in a row (%s)", n, rtapi.Explain(res.Err))})
	}
}

type finished struct {
	index  int
	result ItemResult
	// journaled says its outcome is on disk already.
	journaled bool
	// posted says it is the result of a POST a worker sent (or tried to).
	posted bool
}

// outcomeEntries are the journal's outcome entries for what finished and
// is not on disk yet.
func outcomeEntries(fs []finished) []journal.Entry {
	entries := make([]journal.Entry, 0, len(fs))
	for _, f := range fs {
		if f.journaled {
			continue
		}
		it := f.result
		e := journal.Entry{Type: journal.Outcome, Key: it.Action.Key, Address: it.Action.Address}
		switch it.Outcome {
		case Created:
			e.Result = journal.Applied
			if it.Unverified {
				e.Result = journal.AppliedUnverified
			}
		case Unknown:
			e.Result = journal.Unknown
		case NotSent:
			e.Result = journal.NotSent
		default:
			e.Result = journal.Failed
		}
		if it.Err != nil {
			e.Error = it.Err.Error()
		}
		entries = append(entries, e)
	}
	return entries
}

// errInterrupted is the cause of stopping for an interrupt (Ctrl-C, SIGTERM).
var errInterrupted = errors.New("the run was interrupted first")

// brokenError is the cause of stopping because the server kept failing.
type brokenError struct{ reason string }

func (e *brokenError) Error() string { return e.reason }

// stopReason says why sending stopped, for "not sent: ..." and
// Progress.Stopping.
func stopReason(sending context.Context) string {
	var be *brokenError
	if errors.As(context.Cause(sending), &be) {
		return "the server is failing: " + strings.TrimSuffix(be.reason, ".")
	}
	return "the run was interrupted first"
}

// send performs one POST. Once its intent is on disk an action is either
// sent to completion or recorded as not sent; an interruption never cuts a
// request short, so its outcome is always known or honestly unknown.
func (r *runner) send(jb job) ItemResult {
	a := jb.action
	if r.sending.Err() != nil {
		return ItemResult{Action: a, Outcome: NotSent, Err: errors.New("not sent: " + stopReason(r.sending))}
	}
	r.opts.Progress.Start(a)
	ctx := context.WithoutCancel(r.ctx)
	if f, ok := r.j.(Fenced); ok {
		// A retry waits (a 429's Retry-After): the lease may be gone by
		// then.
		ctx = rtapi.WithRetryCheck(ctx, f.Sendable)
	}
	body, err := r.s.Do(ctx, *a.Request)
	switch {
	case err == nil:
		return ItemResult{Action: a, Outcome: Created, Unverified: !rtapi.WriteProven(a.Request.Endpoint, body)}
	case rtapi.MayHaveBeenApplied(err):
		return ItemResult{Action: a, Outcome: Unknown, Err: err}
	default:
		return ItemResult{Action: a, Outcome: Failed, Err: err}
	}
}

// wait blocks until the rate limiter allows the next POST, or the run is
// interrupted.
func (r *runner) wait() error {
	if err := r.sending.Err(); err != nil {
		return err
	}
	if r.limiter == nil {
		return nil
	}
	r.limMu.Lock()
	now := r.opts.Now()
	d := r.limiter.ReserveN(now, 1).DelayFrom(now)
	r.limMu.Unlock()
	if d <= 0 {
		return nil
	}
	return r.opts.Sleep(r.sending, d)
}

// noProgress is the Progress of a run nobody watches.
type noProgress struct{}

func (noProgress) Run([]plan.Action)    {}
func (noProgress) Start(plan.Action)    {}
func (noProgress) Result(ItemResult)    {}
func (noProgress) Stopping(string, int) {}
