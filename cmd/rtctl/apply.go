package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newApplyCmd(e *env) *cobra.Command {
	var (
		cf                          configFlags
		acct                        accountFlags
		autoApprove, retryUncertain bool
		opts                        workspace.ApplyOptions
		rate                        float64
		jsonOut                     bool
	)
	cmd := &cobra.Command{
		Use:   "apply [DIR | FILE]",
		Short: "Post what the plan shows, at most once per item",
		Long: `Apply makes a plan for the configuration in DIR (default: the current
directory), shows it, asks for confirmation and posts the items to create.
Given a FILE saved by "rtctl plan --out", it applies exactly that plan without
asking, after checking that it is not stale. A saved plan is applied once, as
Terraform's: a second apply of it is refused (run rtctl plan again).

Every POST is recorded in the journal (.rtctl/journal.jsonl beside the
configuration) before it is sent and after it returns, so an interrupted or
crashed apply never posts an item twice: the next run settles unanswered
POSTs from the account's feeds. A lock beside the journal keeps two applies
from running at once.

Ctrl-C (or SIGTERM) stops starting new POSTs, waits for those in flight and
records them; a second one abandons those, naming them, and ends at once.

` + exitCodesHelp,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			saved, dir, err := savedPlanArg(dirArg(args))
			if err != nil {
				return err
			}
			switch {
			case saved != nil && (len(opts.Targets) > 0 || len(opts.Replace) > 0 || len(cf.varFiles) > 0 || retryUncertain):
				return errors.New("a saved plan is applied with the variables and options it was made with: give --target, --replace, --var-file and --retry-uncertain to rtctl plan -out instead")
			case jsonOut && saved == nil && !autoApprove:
				return errors.New("apply --json cannot ask for confirmation: add --auto-approve, or apply a saved plan")
			}
			if saved != nil && saved.ForSandbox() && !acct.sandbox && !acct.namesAccount(e) {
				// As its variables, the plan's account comes with it, for
				// a person who has given no other (a new user trying the
				// README); one who has meets the refusal of a plan
				// reviewed against the sandbox, which says to add
				// --sandbox.
				acct.sandbox = true
				e.out().Note("the plan was made against the sandbox: it is applied there.")
			}
			wopts, err := workspaceOptions(e, &cf, &acct)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("rate") {
				opts.Rate = &rate
			}
			view := views.NewApplyText(e.stdout, views.ApplyTextOptions{
				Terminal: e.ansiTerminal(e.stdout), Color: diagColor(e, cf.noColor, e.stdout),
				Rate: wopts.Rate(opts.Rate), Now: e.now, Stderr: e.stderr, Width: e.width(e.stdout),
			})
			if jsonOut {
				view = views.NewApplyJSON(e.stdout, e.now)
			}
			wopts.Reporter = view
			if saved != nil {
				if wopts, err = savedOptions(saved, wopts); err != nil {
					return err
				}
			}
			if err := setBackend(e, dir, &cf.backend, &wopts); err != nil {
				return err
			}
			ws, err := workspace.Open(dir, wopts)
			if err != nil {
				return err
			}
			opts.RetryUncertain = retryUncertain
			opts.Review = func(ctx context.Context, p *plan.Plan) (bool, error) {
				if err := view.Plan(p); err != nil {
					return false, err
				}
				if len(p.ToCreate()) == 0 || autoApprove {
					return true, nil
				}
				return confirm(ctx, e)
			}
			opts.OnStop = view.Stopping
			opts.OnRun = func(todo []plan.Action) {
				e.inFlight.run(len(todo))
				view.Run(todo)
			}
			e.inFlight.showHeld(view.Flush)
			opts.OnStart = func(a plan.Action) {
				e.inFlight.start(a)
				view.Start(a)
			}
			opts.OnResult = func(r apply.ItemResult) {
				e.inFlight.result(r)
				view.Result(r)
			}
			var res *workspace.ApplyResult
			if saved != nil {
				res, err = ws.ApplySaved(cmd.Context(), saved, opts)
			} else {
				res, err = ws.Apply(cmd.Context(), opts)
			}
			view.Finish()
			err = applyOutcome(e, view, res, err, saved != nil)
			if err != nil {
				view.Error(errorMessage(err))
			}
			return err
		},
	}
	cf.register(cmd)
	acct.register(cmd)
	f := cmd.Flags()
	f.BoolVar(&autoApprove, "auto-approve", false, "apply without asking for confirmation")
	f.BoolVar(&jsonOut, "json", false, "stream the apply as JSON events, one a line (docs/apply-json.md); needs --auto-approve or a saved plan")
	f.BoolVar(&retryUncertain, "retry-uncertain", false, "send uncertain items again (check the account first: this may duplicate them)")
	f.IntVar(&opts.Parallelism, "parallelism", apply.DefaultParallelism, "how many POSTs may be in flight at once")
	f.Float64Var(&rate, "rate", apply.DefaultRate, "at most this many POSTs per second (0: no limit; the sandbox has none)")
	f.StringArrayVar(&opts.Replace, "replace", nil, "post the changed version of the items this `ADDRESS` selects instead of holding it (the old one stays in the account); repeatable")
	f.StringArrayVar(&opts.Targets, "target", nil, "apply only the items this `ADDRESS` selects (highlight.ship, offline_time.meetings, highlight.*); repeatable")
	f.DurationVar(&opts.LockTimeout, "lock-timeout", 0, "wait this long for another apply on the same journal to finish")
	return cmd
}

