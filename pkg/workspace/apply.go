package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/backend"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec"
)

// ApplyOptions tune Apply and ApplySaved.
type ApplyOptions struct {
	// RetryUncertain sends uncertain items again (Apply only): the person
	// has checked the account.
	RetryUncertain bool
	// Targets keep only the items these address patterns select (Apply
	// only); see PlanOptions.Targets.
	Targets []string
	// Replace posts the changed items these patterns select (Apply only);
	// see PlanOptions.Replace.
	Replace []string
	// Parallelism is how many POSTs may be in flight at once
	// (apply.DefaultParallelism when zero).
	Parallelism int
	// Rate is the most POSTs a second, 0 for no limit. Nil means
	// apply.DefaultRate, and no limit on the sandbox, which runs in process.
	Rate *float64
	// LockTimeout is how long to wait for another apply on the same
	// journal to finish; zero fails at once.
	LockTimeout time.Duration
	// Progress is shown the plan before anything is sent (Apply only),
	// also when there is nothing to send, and told how sending goes: the
	// apply's view. Nil shows nothing.
	Progress ApplyProgress
	// Confirm decides, once Progress has shown the plan, whether to send
	// what it creates (Apply only; not asked when it creates nothing).
	// Nil approves.
	Confirm func(ctx context.Context) (bool, error)
}

// ApplyProgress is what an apply shows as it goes: the plan, then the
// run's progress (apply.Progress).
type ApplyProgress interface {
	Plan(p *plan.Plan) error
	apply.Progress
}

// DefaultParallelism and DefaultRate are apply's defaults, for the flags
// that change them.
const (
	DefaultParallelism = apply.DefaultParallelism
	DefaultRate        = apply.DefaultRate
)

// ApplyResult is what an apply did.
type ApplyResult struct {
	// Plan is the plan made at the start of the apply: what it sent, and
	// what it left for a person (conflicts, uncertain items, orphans).
	Plan *plan.Plan
	// Saved is the saved plan applied; nil for a fresh apply.
	Saved *plan.Plan
	// Declined is set when Confirm said no: nothing was sent.
	Declined bool
	// Sent is the outcome of every POST attempted; nil when nothing was
	// to be sent.
	Sent *apply.Result
	// AlreadyInAccount are the saved plan's items that reached the account
	// since the plan was made: not sent again.
	AlreadyInAccount []plan.Action
}

