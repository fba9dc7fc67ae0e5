package views

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// ApplyView shows an apply as it runs: to a person (NewApplyText) or to a
// program (NewApplyJSON). It is the apply's workspace.ApplyProgress (the
// plan, then apply.Progress): workers report starts concurrently, so views
// lock.
type ApplyView interface {
	workspace.Reporter
	workspace.ApplyProgress
	// Finish ends the progress display.
	Finish()
	// Flush shows at once the results held back for the plan's order:
	// the process is about to end (a second Ctrl-C) with POSTs in flight.
	Flush()
	// Summary shows how the apply ended; stopped says it could not go on.
	Summary(res *workspace.ApplyResult, stopped bool) error
	// Unchanged says the apply had nothing to do; saved says a saved plan
	// was applied (a fresh plan said so already).
	Unchanged(saved bool)
	// Cancelled says the person declined the plan.
	Cancelled()
	// Error shows the error that ended the apply in the view's form: the
	// JSON stream's last event. The text view leaves it to the command
	// line's error line (View.Error), which every command shares.
	Error(err error)
}

// ApplyTextOptions tune the text view.
type ApplyTextOptions struct {
	Terminal bool // an updating progress line, colours
	Color    bool
	// Rate is the POSTs a second the apply sends (0: no limit), for the
	// time the plan says the apply will take.
	Rate float64
	Now  func() time.Time // elapsed time and the estimate
	// Stderr receives diagnostics and notices.
	Stderr io.Writer
	// Width is the terminal's width (0: not known), for the plan's
	// wrapped reasons and to cut the progress line to.
	Width int
}

type applyText struct {
	mu      sync.Mutex
	w       io.Writer
	opts    ApplyTextOptions
	total   int
	done    int
	started time.Time

	// Result lines come out in the plan's order, not in the order the
	// parallel POSTs end in: the apply's lines are read against the plan
	// printed above them, and an order shuffled by the network reads as
	// a different plan. (Terraform prints as things complete, but beside
	// a "Creating..." line for each start: an event log. Here a line
	// stands for an item, as in the plan.) An answered item waits for
	// those before it in the plan; the terminal's progress line counts
	// answers as they come. order is each address's places in the plan
	// not answered yet, held the answers waiting, next the place of the
	// next line, printed the lines printed.
	order   map[string][]int
	held    map[int]apply.ItemResult
	next    int
	printed int
}

// NewApplyText shows an apply to a person on w: the plan, then an updating
// line with done/total, elapsed time and an estimate on a terminal, or one
// "[n/N]" line per result elsewhere (the logs of CI runs).
func NewApplyText(w io.Writer, opts ApplyTextOptions) ApplyView {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &applyText{w: w, opts: opts}
}

func (v *applyText) Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	if err := hcldiag.Render(v.opts.Stderr, files, diags, v.opts.Color); err != nil {
		fmt.Fprintf(v.opts.Stderr, "Error: rendering diagnostics: %v\n", err)
	}
}

func (v *applyText) Notice(msg string) {
	fmt.Fprintf(v.opts.Stderr, "Note: %s\n", termsafe.EscapeLines(msg))
}

func (v *applyText) Plan(p *plan.Plan) error {
	return WritePlan(v.w, p, PlanText, PlanOptions{Color: v.opts.Color, Rate: v.opts.Rate, Width: v.opts.Width})
}

func (v *applyText) Run(todo []plan.Action) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.total, v.started = len(todo), v.opts.Now()
	v.order, v.held, v.next = make(map[string][]int, len(todo)), map[int]apply.ItemResult{}, 0
	for i, a := range todo {
		v.order[a.Address] = append(v.order[a.Address], i)
	}
	fmt.Fprintln(v.w)
}

func (v *applyText) Start(a plan.Action) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.opts.Terminal {
		line := fmt.Sprintf("[%d/%d] %s  %s", v.done, v.total, v.timing(), termsafe.Escape(a.Address))
		fmt.Fprint(v.w, "\r\x1b[K"+fitLine(line, v.opts.Width))
	}
}

// timing is the elapsed time and, once something is done, how much is left
// at the pace so far.
func (v *applyText) timing() string {
	elapsed := v.opts.Now().Sub(v.started)
	s := clock(elapsed) + " elapsed"
	if v.done > 0 && v.done < v.total {
		left := elapsed / time.Duration(v.done) * time.Duration(v.total-v.done)
		s += ", about " + clock(left) + " left"
	}
	return s
}

func (v *applyText) Result(r apply.ItemResult) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.done++
	places := v.order[r.Action.Address]
	if len(places) == 0 {
		// Not in what Run was told: nothing to keep it in order with.
		v.line(r)
		return
	}
	v.order[r.Action.Address] = places[1:]
	v.held[places[0]] = r
	for {
		r, ok := v.held[v.next]
		if !ok {
			break
		}
		delete(v.held, v.next)
		v.next++
		v.line(r)
	}
}

