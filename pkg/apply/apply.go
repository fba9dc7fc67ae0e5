package apply

import (
	"context"
	"errors"
	"fmt"
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
)

// Sender sends one rendered request; *rtapi.Client is one.
type Sender interface {
	Do(ctx context.Context, r rtapi.Request) ([]byte, error)
}

// Journal records intents and outcomes; *journal.Writer is one.
type Journal interface {
	Append(entries ...journal.Entry) error
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
	// OnResult is called once per finished action (from one goroutine at a
	// time), for progress display.
	OnResult func(ItemResult)
	// OnStart is called when an action's POST is about to be sent, from the
	// worker sending it: several calls may run at once.
	OnStart func(plan.Action)
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
	// Skipped: not sent, because the run was interrupted first.
	Skipped Outcome = "skipped"
)

// ItemResult is the result of one action.
type ItemResult struct {
	Action  plan.Action
	Outcome Outcome
	Err     error
}

// Result sums up a run.
type Result struct {
	Items       []ItemResult
	Interrupted bool
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
	for _, a := range actions {
		if a.Request == nil {
			return nil, fmt.Errorf("%s has no request to send; make the plan again", a.Address)
		}
	}
	r := &runner{ctx: ctx, s: s, j: j, opts: opts, results: make([]ItemResult, len(actions))}
	if opts.Rate > 0 {
		r.limiter = rate.NewLimiter(rate.Limit(opts.Rate), 1)
	}
	return r.run(actions)
}

type runner struct {
	ctx     context.Context
	s       Sender
	j       Journal
	opts    Options
	limiter *rate.Limiter
	limMu   sync.Mutex

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
	jobs := make(chan job, batch)
	done := make(chan finished, batch)

	var journalErr error
	var jmu sync.Mutex
	setErr := func(err error) {
		jmu.Lock()
		if journalErr == nil {
			journalErr = err
		}
		jmu.Unlock()
	}
	failed := func() bool {
		jmu.Lock()
		defer jmu.Unlock()
		return journalErr != nil
	}

	// Producer: take a batch's tokens from the limiter, write its intents
	// with one fsync, then hand it out.
	go func() {
		defer close(jobs)
		for start := 0; start < len(actions); start += batch {
			end := min(start+batch, len(actions))
			for range end - start {
				if err := r.wait(); err != nil {
					return
				}
			}
			if r.ctx.Err() != nil || failed() {
				return
			}
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
			if err := r.j.Append(entries...); err != nil {
				setErr(fmt.Errorf("recording intents: %w", err))
				return
			}
			for i := start; i < end; i++ {
				jobs <- job{index: i, action: actions[i]}
			}
		}
	}()

	// Workers: send, never more than p at once.
	var wg sync.WaitGroup
	for range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for jb := range jobs {
				if failed() {
					// Outcomes can no longer be recorded: send nothing more.
					done <- finished{jb.index, ItemResult{Action: jb.action, Outcome: Skipped, Err: errors.New("not sent: the journal cannot be written")}}
					continue
				}
				if r.premiumRequired.Load() {
					// A Lite account refuses every POST: one refusal says
					// it, a hundred more would only bury it.
					done <- finished{jb.index, ItemResult{Action: jb.action, Outcome: Skipped, Err: errors.New("not sent: the account needs RescueTime Premium")}}
					continue
				}
				res := r.send(jb)
				var premium *rtapi.PremiumRequiredError
				if errors.As(res.Err, &premium) {
					r.premiumRequired.Store(true)
				}
				done <- finished{jb.index, res}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// Outcomes: group-commit whatever finished since the last fsync.
	for first := range done {
		group := []finished{first}
	drain:
		for {
			select {
			case more, ok := <-done:
				if !ok {
					break drain
				}
				group = append(group, more)
			default:
				break drain
			}
		}
		entries := make([]journal.Entry, 0, len(group))
		for _, f := range group {
			it := f.result
			e := journal.Entry{Type: journal.Outcome, Key: it.Action.Key, Address: it.Action.Address}
			switch it.Outcome {
			case Created:
				e.Result = journal.Applied
			case Unknown:
				e.Result = journal.Unknown
			case Skipped:
				e.Result = journal.NotSent
			default:
				e.Result = journal.Failed
			}
			if it.Err != nil {
				e.Error = it.Err.Error()
			}
			entries = append(entries, e)
		}
		if err := r.j.Append(entries...); err != nil {
			setErr(fmt.Errorf("recording outcomes: %w", err))
		}
		for _, f := range group {
			r.results[f.index] = f.result
			if r.opts.OnResult != nil {
				r.opts.OnResult(f.result)
			}
		}
	}

	res := &Result{Interrupted: r.ctx.Err() != nil}
	for i, a := range actions {
		it := r.results[i]
		if it.Outcome == "" {
			// Never queued: no intent was written for it.
			reason := errors.New("not sent: the run was interrupted first")
			if journalErr != nil {
				reason = errors.New("not sent: the journal cannot be written")
			}
			it = ItemResult{Action: a, Outcome: Skipped, Err: reason}
		}
		res.Items = append(res.Items, it)
	}
	return res, journalErr
}

type finished struct {
	index  int
	result ItemResult
}

// send performs one POST. Once its intent is on disk an action is either
// sent to completion or recorded as not sent; an interruption never cuts a
// request short, so its outcome is always known or honestly unknown.
func (r *runner) send(jb job) ItemResult {
	a := jb.action
	if err := r.ctx.Err(); err != nil {
		return ItemResult{Action: a, Outcome: Skipped, Err: fmt.Errorf("not sent: %w", err)}
	}
	if r.opts.OnStart != nil {
		r.opts.OnStart(a)
	}
	_, err := r.s.Do(context.WithoutCancel(r.ctx), *a.Request)
	switch {
	case err == nil:
		return ItemResult{Action: a, Outcome: Created}
	case rtapi.MayHaveBeenApplied(err):
		return ItemResult{Action: a, Outcome: Unknown, Err: err}
	default:
		return ItemResult{Action: a, Outcome: Failed, Err: err}
	}
}

// wait blocks until the rate limiter allows the next POST, or the run is
// interrupted.
func (r *runner) wait() error {
	if err := r.ctx.Err(); err != nil {
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
	return r.opts.Sleep(r.ctx, d)
}
