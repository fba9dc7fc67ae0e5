package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
)

func newApplyCmd(e *env) *cobra.Command {
	var (
		cf             configFlags
		conn           connectionFlags
		autoApprove    bool
		retryUncertain bool
		parallelism    int
		ratePerSecond  float64
		lockTimeout    time.Duration
	)
	cmd := &cobra.Command{
		Use:   "apply [DIR | FILE]",
		Short: "Post what the plan shows, at most once per item",
		Long: `Apply makes a plan for the configuration in DIR (default: the current
directory), shows it, asks for confirmation and posts the items to create.
Given a FILE saved by "rtctl plan --out", it applies exactly that plan without
asking, after checking that it is not stale.

Every POST is recorded in the journal (.rtctl/journal.jsonl beside the
configuration) before it is sent and after it returns, so an interrupted or
crashed apply never posts an item twice: the next run settles unanswered
POSTs from the account's feeds. A lock beside the journal keeps two applies
from running at once.

Ctrl-C stops starting new POSTs, waits for those in flight and records them.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dir := dirArg(args)
			var saved *plan.Saved
			if isSavedPlan(dir) {
				var err error
				if saved, err = plan.ReadFile(dir); err != nil {
					return err
				}
				dir = saved.ConfigDir
			}
			if err := checkConfigDir(dir); err != nil {
				if saved != nil {
					return fmt.Errorf("the saved plan refers to the configuration in %s, which is not there (was the plan or the configuration moved?): %w", dir, err)
				}
				return err
			}
			if err := conn.check(); err != nil {
				return err
			}
			// The lock comes first: what the plan decides (deferred items,
			// the minutes left in a focus window) must hold when it runs.
			jpath, err := cf.journalPath(e, dir, conn.sandbox)
			if err != nil {
				return err
			}
			lock, err := journal.Acquire(ctx, jpath, journal.AcquireOptions{Timeout: lockTimeout, Command: "rtctl apply"})
			if err != nil {
				return err
			}
			defer lock.Release()

			now, err := cf.resolveNow(e)
			if err != nil {
				return err
			}
			cfg, err := cf.load(ctx, e, dir, now)
			if err != nil {
				return err
			}
			if saved != nil {
				if t := conn.target(e); saved.Target != t {
					hint := ""
					if saved.Target == sandboxTarget {
						hint = "; add --sandbox to apply it there"
					}
					return &apply.StaleError{Reasons: []string{fmt.Sprintf("the plan was made for %s, and this apply would go to %s%s", saved.Target, t, hint)}}
				}
				if saved.ConfigHash != cfg.Hash {
					return &apply.StaleError{Reasons: []string{fmt.Sprintf("the configuration in %s changed since the plan was made: its files, its variables (pass apply the same --var and --var-file flags as plan), a calendar or git log it reads, or the date", dir)}}
				}
			}
			client, err := conn.client(ctx, e, dir, cfg.Timezone, cf.pinned(e))
			if err != nil {
				return err
			}

			pr, err := plan.Prepare(ctx, cfg, client, plan.PrepareOptions{
				ConfigDir:      dir,
				JournalPath:    jpath,
				Now:            now,
				RetryUncertain: retryUncertain,
			})
			if err != nil {
				return err
			}
			if retryUncertain {
				for _, a := range pr.Plan.Actions {
					if a.Status == plan.Uncertain && !a.SettlesAt.IsZero() {
						fmt.Fprintf(e.stderr, "Note: %s is not sent again before %s: its earlier POST may still land, and the feeds will settle it by then.\n", a.Address, a.SettlesAt.In(cfg.Timezone).Format("15:04"))
					}
				}
			}
			clock, err := cf.clock(e)
			if err != nil {
				return err
			}
			w, err := journal.OpenWriter(jpath, clock, fmt.Sprintf("%s-%d", e.now().UTC().Format("20060102T150405Z"), os.Getpid()))
			if err != nil {
				return err
			}
			defer w.Close()
			if err := w.Append(pr.Settled()...); err != nil {
				return err
			}

			var todo, skipped []plan.Action
			if saved != nil {
				old, err := saved.Restore()
				if err != nil {
					return err
				}
				if todo, skipped, err = apply.Reconcile(old, pr.Plan); err != nil {
					return err
				}
			} else {
				if err := pr.Plan.WriteText(e.stdout, plan.TextOptions{Color: cf.color(e)}); err != nil {
					return err
				}
				todo = pr.Plan.ToCreate()
				if len(todo) == 0 {
					return nil
				}
				if !autoApprove {
					ok, err := confirm(ctx, e)
					if err != nil {
						return err
					}
					if !ok {
						fmt.Fprintln(e.stdout, "\nApply cancelled.")
						return &exitError{code: 1}
					}
				}
			}
			if len(todo) == 0 && len(skipped) == 0 {
				fmt.Fprintln(e.stdout, "No changes. Your account matches the configuration.")
				return nil
			}
			fmt.Fprintln(e.stdout)
			if conn.sandbox && !cmd.Flags().Changed("rate") {
				// The sandbox is in this process: nothing to spare.
				ratePerSecond = 0
			}
			progress := newProgress(e, len(todo))
			res, runErr := apply.Run(ctx, client, w, todo, apply.Options{
				Parallelism: parallelism,
				Rate:        ratePerSecond,
				Now:         e.now, // the limiter's clock must move
				OnStart:     progress.start,
				OnResult:    progress.result,
			})
			progress.finish()
			if res == nil {
				return runErr
			}
			for _, a := range skipped {
				fmt.Fprintf(e.stdout, "= %s: skipped, it is in the account already\n", a.Address)
			}
			failed, unknown, notSent := res.Count(apply.Failed), res.Count(apply.Unknown), res.Count(apply.Skipped)
			verb := "Apply complete"
			if res.Interrupted {
				verb = "Apply interrupted"
			}
			// skipped counts what was in the account already and what was
			// never sent; unknown outcomes are named apart, since the next
			// plan settles them rather than the person.
			line := fmt.Sprintf("%s: %d created, %d failed, %d skipped", verb, res.Count(apply.Created), failed, len(skipped)+notSent)
			if unknown > 0 {
				line += fmt.Sprintf(", %d uncertain", unknown)
			}
			fmt.Fprintln(e.stdout, "\n"+line+".")
			if runErr != nil {
				return runErr
			}
			switch {
			case res.Interrupted:
				return &exitError{code: 1, err: errors.New("interrupted; run apply again to post the rest")}
			case failed > 0:
				return &exitError{code: 1, err: fmt.Errorf("%d item(s) failed; see the reasons above", failed)}
			case unknown > 0:
				return &exitError{code: 1, err: fmt.Errorf("%d item(s) got no clear answer; the next plan checks the account for them (after %s)", unknown, plan.SettleAfter)}
			}
			return nil
		},
	}
	cf.register(cmd)
	conn.register(cmd)
	f := cmd.Flags()
	f.BoolVar(&autoApprove, "auto-approve", false, "apply without asking for confirmation")
	f.BoolVar(&retryUncertain, "retry-uncertain", false, "send uncertain items again (check the account first: this may duplicate them)")
	f.IntVar(&parallelism, "parallelism", apply.DefaultParallelism, "how many POSTs may be in flight at once")
	f.Float64Var(&ratePerSecond, "rate", apply.DefaultRate, "at most this many POSTs per second (0: no limit; the sandbox has none)")
	f.DurationVar(&lockTimeout, "lock-timeout", 0, "wait this long for another apply on the same journal to finish")
	return cmd
}

// confirm asks for approval on a terminal, as Terraform does: only "yes"
// is accepted. Without a terminal there is nobody to ask, so apply refuses
// rather than guesses. Ctrl-C at the prompt is a no.
func confirm(ctx context.Context, e *env) (bool, error) {
	if !e.isTerminal(e.stdin) {
		return false, errors.New("apply needs confirmation, and there is no terminal to ask on: pass --auto-approve, or save a plan with rtctl plan --out FILE and run rtctl apply FILE")
	}
	fmt.Fprint(e.stdout, "\nDo you want to apply? Only 'yes' will be accepted: ")
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		answer <- line
	}()
	select {
	case line := <-answer:
		return strings.TrimSpace(line) == "yes", nil
	case <-ctx.Done():
		return false, nil
	}
}

// progress shows how an apply goes: an updating line on a terminal, one
// line per result otherwise (logs of CI runs). Workers report starts
// concurrently, hence the lock.
type progress struct {
	mu       sync.Mutex
	e        *env
	terminal bool
	total    int
	done     int
}

func newProgress(e *env, total int) *progress {
	return &progress{e: e, terminal: e.isTerminal(e.stdout), total: total}
}

func (p *progress) start(a plan.Action) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		fmt.Fprintf(p.e.stdout, "\r\x1b[K[%d/%d] %s", p.done, p.total, a.Address)
	}
}

func (p *progress) result(r apply.ItemResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if p.terminal {
		fmt.Fprint(p.e.stdout, "\r\x1b[K")
	}
	switch r.Outcome {
	case apply.Created:
		if !p.terminal {
			fmt.Fprintf(p.e.stdout, "+ %s: created\n", r.Action.Address)
		}
	case apply.Unknown:
		fmt.Fprintf(p.e.stdout, "? %s: outcome unknown (%v); the next plan checks the account for it\n", r.Action.Address, r.Err)
	case apply.Failed:
		fmt.Fprintf(p.e.stdout, "! %s: failed: %v\n", r.Action.Address, r.Err)
	case apply.Skipped:
		fmt.Fprintf(p.e.stdout, "- %s: %v\n", r.Action.Address, r.Err)
	}
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		fmt.Fprintf(p.e.stdout, "\r\x1b[K[%d/%d] done\n", p.done, p.total)
	}
}
