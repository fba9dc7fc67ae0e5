package views

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/rtctl/rtctl/internal/jsonplan"
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

// writeJSON writes v as indented JSON, as every JSON output of rtctl is.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WritePlan renders p to w in format f.
func WritePlan(w io.Writer, p *plan.Plan, f PlanFormat, opts PlanOptions) error {
	var err error
	switch f {
	case PlanJSON:
		err = writeJSON(w, jsonplan.FromPlan(p))
	case PlanMarkdown:
		err = writePlanMarkdown(w, p, opts)
	default:
		err = writePlanText(w, p, opts)
	}
	if err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	return nil
}
