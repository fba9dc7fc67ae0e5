package planfile

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/rtctl/rtctl/internal/clip"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// The body's plan: pkg/plan's types as this format writes them. They are
// private to the file, so a field apply needs is added here (and Version
// raised) without touching the public document.
type savedPlan struct {
	Now          time.Time     `json:"now"`
	Timezone     string        `json:"timezone"`
	Lookback     time.Duration `json:"lookback"`
	WindowStart  time.Time     `json:"window_start"`
	Warnings     []string      `json:"warnings,omitempty"`
	JournalDoubt string        `json:"journal_doubt,omitempty"`
	Actions      []savedAction `json:"actions"`
}

type savedAction struct {
	Address   string          `json:"address"`
	Kind      string          `json:"kind"`
	Status    string          `json:"status"`
	Reason    string          `json:"reason,omitempty"`
	Key       string          `json:"key"`
	Origin    string          `json:"origin,omitempty"`
	Offline   *savedOffline   `json:"offline,omitempty"`
	Highlight *savedHighlight `json:"highlight,omitempty"`
	Focus     *savedFocus     `json:"focus,omitempty"`
	Request   *savedRequest   `json:"request,omitempty"`
	SettlesAt time.Time       `json:"settles_at,omitzero"`
	Previous  *savedPrevious  `json:"previous,omitempty"`
}

type savedPrevious struct {
	Address   string          `json:"address"`
	Key       string          `json:"key"`
	Offline   *savedOffline   `json:"offline,omitempty"`
	Highlight *savedHighlight `json:"highlight,omitempty"`
	At        time.Time       `json:"at"`
	Uncertain bool            `json:"uncertain,omitempty"`
}

type savedOffline struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Activity string    `json:"activity"`
	Details  string    `json:"details,omitempty"`
	Chunk    int       `json:"chunk,omitempty"`
	Chunks   int       `json:"chunks,omitempty"`
	Note     string    `json:"note,omitempty"`
}

type savedHighlight struct {
	Date        string `json:"date"`
	Description string `json:"description"`
	Source      string `json:"source,omitempty"`
}

type savedFocus struct {
	WindowStart  time.Time `json:"window_start"`
	WindowEnd    time.Time `json:"window_end"`
	Minutes      int       `json:"minutes"`
	SessionStart time.Time `json:"session_start,omitzero"`
}

// savedRequest is what apply sends, without credentials (rtapi.Request
// never holds them).
type savedRequest struct {
	Method   string          `json:"method"`
	Endpoint string          `json:"endpoint"`
	Query    url.Values      `json:"query,omitempty"`
	Body     json.RawMessage `json:"body,omitempty"`
}

func fromPlan(p *plan.Plan) savedPlan {
	out := savedPlan{
		Now:          p.Now,
		Timezone:     p.Location.String(),
		Lookback:     p.Lookback,
		WindowStart:  p.WindowStart,
		Warnings:     p.Warnings,
		JournalDoubt: p.JournalDoubt,
		Actions:      make([]savedAction, 0, len(p.Actions)),
	}
	for _, a := range p.Actions {
		sa := savedAction{
			Address: a.Address, Kind: string(a.Kind), Status: string(a.Status), Reason: a.Reason,
			Key: a.Key, Origin: a.Origin, SettlesAt: a.SettlesAt,
			Offline: fromOffline(a.Offline), Highlight: fromHighlight(a.Highlight),
		}
		if f := a.Focus; f != nil {
			sa.Focus = &savedFocus{WindowStart: f.WindowStart, WindowEnd: f.WindowEnd, Minutes: f.Minutes, SessionStart: f.SessionStart}
		}
		if r := a.Request; r != nil {
			sa.Request = &savedRequest{Method: r.Method, Endpoint: r.Endpoint, Query: r.Query, Body: r.Body}
		}
		if pr := a.Previous; pr != nil {
			sa.Previous = &savedPrevious{Address: pr.Address, Key: pr.Key, At: pr.At, Uncertain: pr.Uncertain,
				Offline: fromOffline(pr.Offline), Highlight: fromHighlight(pr.Highlight)}
		}
		out.Actions = append(out.Actions, sa)
	}
	return out
}

func fromOffline(o *plan.Offline) *savedOffline {
	if o == nil {
		return nil
	}
	return &savedOffline{Start: o.Start, End: o.End, Activity: o.Activity, Details: o.Details, Chunk: o.Chunk, Chunks: o.Chunks, Note: o.Note}
}

func fromHighlight(h *plan.Highlight) *savedHighlight {
	if h == nil {
		return nil
	}
	return &savedHighlight{Date: h.Date, Description: h.Description, Source: h.Source}
}

func (o *savedOffline) toPlan() *plan.Offline {
	if o == nil {
		return nil
	}
	return &plan.Offline{Start: o.Start, End: o.End, Activity: o.Activity, Details: o.Details, Chunk: o.Chunk, Chunks: o.Chunks, Note: o.Note}
}

func (h *savedHighlight) toPlan() *plan.Highlight {
	if h == nil {
		return nil
	}
	return &plan.Highlight{Date: h.Date, Description: h.Description, Source: h.Source}
}

// toPlan rebuilds the plan. The checksum proves the file is as written,
// not that a writer wrote sense: what the domain needs is checked, and the
// field named.
func (s savedPlan) toPlan() (*plan.Plan, error) {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", clip.String(s.Timezone, 0))
	}
	if s.Lookback < 0 {
		return nil, fmt.Errorf("invalid lookback %s", s.Lookback)
	}
	p := &plan.Plan{
		Now:          s.Now.In(loc),
		Location:     loc,
		Lookback:     s.Lookback,
		WindowStart:  s.WindowStart.In(loc),
		Warnings:     s.Warnings,
		JournalDoubt: s.JournalDoubt,
		Actions:      make([]plan.Action, 0, len(s.Actions)),
	}
	for i, a := range s.Actions {
		pa, err := a.toAction()
		if err != nil {
			return nil, fmt.Errorf("action %d: %w", i+1, err)
		}
		p.Actions = append(p.Actions, pa)
	}
	return p, nil
}

func (a savedAction) toAction() (plan.Action, error) {
	st := plan.Status(a.Status)
	if !slices.Contains(plan.Statuses, st) {
		return plan.Action{}, fmt.Errorf("unknown status %q", clip.String(a.Status, 0))
	}
	k := plan.Kind(a.Kind)
	switch k {
	case plan.KindOffline, plan.KindHighlight, plan.KindFocusStart, plan.KindFocusEnd:
	default:
		return plan.Action{}, fmt.Errorf("unknown kind %q", clip.String(a.Kind, 0))
	}
	out := plan.Action{
		Address: a.Address, Kind: k, Status: st, Reason: a.Reason,
		Key: a.Key, Origin: a.Origin, SettlesAt: a.SettlesAt,
		Offline: a.Offline.toPlan(), Highlight: a.Highlight.toPlan(),
	}
	if f := a.Focus; f != nil {
		out.Focus = &plan.Focus{WindowStart: f.WindowStart, WindowEnd: f.WindowEnd, Minutes: f.Minutes, SessionStart: f.SessionStart}
	}
	if r := a.Request; r != nil {
		out.Request = &rtapi.Request{Method: r.Method, Endpoint: r.Endpoint, Query: r.Query, Body: r.Body}
	}
	if pr := a.Previous; pr != nil {
		out.Previous = &plan.Previous{Address: pr.Address, Key: pr.Key, At: pr.At, Uncertain: pr.Uncertain,
			Offline: pr.Offline.toPlan(), Highlight: pr.Highlight.toPlan()}
	}
	return out, nil
}