// Apply plans the configuration and posts what the plan creates, at most
// once per item: under the journal's lock, as of one reading of the clock,
// recording every POST before it is sent and after it returns. The returned
// error is non-nil only when the run could not go on (the journal could not
// be written); failures of single items are in the result.
func (w *Workspace) Apply(ctx context.Context, opts ApplyOptions) (*ApplyResult, error) {
	now, cfg, locks, err := w.beginApply(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer locks.Release()
	pr, client, jw, err := w.prepareApply(ctx, cfg, now, locks, PlanOptions{RetryUncertain: opts.RetryUncertain, Targets: opts.Targets, Replace: opts.Replace})
	if err != nil {
		return nil, err
	}
	defer jw.Close()
	res := &ApplyResult{Plan: pr.Plan}
	if opts.Progress != nil {
		if err := opts.Progress.Plan(pr.Plan); err != nil {
			return nil, err
		}
	}
	if opts.Confirm != nil && len(pr.Plan.ToCreate()) > 0 {
		ok, err := opts.Confirm(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			res.Declined = true
			return res, nil
		}
	}
	return w.run(ctx, client, jw, pr.Plan.ToCreate(), res, opts)
}

// beginApply is how every apply starts: one reading of the clock, the
// account's locks, then the configuration. The lock comes before the load:
// what the plan decides (deferred items, the minutes left in a focus
// window) must still hold when it runs. The caller releases the locks.
func (w *Workspace) beginApply(ctx context.Context, opts ApplyOptions) (time.Time, *spec.Config, *Locks, error) {
	now := w.instant()
	locks, err := w.lock(ctx, opts.LockTimeout, "rtctl apply")
	if err != nil {
		return now, nil, nil, err
	}
	w.unsharedNotice(locks)
	cfg, err := w.load(ctx, now)
	if err != nil {
		locks.Release()
		return now, nil, nil, err
	}
	switched, err := w.configBackend(cfg)
	if err != nil || !switched {
		if err != nil {
			locks.Release()
			return now, nil, nil, err
		}
		return now, cfg, locks, nil
	}
	// The configuration keeps its journal elsewhere: that backend's locks.
	// The configuration loaded under the first ones stands: it was loaded
	// as of the same reading of the clock.
	locks.Release()
	if locks, err = w.lock(ctx, opts.LockTimeout, "rtctl apply"); err != nil {
		return now, nil, nil, err
	}
	return now, cfg, locks, nil
}

// ApplySaved applies a saved plan, exactly as it was reviewed: it is
// refused as stale (*apply.StaleError) when it was made for another
// account, from another configuration, or when an item it would create is
// now anything but still to create or already in the account.
func (w *Workspace) ApplySaved(ctx context.Context, saved *SavedPlan, opts ApplyOptions) (*ApplyResult, error) {
	now, cfg, locks, err := w.beginApply(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer locks.Release()
	jpath, err := w.JournalPath()
	if err != nil {
		return nil, err
	}
	if at, done, err := planAppliedAt(jpath, saved.file.PlanID); err != nil {
		return nil, err
	} else if done {
		when := "an earlier run"
		if !at.IsZero() {
			when = at.In(cfg.Timezone).Format("2006-01-02 15:04 MST")
		}
		return nil, &apply.StaleError{Reasons: []string{"this saved plan was already applied at " + when}}
	}
	if t := w.Target(); saved.file.Target != t {
		hint := ""
		if saved.file.Target == sandboxTarget {
			hint = "; add --sandbox to apply it there"
		}
		return nil, &apply.StaleError{Reasons: []string{fmt.Sprintf("the plan was made for %s, and this apply would go to %s%s", saved.file.Target, t, hint)}}
	}
	if saved.file.ConfigHash != cfg.Hash {
		return nil, &apply.StaleError{Reasons: []string{staleCause(saved.file.Sources, cfg.Sources, saved.file.Inputs.SecretVars, w.dir)}}
	}
	pr, client, jw, err := w.prepareApply(ctx, cfg, now, locks, saved.PlanOptions())
	if err != nil {
		return nil, err
	}
	defer jw.Close()
	todo, skipped, err := apply.Reconcile(saved.Plan, pr.Plan)
	if err != nil {
		return nil, err
	}
	if err := recordPlanApplied(locks.Journal, jpath, saved.file.PlanID, now); err != nil {
		return nil, err
	}
	res := &ApplyResult{Plan: pr.Plan, Saved: saved.Plan, AlreadyInAccount: skipped}
	return w.run(ctx, client, jw, todo, res, opts)
}

// Rate is the POSTs a second an apply with these options sends given the
// asked-for rate (nil for the default): apply.DefaultRate, and no limit on
// the sandbox, which runs in process. 0 means no limit.
func (o Options) Rate(asked *float64) float64 {
	switch {
	case asked != nil:
		return *asked
	case o.Account.Sandbox:
		return 0
	}
	return apply.DefaultRate
}

// Rate is Options.Rate of the workspace's options.
func (w *Workspace) Rate(asked *float64) float64 { return w.opts.Rate(asked) }

// AttentionStatuses are the statuses of items a person must act on: apply
// cannot post them as they are, and nothing settles them on its own.
var AttentionStatuses = []plan.Status{plan.Conflict, plan.Uncertain, plan.Held, plan.Orphaned}

// Attention counts, by status, the items the apply left for a person: those
// of AttentionStatuses in the plan, and the POSTs whose outcome is unknown
// (as uncertain).
func (r *ApplyResult) Attention() map[plan.Status]int {
	out := map[plan.Status]int{}
	if r.Plan != nil {
		sum := r.Plan.Summary()
		for _, st := range AttentionStatuses {
			if sum[st] > 0 {
				out[st] = sum[st]
			}
		}
	}
	if r.Sent != nil {
		if n := r.Sent.Count(apply.Unknown); n > 0 {
			out[plan.Uncertain] += n
		}
	}
	return out
}

// Failed, NotSent and Unknown count the POSTs attempted that ended so
// (apply's outcomes): refused or provably not received, never sent, sent
// without an answer.
func (r *ApplyResult) Failed() int  { return r.count(apply.Failed) }
func (r *ApplyResult) NotSent() int { return r.count(apply.NotSent) }
func (r *ApplyResult) Unknown() int { return r.count(apply.Unknown) }

func (r *ApplyResult) count(o apply.Outcome) int {
	if r.Sent == nil {
		return 0
	}
	return r.Sent.Count(o)
}

// SettleAfter is how long after a POST without answer the next plan
// looks for it in the feeds.
const SettleAfter = plan.SettleAfter

// Stopped reports whether the apply ended before it had sent everything
// it meant to: interrupted, or unable to go on.
func (r *ApplyResult) Stopped() bool {
	return r.Sent != nil && (r.Sent.Interrupted || r.Sent.Broken != "" || r.Sent.Count(apply.NotSent) > 0)
}

// prepareApply plans for an apply, opens the journal for writing and
// records what the feeds settled since the last run, whatever the person
// then decides: those are facts about the account. held is the journal's
// lock, which beginApply took.
func (w *Workspace) prepareApply(ctx context.Context, cfg *spec.Config, now time.Time, locks *Locks, opts PlanOptions) (*PlanResult, *rtapi.Client, backend.Writer, error) {
	pr, client, err := w.prepare(ctx, cfg, now, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	if opts.RetryUncertain {
		for _, a := range pr.Plan.Actions {
			if a.Status == plan.Uncertain && !a.SettlesAt.IsZero() {
				w.opts.Reporter.Notice(fmt.Sprintf("%s is not sent again before %s: its earlier POST may still land, and the feeds will settle it by then.", a.Address, a.SettlesAt.In(cfg.Timezone).Format("15:04")))
			}
		}
	}
	jpath, err := w.JournalPath()
	if err != nil {
		return nil, nil, nil, err
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, nil, nil, err
	}
	acct.Timezone = cfg.Timezone.String()
	_, statErr := os.Lstat(jpath)
	local, err := journal.OpenWriter(locks.Journal, jpath, w.present(), fmt.Sprintf("%s-%d", now.UTC().Format("20060102T150405Z"), os.Getpid()), acct)
	if err != nil {
		return nil, nil, nil, err
	}
	jw := locks.lease.Writer(local)
	// A shared backend's copy is always there once the lease is taken;
	// it is recorded too, so that a run with the local backend later
	// knows the account's journal was elsewhere (journalDoubts).
	if (errors.Is(statErr, fs.ErrNotExist) || w.shared()) && !w.opts.Account.Sandbox {
		if err := w.markJournalStarted(locks, jpath, w.present()()); err != nil {
			jw.Close()
			return nil, nil, nil, err
		}
	}
	switch {
	case local.Migrated:
		w.opts.Reporter.Notice(fmt.Sprintf("the journal %s was rewritten in the current format, every line with a checksum that covers the account it belongs to (%s)", jpath, acct))
	case local.Repaired:
		w.opts.Reporter.Notice(fmt.Sprintf("removed the end of the journal %s that a crash cut short: it was an intent whose POST was never sent", jpath))
	}
	if err := jw.Append(pr.Settled()...); err != nil {
		jw.Close()
		return nil, nil, nil, err
	}
	return pr, client, jw, nil
}

func (w *Workspace) run(ctx context.Context, client *rtapi.Client, jw backend.Writer, todo []plan.Action, res *ApplyResult, opts ApplyOptions) (*ApplyResult, error) {
	if len(todo) == 0 {
		return res, nil
	}
	sent, err := apply.Run(ctx, client, jw, todo, apply.Options{
		Parallelism: opts.Parallelism,
		Rate:        w.opts.Rate(opts.Rate),
		Now:         w.opts.Clock,  // the limiter's clock must move
		Progress:    opts.Progress, // nil stays nil: an interface converted
		Batch:       w.journalBatch(),
	})
	res.Sent = sent
	return res, err
}

// staleCause names what changed between the sources a saved plan was made
// from and the configuration's now: the first that differs, files first,
// then variables, then data sources, then the date.
func staleCause(then, now map[string]string, secretVars []string, dir string) string {
	if then == nil {
		return fmt.Sprintf("the configuration in %s changed since the plan was made (the plan file is too old to say what)", dir)
	}
	keys := map[string]bool{}
	for k := range then {
		keys[k] = true
	}
	for k := range now {
		keys[k] = true
	}
	var order []string
	for k := range keys {
		order = append(order, k)
	}
	rank := func(k string) int {
		for i, p := range []string{"file ", "var ", "data ", "today"} {
			if strings.HasPrefix(k, p) {
				return i
			}
		}
		return 4
	}
	sort.Slice(order, func(i, j int) bool {
		if rank(order[i]) != rank(order[j]) {
			return rank(order[i]) < rank(order[j])
		}
		return order[i] < order[j]
	})
	for _, k := range order {
		a, inThen := then[k]
		b, inNow := now[k]
		kind, name, _ := strings.Cut(k, " ")
		if inThen && inNow && a == b || kind == "var" && slices.Contains(secretVars, name) {
			continue
		}
		switch {
		case kind == "file" && !inThen:
			return fmt.Sprintf("%s was added to the configuration since the plan was made", name)
		case kind == "file" && !inNow:
			return fmt.Sprintf("%s was removed from the configuration since the plan was made", name)
		case kind == "file":
			return fmt.Sprintf("%s changed since the plan was made", name)
		case kind == "var":
			return fmt.Sprintf("the variable %s has another value than when the plan was made (its --var-file changed?)", name)
		case kind == "data":
			return fmt.Sprintf("data.%s reads other data than when the plan was made: the calendar or repository it reads changed", name)
		case kind == "today":
			return fmt.Sprintf("the date changed: the plan was made for %s, and today() is %s now", a, b)
		}
		return fmt.Sprintf("%s changed since the plan was made", k)
	}
	if len(secretVars) > 0 {
		// Only what the plan file keeps no digest of is left.
		return fmt.Sprintf("the variable %s has another value than when the plan was made: it holds a secret, so the plan file does not keep it; give apply the same --var or RTCTL_VAR_%s as plan", strings.Join(secretVars, " or "), secretVars[0])
	}
	return fmt.Sprintf("the configuration in %s changed since the plan was made", dir)
}