// savedPlanArg tells a saved plan file from a configuration directory, and
// returns the directory to work in.
func savedPlanArg(path string) (*workspace.SavedPlan, string, error) {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return nil, path, nil
	}
	saved, err := workspace.ReadSavedPlan(path)
	if err != nil {
		return nil, "", err
	}
	if st, err := os.Stat(saved.ConfigDir); err != nil || !st.IsDir() {
		return nil, "", fmt.Errorf("the saved plan refers to the configuration in %s, which is not there (was the plan or the configuration moved?)", saved.ConfigDir)
	}
	return saved, saved.ConfigDir, nil
}

// applyOutcome prints how the apply ended and turns it into the exit code
// (see exitCodesHelp): a run that could not post something declared must not
// exit 0.
func applyOutcome(e *env, view views.ApplyView, res *workspace.ApplyResult, runErr error, saved bool) error {
	if res == nil {
		return runErr
	}
	if res.Declined {
		view.Cancelled()
		return &exitError{code: exitError1}
	}
	att := res.Attention()
	if res.Sent == nil && len(res.AlreadyInAccount) == 0 && len(att) == 0 {
		view.Unchanged(saved)
		return runErr
	}
	if err := view.Summary(res, runErr != nil); err != nil {
		return err
	}
	sent := res.Sent
	if sent == nil {
		sent = &apply.Result{}
	}
	switch {
	case runErr != nil:
		return runErr
	case sent.Broken != "":
		return &exitError{code: exitError1, err: fmt.Errorf("%s: stopped sending; the %s not sent are planned again by the next run", strings.TrimSuffix(sent.Broken, "."), plural(sent.Count(apply.NotSent), "item", "items"))}
	case sent.Interrupted:
		return &exitError{code: exitError1, err: errors.New("interrupted; run apply again to post the rest")}
	case sent.Count(apply.Failed) > 0:
		return &exitError{code: exitError1, err: fmt.Errorf("%s failed; see the reasons above", plural(sent.Count(apply.Failed), "item", "items"))}
	case res.Stopped():
		return &exitError{code: exitError1, err: errors.New("the apply stopped before sending everything; see the reasons above, then run apply again")}
	case len(att) > 0:
		return &exitError{code: exitAttention, err: attentionError(att, sent.Count(apply.Unknown))}
	}
	return nil
}

