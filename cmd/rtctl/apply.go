package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
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
			opts.Progress = e.inFlight.Track(view)
			if !autoApprove {
				opts.Confirm = func(ctx context.Context) (bool, error) { return confirm(ctx, e) }
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
	f.IntVar(&opts.Parallelism, "parallelism", workspace.DefaultParallelism, "how many POSTs may be in flight at once")
	f.Float64Var(&rate, "rate", workspace.DefaultRate, "at most this many POSTs per second (0: no limit; the sandbox has none)")
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
	if len(res.Attention()) == 0 && res.Sent == nil && len(res.AlreadyInAccount) == 0 {
		view.Unchanged(saved)
		return runErr
	}
	if err := view.Summary(res, runErr != nil); err != nil {
		return err
	}
	switch {
	case runErr != nil:
		return runErr
	case res.Sent != nil && res.Sent.Broken != "":
		return &exitError{code: exitError1, err: fmt.Errorf("%s: stopped sending; the %s not sent are planned again by the next run", strings.TrimSuffix(res.Sent.Broken, "."), plural(res.NotSent(), "item", "items"))}
	case res.Sent != nil && res.Sent.Interrupted:
		return &exitError{code: exitError1, err: errors.New("interrupted; run apply again to post the rest")}
	case res.Failed() > 0:
		return &exitError{code: exitError1, err: fmt.Errorf("%s failed; see the reasons above", plural(res.Failed(), "item", "items"))}
	case res.Stopped():
		return &exitError{code: exitError1, err: errors.New("the apply stopped before sending everything; see the reasons above, then run apply again")}
	case len(res.Attention()) > 0:
		return &exitError{code: exitAttention, err: attentionError(res)}
	}
	return nil
}

// attentionError says what a person has to look at after an apply.
func attentionError(res *workspace.ApplyResult) error {
	att := res.Attention()
	var parts []string
	for _, st := range workspace.AttentionStatuses {
		if n := att[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ReplaceAll(string(st), "_", " ")))
		}
	}
	msg := fmt.Sprintf("not everything declared is in the account (%s): see the reasons above", strings.Join(parts, ", "))
	if unknown := res.Unknown(); unknown > 0 {
		msg += fmt.Sprintf("; the next plan checks the account for the %s that got no answer (after %s)", plural(unknown, "POST", "POSTs"), workspace.SettleAfter)
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

// abandonedCode is the exit code of a process a second sig ends: 128
// plus the signal's number, as a shell reports a process that signal
// ended, so that what the person or the CI runner sent is recognised.
func abandonedCode(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return exitAbandonedTerm
	}
	return exitAbandoned
}

// plural is "1 POST" or "3 POSTs".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