// line prints one item's result, numbered by the lines printed so far.
func (v *applyText) line(r apply.ItemResult) {
	v.printed++
	if v.opts.Terminal {
		fmt.Fprint(v.w, "\r\x1b[K")
	}
	n := fmt.Sprintf("[%d/%d] ", v.printed, v.total)
	// An uncertain item may be the journal's, no longer declared, and an
	// error may name a file.
	addr := termsafe.Escape(r.Action.Address)
	explain := func() string { return termsafe.EscapeLines(rtapi.Explain(r.Err)) }
	switch r.Outcome {
	case apply.Created:
		if !v.opts.Terminal {
			fmt.Fprintf(v.w, "%s+ %s: created\n", n, addr)
		}
	case apply.Unknown:
		fmt.Fprintf(v.w, "%s? %s: outcome unknown; the next plan checks the account for it. %s\n", n, addr, explain())
	case apply.Failed:
		fmt.Fprintf(v.w, "%s! %s: failed. %s\n", n, addr, explain())
	case apply.NotSent:
		fmt.Fprintf(v.w, "%s- %s: %s\n", n, addr, explain())
	}
}

// flush prints the held results in the plan's order, past the gaps of
// the items still in flight (or never sent).
func (v *applyText) flush() {
	places := make([]int, 0, len(v.held))
	for i := range v.held {
		places = append(places, i)
	}
	slices.Sort(places)
	for _, i := range places {
		v.line(v.held[i])
		delete(v.held, i)
	}
}

func (v *applyText) Stopping(reason string, inFlight int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.opts.Terminal {
		fmt.Fprint(v.w, "\r\x1b[K")
	}
	msg := "Stopping: " + reason + "; no more POSTs are sent"
	if inFlight > 0 {
		msg += fmt.Sprintf(", and rtctl waits for the %d in flight to be answered and recorded. Ctrl-C again abandons them: they would be left uncertain", inFlight)
	}
	fmt.Fprintln(v.opts.Stderr, msg+".")
}

func (v *applyText) Flush() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.flush()
}

func (v *applyText) Finish() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.flush()
	if v.opts.Terminal && v.total > 0 {
		fmt.Fprintf(v.w, "\r\x1b[K[%d/%d] done in %s\n", v.done, v.total, clock(v.opts.Now().Sub(v.started)))
	}
}

func (v *applyText) Summary(res *workspace.ApplyResult, stopped bool) error {
	for _, a := range res.AlreadyInAccount {
		if _, err := fmt.Fprintf(v.w, "= %s: skipped, it is in the account already\n", termsafe.Escape(a.Address)); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(v.w, "\n"+ApplySummaryLine(res, stopped)+".")
	return err
}

func (v *applyText) Unchanged(saved bool) {
	if saved {
		fmt.Fprintln(v.w, "No changes. Your account matches the configuration.")
	}
}

func (v *applyText) Cancelled() { fmt.Fprintln(v.w, "\nApply cancelled.") }

func (v *applyText) Error(error) {}

// clock renders a duration as m:ss, or h:mm:ss from an hour.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// ApplySummaryLine counts what an apply did and left, e.g. "Apply complete:
// 3 created, 1 conflict, 1 uncertain, 0 failed". It says "stopped" when the
// apply did not send all it meant to, and names every declared item that
// did not reach the account: a scheduled run's log must not read "complete"
// over an item that needs a person.
func ApplySummaryLine(res *workspace.ApplyResult, stopped bool) string {
	c := countApply(res, stopped)
	verb := "Apply complete"
	if c.Stopped {
		verb = "Apply stopped"
	}
	parts := []string{fmt.Sprintf("%d created", c.Created)}
	for _, st := range workspace.AttentionStatuses {
		if n := c.Attention[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, statusNoun(st, n)))
		}
	}
	if c.NotSent > 0 {
		parts = append(parts, fmt.Sprintf("%d not sent", c.NotSent))
	}
	if c.AlreadyThere > 0 {
		parts = append(parts, fmt.Sprintf("%d already in the account", c.AlreadyThere))
	}
	parts = append(parts, fmt.Sprintf("%d failed", c.Failed))
	return verb + ": " + strings.Join(parts, ", ")
}

// applyCounts is what the summary of an apply counts.
type applyCounts struct {
	Stopped                                bool
	Created, Failed, NotSent, AlreadyThere int
	Attention                              map[plan.Status]int
}

func countApply(res *workspace.ApplyResult, stopped bool) applyCounts {
	sent := res.Sent
	if sent == nil {
		sent = &apply.Result{}
	}
	return applyCounts{
		Stopped:      stopped || res.Stopped(),
		Created:      sent.Count(apply.Created),
		Failed:       sent.Count(apply.Failed),
		NotSent:      sent.Count(apply.NotSent),
		AlreadyThere: len(res.AlreadyInAccount),
		Attention:    res.Attention(),
	}
}

// statusNoun names n items of status st in a count.
func statusNoun(st plan.Status, n int) string {
	if st == plan.Conflict {
		return plural(n, "conflict", "conflicts")
	}
	return styles[st].title
}
