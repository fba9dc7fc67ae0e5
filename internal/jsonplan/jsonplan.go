// Package jsonplan is the versioned JSON form of a plan: what
// `rtctl plan --json` and `rtctl show --json` print. It is a view of the
// plan, converted from pkg/plan's types into types of its own, so that
// renaming a field of the domain types can never change the public format;
// docs/plan-json.md documents it. Nothing is read back from it: a saved
// plan has its own private format (internal/planfile).
//
// The format is versioned by FormatVersion (MAJOR.MINOR): within a major
// version fields are only ever added, never renamed, removed or given
// another meaning.
package jsonplan

import (
	"encoding/json"
	"net/url"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/plan"
)

// FormatVersion is the version of the document.
const FormatVersion = "1.1"

// Plan is the whole document.
type Plan struct {
	FormatVersion string `json:"format_version"`
	// Now is the instant the plan was made for, in the account's zone.
	Now         time.Time      `json:"now"`
	Timezone    string         `json:"timezone"`
	Lookback    string         `json:"lookback"`
	WindowStart time.Time      `json:"window_start"`
	Summary     map[string]int `json:"summary"`
	Actions     []Action       `json:"actions"`
	Warnings    []string       `json:"warnings,omitempty"`
	// JournalDoubt says why the journal may not be the account's whole
	// record; then only what the feeds prove absent is created.
	JournalDoubt string `json:"journal_doubt,omitempty"`
}

// Action is one item of the plan.
type Action struct {
	Address   string     `json:"address"`
	Kind      string     `json:"kind"`
	Status    string     `json:"status"`
	Reason    string     `json:"reason"`
	Key       string     `json:"key"`
	Origin    string     `json:"origin,omitempty"`
	Offline   *Offline   `json:"offline_time,omitempty"`
	Highlight *Highlight `json:"highlight,omitempty"`
	Focus     *Focus     `json:"focus,omitempty"`
	Request   *Request   `json:"request,omitempty"`
	SettlesAt time.Time  `json:"settles_at,omitzero"`
	Previous  *Previous  `json:"previous,omitempty"`
}

// Previous is the version rtctl posted at an address before the
// configuration changed it (1.1).
type Previous struct {
	Address   string     `json:"address"`
	Key       string     `json:"key"`
	Offline   *Offline   `json:"offline_time,omitempty"`
	Highlight *Highlight `json:"highlight,omitempty"`
	At        time.Time  `json:"at"`
	Uncertain bool       `json:"uncertain,omitempty"`
}

// Offline is an offline-time block.
type Offline struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Activity string    `json:"activity"`
	Details  string    `json:"details,omitempty"`
	Chunk    int       `json:"chunk,omitempty"`
	Chunks   int       `json:"chunks,omitempty"`
	Note     string    `json:"note,omitempty"`
}

// Highlight is a daily highlight.
type Highlight struct {
	Date        string `json:"date"`
	Description string `json:"description"`
	Source      string `json:"source,omitempty"`
}

// Focus is a FocusTime session to start, or (focus_end) one to end.
type Focus struct {
	WindowStart  time.Time `json:"window_start"`
	WindowEnd    time.Time `json:"window_end"`
	Minutes      int       `json:"minutes"`
	SessionStart time.Time `json:"session_start,omitzero"`
}

// Request is what apply sends, without credentials.
type Request struct {
	Method   string          `json:"method"`
	Endpoint string          `json:"endpoint"`
	Query    url.Values      `json:"query,omitempty"`
	Body     json.RawMessage `json:"body,omitempty"`
}

// FromPlan converts p to its document.
func FromPlan(p *plan.Plan) Plan {
	d := Plan{
		FormatVersion: FormatVersion,
		Now:           p.Now,
		Timezone:      p.Location.String(),
		Lookback:      plan.FormatLookback(p.Lookback),
		WindowStart:   p.WindowStart,
		Summary:       map[string]int{},
		Actions:       make([]Action, 0, len(p.Actions)),
		Warnings:      p.Warnings,
		JournalDoubt:  p.JournalDoubt,
	}
	for st, n := range p.Summary() {
		d.Summary[string(st)] = n
	}
	for _, a := range p.Actions {
		d.Actions = append(d.Actions, fromAction(a))
	}
	return d
}

func fromAction(a plan.Action) Action {
	out := Action{
		Address:   a.Address,
		Kind:      string(a.Kind),
		Status:    string(a.Status),
		Reason:    a.Reason,
		Key:       a.Key,
		Origin:    a.Origin,
		SettlesAt: a.SettlesAt,
	}
	out.Offline, out.Highlight = fromOffline(a.Offline), fromHighlight(a.Highlight)
	if f := a.Focus; f != nil {
		out.Focus = &Focus{WindowStart: f.WindowStart, WindowEnd: f.WindowEnd, Minutes: f.Minutes, SessionStart: f.SessionStart}
	}
	if r := a.Request; r != nil {
		out.Request = &Request{Method: r.Method, Endpoint: r.Endpoint, Query: r.Query, Body: r.Body}
	}
	if pr := a.Previous; pr != nil {
		out.Previous = &Previous{Address: pr.Address, Key: pr.Key, At: pr.At, Uncertain: pr.Uncertain,
			Offline: fromOffline(pr.Offline), Highlight: fromHighlight(pr.Highlight)}
	}
	return out
}

func fromOffline(o *plan.Offline) *Offline {
	if o == nil {
		return nil
	}
	return &Offline{Start: o.Start, End: o.End, Activity: o.Activity, Details: o.Details, Chunk: o.Chunk, Chunks: o.Chunks, Note: o.Note}
}

func fromHighlight(h *plan.Highlight) *Highlight {
	if h == nil {
		return nil
	}
	return &Highlight{Date: h.Date, Description: h.Description, Source: h.Source}
}

// Errored is the document plan --json prints in place of a Plan when no
// plan could be made, so that a program reading standard output always
// gets JSON: "errored" is true, "error" says why in one sentence, and a
// configuration's errors and warnings are in "diagnostics", in the shape
// of validate --json's.
type Errored struct {
	FormatVersion string               `json:"format_version"`
	Errored       bool                 `json:"errored"`
	Error         string               `json:"error"`
	ErrorCount    int                  `json:"error_count"`
	WarningCount  int                  `json:"warning_count"`
	Diagnostics   []hcldiag.Diagnostic `json:"diagnostics"`
}

// NewErrored is the Errored document for msg and the diagnostics diags.
func NewErrored(msg string, diags hcl.Diagnostics) Errored {
	r := hcldiag.NewReport(diags)
	return Errored{
		FormatVersion: FormatVersion,
		Errored:       true,
		Error:         msg,
		ErrorCount:    r.ErrorCount,
		WarningCount:  r.WarningCount,
		Diagnostics:   r.Diagnostics,
	}
}
