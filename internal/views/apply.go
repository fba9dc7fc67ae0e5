package views

import (
	"fmt"
	"io"
	"sync"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/plan"
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
func ApplySummary(w io.Writer, sent *apply.Result, skipped []plan.Action) error {
	for _, a := range skipped {
		if _, err := fmt.Fprintf(w, "= %s: skipped, it is in the account already\n", a.Address); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, "\n"+ApplySummaryLine(sent, len(skipped))+".")
	return err
}

// ApplySummaryLine counts what an apply did, e.g. "Apply complete: 3
// created, 0 failed, 1 skipped". Skipped counts what was in the account
// already and what was never sent; unknown outcomes are named apart, since
// the next plan settles them rather than the person.
func ApplySummaryLine(sent *apply.Result, skipped int) string {
	verb := "Apply complete"
	if sent.Interrupted {
		verb = "Apply interrupted"
	}
	line := fmt.Sprintf("%s: %d created, %d failed, %d skipped", verb, sent.Count(apply.Created), sent.Count(apply.Failed), skipped+sent.Count(apply.Skipped))
	if n := sent.Count(apply.Unknown); n > 0 {
		line += fmt.Sprintf(", %d uncertain", n)
	}
	return line
}
