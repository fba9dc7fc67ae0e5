package views

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/plan"
)

// InFlight tracks the POSTs an apply has sent and not yet heard back from,
// from what its view is told (by concurrent workers), for the line a second
// interrupt prints as it abandons them. The zero value is ready; a nil one
// tracks nothing.
type InFlight struct {
	mu      sync.Mutex
	started bool
	sent    map[string]bool
	// total is what the apply meant to send, answered what came back.
	total, answered int
	// flush shows the results the view holds back for the plan's order
	// (answered after an item still in flight), before the process ends.
	flush func()
}

// Track returns v, telling f what v is told of the run, and makes v's
// held-back results the ones FlushView shows.
func (f *InFlight) Track(v ApplyView) ApplyView {
	if f == nil {
		return v
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flush = v.Flush
	return &tracked{ApplyView: v, f: f}
}

// tracked is an apply view that tells an InFlight what it is told.
type tracked struct {
	ApplyView
	f *InFlight
}

func (t *tracked) Run(todo []plan.Action) {
	t.f.mu.Lock()
	t.f.total = len(todo)
	t.f.mu.Unlock()
	t.ApplyView.Run(todo)
}

func (t *tracked) Start(a plan.Action) {
	t.f.mu.Lock()
	if t.f.sent == nil {
		t.f.sent = map[string]bool{}
	}
	t.f.started = true
	t.f.sent[a.Address] = true
	t.f.mu.Unlock()
	t.ApplyView.Start(a)
}

func (t *tracked) Result(r apply.ItemResult) {
	t.f.mu.Lock()
	if t.f.sent[r.Action.Address] {
		t.f.answered++
	}
	delete(t.f.sent, r.Action.Address)
	t.f.mu.Unlock()
	t.ApplyView.Result(r)
}

// FlushView shows what the tracked view holds back, if an apply is
// running.
func (f *InFlight) FlushView() {
	if f == nil {
		return
	}
	f.mu.Lock()
	flush := f.flush
	f.mu.Unlock()
	if flush != nil {
		flush()
	}
}

// AbandonLine is the summary a second signal prints as it ends the process
// with code (terminated: it was SIGTERM, else an interrupt): the POSTs it
// abandons, what became of the rest, and what to do next.
func (f *InFlight) AbandonLine(terminated bool, code int) string {
	if f == nil {
		f = &InFlight{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	what := "Interrupted again"
	if terminated {
		what = "Terminated again"
	}
	if !f.started {
		return fmt.Sprintf("%s: stopped at once (exit code %d); nothing had been sent.", what, code)
	}
	notSent := max(0, f.total-f.answered-len(f.sent))
	rest := fmt.Sprintf("Of the %s to send, %d answered, %d not sent", count(f.total, "item", "items"), f.answered, notSent)
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
		what, count(len(addrs), "POST", "POSTs"), list, code, rest, len(addrs), next)
}
