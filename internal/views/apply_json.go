package views

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/jsonplan"
	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// ApplyEventsVersion is the version of the event stream of apply --json
// (docs/apply-json.md). Within a major version event types and fields are
// only ever added.
const ApplyEventsVersion = "1.0"

// applyEvent is one line of apply --json.
type applyEvent struct {
	FormatVersion string    `json:"format_version"`
	Type          string    `json:"type"`
	Time          time.Time `json:"time"`

	Plan        *jsonplan.Plan    `json:"plan,omitempty"`
	Total       int               `json:"total,omitempty"`
	Done        int               `json:"done,omitempty"`
	InFlight    int               `json:"in_flight,omitempty"`
	Address     string            `json:"address,omitempty"`
	Kind        string            `json:"kind,omitempty"`
	Outcome     string            `json:"outcome,omitempty"`
	Error       string            `json:"error,omitempty"`
	Message     string            `json:"message,omitempty"`
	Diagnostics *hcldiag.Report   `json:"diagnostics,omitempty"`
	Summary     *applySummaryJSON `json:"summary,omitempty"`
}

// applySummaryJSON is the summary event's counts.
type applySummaryJSON struct {
	Stopped      bool           `json:"stopped"`
	Created      int            `json:"created"`
	Failed       int            `json:"failed"`
	NotSent      int            `json:"not_sent"`
	AlreadyThere int            `json:"already_in_account"`
	Attention    map[string]int `json:"needs_attention"`
	Line         string         `json:"line"`
}

type applyJSON struct {
	mu    sync.Mutex
	enc   *json.Encoder
	now   func() time.Time
	total int
	done  int
}

// NewApplyJSON streams an apply to w as JSON lines, one event each: for
// programs that follow an apply (docs/apply-json.md).
func NewApplyJSON(w io.Writer, now func() time.Time) ApplyView {
	if now == nil {
		now = time.Now
	}
	enc := json.NewEncoder(termsafe.JSONWriter(w))
	enc.SetEscapeHTML(false)
	return &applyJSON{enc: enc, now: now}
}

func (v *applyJSON) emit(e applyEvent) {
	v.mu.Lock()
	defer v.mu.Unlock()
	e.FormatVersion, e.Time = ApplyEventsVersion, v.now()
	_ = v.enc.Encode(e) // a closed pipe is the reader's choice, not an error of the apply
}

func (v *applyJSON) Diagnostics(_ map[string]*hcl.File, diags hcl.Diagnostics) {
	r := hcldiag.NewReport(diags)
	v.emit(applyEvent{Type: "diagnostics", Diagnostics: &r})
}

func (v *applyJSON) Notice(msg string) { v.emit(applyEvent{Type: "notice", Message: msg}) }

func (v *applyJSON) Plan(p *plan.Plan) error {
	d := jsonplan.FromPlan(p)
	v.emit(applyEvent{Type: "plan", Plan: &d})
	return nil
}

func (v *applyJSON) Run(todo []plan.Action) {
	v.mu.Lock()
	v.total = len(todo)
	v.mu.Unlock()
	v.emit(applyEvent{Type: "apply_start", Total: len(todo)})
}

func (v *applyJSON) Start(a plan.Action) {
	v.emit(applyEvent{Type: "item_start", Address: a.Address, Kind: string(a.Kind)})
}

// outcomeJSON is an outcome's word in the event stream. Format 1.0 wrote
// "skipped" for an item never sent (docs/apply-json.md), before the name
// became apply.NotSent; within a major version words are only added, so
// the stream keeps it.
func outcomeJSON(o apply.Outcome) string {
	if o == apply.NotSent {
		return "skipped"
	}
	return string(o)
}

func (v *applyJSON) Result(r apply.ItemResult) {
	v.mu.Lock()
	v.done++
	done, total := v.done, v.total
	v.mu.Unlock()
	e := applyEvent{Type: "item_result", Address: r.Action.Address, Kind: string(r.Action.Kind), Outcome: outcomeJSON(r.Outcome), Done: done, Total: total}
	if r.Err != nil {
		e.Error = rtapi.Explain(r.Err)
	}
	v.emit(e)
}

func (v *applyJSON) Finish() {}

// Flush has nothing to do: events are written as they happen.
func (v *applyJSON) Flush() {}

func (v *applyJSON) Stopping(reason string, inFlight int) {
	v.emit(applyEvent{Type: "stopping", Message: reason, InFlight: inFlight})
}

func (v *applyJSON) Summary(res *workspace.ApplyResult, stopped bool) error {
	c := countApply(res, stopped)
	s := &applySummaryJSON{Stopped: c.Stopped, Created: c.Created, Failed: c.Failed, NotSent: c.NotSent, AlreadyThere: c.AlreadyThere, Attention: map[string]int{}, Line: ApplySummaryLine(res, stopped)}
	for st, n := range c.Attention {
		s.Attention[string(st)] = n
	}
	v.emit(applyEvent{Type: "summary", Summary: s})
	return nil
}

func (v *applyJSON) Unchanged(bool) {
	v.emit(applyEvent{Type: "summary", Summary: &applySummaryJSON{Attention: map[string]int{}, Line: "No changes. Your account matches the configuration."}})
}

// Cancelled cannot happen with --json, which needs --auto-approve or a
// saved plan; were it to, the stream ends with a summary that says so.
func (v *applyJSON) Cancelled() {
	v.emit(applyEvent{Type: "summary", Summary: &applySummaryJSON{Attention: map[string]int{}, Line: "Apply cancelled."}})
}

// Error reports an error that ended the apply, as the stream's last event.
func (v *applyJSON) Error(err error) {
	v.emit(applyEvent{Type: "error", Message: err.Error()})
}