// attentionError says what a person has to look at after an apply.
func attentionError(att map[plan.Status]int, unknown int) error {
	var parts []string
	for _, st := range workspace.AttentionStatuses {
		if n := att[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ReplaceAll(string(st), "_", " ")))
		}
	}
	msg := fmt.Sprintf("not everything declared is in the account (%s): see the reasons above", strings.Join(parts, ", "))
	if unknown > 0 {
		msg += fmt.Sprintf("; the next plan checks the account for the %s that got no answer (after %s)", plural(unknown, "POST", "POSTs"), plan.SettleAfter)
	}
	return errors.New(msg)
}

// savedOptions are the options of an apply of a saved plan: the variables
// it was made with. --var is taken only for the variables the plan file
// left out for holding a secret.
func savedOptions(saved *workspace.SavedPlan, opts workspace.Options) (workspace.Options, error) {
	secret := map[string]bool{}
	for _, n := range saved.SecretVars() {
		secret[n] = true
	}
	for name := range opts.Vars {
		if !secret[name] {
			return opts, fmt.Errorf("--var %s: the saved plan was made with its own value of %s, and apply uses it; only variables holding a secret (%s) are given again", name, name, strings.Join(saved.SecretVars(), ", "))
		}
	}
	return saved.Options(opts), nil
}

// inFlight tracks the POSTs sent and not yet answered, from the apply
// view's callbacks (called by concurrent workers), for the line a second
// interrupt prints as it abandons them.
type inFlight struct {
	mu      sync.Mutex
	started bool
	sent    map[string]bool
	// total is what the apply meant to send, answered what came back.
	total, answered int
	// flush shows the results the view holds back for the plan's order
	// (answered after an item still in flight), before the process ends.
	flush func()
}

// showHeld is how the apply's view shows what it holds back.
func (f *inFlight) showHeld(flush func()) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flush = flush
}

// flushView shows what the view holds back, if an apply is running.
func (f *inFlight) flushView() {
	f.mu.Lock()
	flush := f.flush
	f.mu.Unlock()
	if flush != nil {
		flush()
	}
}

func (f *inFlight) run(total int) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total = total
}

func (f *inFlight) start(a plan.Action) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sent == nil {
		f.sent = map[string]bool{}
	}
	f.started = true
	f.sent[a.Address] = true
}

func (f *inFlight) result(r apply.ItemResult) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sent[r.Action.Address] {
		f.answered++
	}
	delete(f.sent, r.Action.Address)
}

// abandonedCode is the exit code of a process a second sig ends: 128
// plus the signal's number, as a shell reports a process that signal
// ended, so that what the person or the CI runner sent is recognised.
func abandonedCode(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return exitAbandonedTerm
	}
	return exitAbandoned
}

// abandonLine is the summary a second sig prints as it ends the process
// with code: the POSTs it abandons, what became of the rest, and what to
// do next.
func (f *inFlight) abandonLine(sig os.Signal, code int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	what := "Interrupted again"
	if sig == syscall.SIGTERM {
		what = "Terminated again"
	}
	if !f.started {
		return fmt.Sprintf("%s: stopped at once (exit code %d); nothing had been sent.", what, code)
	}
	notSent := max(0, f.total-f.answered-len(f.sent))
	rest := fmt.Sprintf("Of the %s to send, %d answered, %d not sent", plural(f.total, "item", "items"), f.answered, notSent)
	next := "Next: rtctl apply posts what was not sent"
	if len(f.sent) == 0 {
		return fmt.Sprintf("%s: stopped at once (exit code %d) with no POST in flight. %s. %s; rtctl plan shows what is left.", what, code, rest, next)
	}
	addrs := make([]string, 0, len(f.sent))
	for a := range f.sent {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	const shown = 10
	list := strings.Join(addrs[:min(shown, len(addrs))], ", ")
	if len(addrs) > shown {
		list += fmt.Sprintf(" and %d more", len(addrs)-shown)
	}
	return fmt.Sprintf("%s: abandoned the %s in flight (%s), exit code %d. %s, %d abandoned: whether those reached RescueTime is unknown, so they are uncertain and never sent again by themselves; the next plan settles them from the account's feeds once it has synced, or says what to check. %s.",
		what, plural(len(addrs), "POST", "POSTs"), list, code, rest, len(addrs), next)
}

// plural is "1 POST" or "3 POSTs".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
