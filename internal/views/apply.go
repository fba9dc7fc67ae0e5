package views

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// ApplyProgress shows how an apply goes: an updating line on a terminal,
// one line per result otherwise (the logs of CI runs). Its Start and Result
// methods are the callbacks workspace.ApplyOptions takes; workers report
// starts concurrently, hence the lock.
type ApplyProgress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	total    int
	done     int
}

// NewApplyProgress reports on w the progress of an apply of total items.
func NewApplyProgress(w io.Writer, terminal bool, total int) *ApplyProgress {
	return &ApplyProgress{w: w, terminal: terminal, total: total}
}

// Start is told that a POST is about to be sent.
func (p *ApplyProgress) Start(a plan.Action) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K[%d/%d] %s", p.done, p.total, a.Address)
	}
}

// Result is told how a POST ended.
func (p *ApplyProgress) Result(r apply.ItemResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if p.terminal {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	switch r.Outcome {
	case apply.Created:
		if !p.terminal {
			fmt.Fprintf(p.w, "+ %s: created\n", r.Action.Address)
		}
	case apply.Unknown:
		fmt.Fprintf(p.w, "? %s: outcome unknown (%v); the next plan checks the account for it\n", r.Action.Address, r.Err)
	case apply.Failed:
		fmt.Fprintf(p.w, "! %s: failed: %v\n", r.Action.Address, r.Err)
	case apply.Skipped:
		fmt.Fprintf(p.w, "- %s: %v\n", r.Action.Address, r.Err)
	}
}

// Finish ends the progress display.
func (p *ApplyProgress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K[%d/%d] done\n", p.done, p.total)
	}
}

// ApplySummary writes the lines that end an apply: the saved plan's items
// skipped because they reached the account since, and the one-line count.
func ApplySummary(w io.Writer, res *workspace.ApplyResult, stopped bool) error {
	for _, a := range res.Skipped {
		if _, err := fmt.Fprintf(w, "= %s: skipped, it is in the account already\n", a.Address); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, "\n"+ApplySummaryLine(res, stopped)+".")
	return err
}

// ApplySummaryLine counts what an apply did and left, e.g. "Apply complete:
// 3 created, 1 conflict, 1 uncertain, 0 failed". It says "stopped" when the
// apply did not send all it meant to, and names every declared item that
// did not reach the account: a scheduled run's log must not read "complete"
// over an item that needs a person.
func ApplySummaryLine(res *workspace.ApplyResult, stopped bool) string {
	sent := res.Sent
	if sent == nil {
		sent = &apply.Result{}
	}
	verb := "Apply complete"
	if stopped || res.Stopped() {
		verb = "Apply stopped"
	}
	parts := []string{fmt.Sprintf("%d created", sent.Count(apply.Created))}
	att := res.Attention()
	for _, st := range workspace.AttentionStatuses {
		if n := att[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, statusNoun(st, n)))
		}
	}
	if n := sent.Count(apply.Skipped); n > 0 {
		parts = append(parts, fmt.Sprintf("%d not sent", n))
	}
	if n := len(res.Skipped); n > 0 {
		parts = append(parts, fmt.Sprintf("%d already in the account", n))
	}
	parts = append(parts, fmt.Sprintf("%d failed", sent.Count(apply.Failed)))
	return verb + ": " + strings.Join(parts, ", ")
}

// statusNoun names n items of status st in a count.
func statusNoun(st plan.Status, n int) string {
	if st == plan.Conflict {
		return plural(n, "conflict", "conflicts")
	}
	return styles[st].title
}
