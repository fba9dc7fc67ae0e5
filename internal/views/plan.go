package views

import (
	"fmt"
	"io"

	"github.com/rtctl/rtctl/pkg/plan"
)

// PlanFormat is how a plan is rendered.
type PlanFormat string

const (
	PlanText     PlanFormat = "text"
	PlanJSON     PlanFormat = "json"
	PlanMarkdown PlanFormat = "markdown"
)

// PlanOptions tune the renderings of a plan.
type PlanOptions struct {
	Color   bool // text: ANSI colours
	Verbose bool // text: list in-sync and out-of-window items too
	// MarkdownMaxRows bounds the rows per status in Markdown; zero means
	// DefaultMarkdownMaxRows.
	MarkdownMaxRows int
}

// WritePlan renders p to w in format f.
func WritePlan(w io.Writer, p *plan.Plan, f PlanFormat, opts PlanOptions) error {
	var err error
	switch f {
	case PlanJSON:
		err = p.WriteJSON(w)
	case PlanMarkdown:
		err = p.WriteMarkdown(w, plan.MarkdownOptions{MaxRows: opts.MarkdownMaxRows})
	default:
		err = p.WriteText(w, plan.TextOptions{Color: opts.Color, Verbose: opts.Verbose})
	}
	if err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	return nil
}
