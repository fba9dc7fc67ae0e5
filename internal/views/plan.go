package views

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/rtctl/rtctl/internal/jsonplan"
	"github.com/rtctl/rtctl/internal/termsafe"
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
	// Rate is the POSTs a second apply would send (0: no limit): text and
	// Markdown say how long the apply will take when it is over a minute.
	Rate float64
	// Width is the terminal's width in columns: text wraps reasons and
	// notes to it. Zero: no wrapping (not a terminal).
	Width int
}

// applyDuration is how long posting n items takes at rate POSTs a second,
// zero when there is no limit.
func applyDuration(n int, rate float64) time.Duration {
	if rate <= 0 || n == 0 {
		return 0
	}
	return time.Duration(float64(n) / rate * float64(time.Second))
}

// etaLine says how long the apply of p will take at rate, and how to change
// it, when that is over a minute; "" otherwise.
func etaLine(p *plan.Plan, rate float64) string {
	n := len(p.ToCreate())
	d := applyDuration(n, rate)
	if d <= time.Minute {
		return ""
	}
	return fmt.Sprintf("Apply will take about %s: %d POSTs at %s a second. apply --rate N sends faster (RescueTime may answer 429 and slow it down again).", roughDuration(d), n, strconv.FormatFloat(rate, 'f', -1, 64))
}

// roughDuration renders a long duration as a person says it: "33 minutes",
// "2 hours 5 minutes".
func roughDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d %s", m, plural(m, "minute", "minutes"))
	case m == 0:
		return fmt.Sprintf("%d %s", h, plural(h, "hour", "hours"))
	}
	return fmt.Sprintf("%d %s %d %s", h, plural(h, "hour", "hours"), m, plural(m, "minute", "minutes"))
}

// writeJSON writes v as indented JSON, as every JSON output of rtctl is.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(termsafe.JSONWriter(w))
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
