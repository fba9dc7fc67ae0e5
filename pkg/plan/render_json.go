package plan

import (
	"encoding/json"
	"io"
	"time"
)

// Document is the JSON form of a plan (rtctl plan -json, rtctl show -json).
// Its shape is versioned by FormatVersion: fields may be added within a
// major version, never renamed or removed.
type Document struct {
	FormatVersion string `json:"format_version"`
	// Now is the instant the plan was made for, in the account's zone.
	Now         time.Time `json:"now"`
	Timezone    string    `json:"timezone"`
	Lookback    string    `json:"lookback"`
	WindowStart time.Time `json:"window_start"`
	Summary     Summary   `json:"summary"`
	Actions     []Action  `json:"actions"`
	Warnings    []string  `json:"warnings,omitempty"`
}

// Document builds the JSON form of the plan.
func (p *Plan) Document() Document {
	d := Document{
		FormatVersion: FormatVersion,
		Now:           p.Now,
		Timezone:      p.Location.String(),
		Lookback:      formatLookback(p.Lookback),
		WindowStart:   p.WindowStart,
		Summary:       p.Summary(),
		Actions:       p.Actions,
		Warnings:      p.Warnings,
	}
	if d.Actions == nil {
		d.Actions = []Action{}
	}
	return d
}

// WriteJSON writes the plan's JSON document, indented.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p.Document())
}
