package views

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/jsonplan"
	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/pkg/plan"
)

// Plan shows rtctl plan and rtctl show: a plan as text, Markdown or JSON,
// and what is said around it in each format.
type Plan interface {
	// Plan renders p.
	Plan(p *plan.Plan) error
	// SavedFrom introduces a saved plan (rtctl show): where it was made,
	// and for when.
	SavedFrom(configDir string, now time.Time)
	// Saved says the plan was saved to out, and how to apply it: with
	// --sandbox, and with the same values of the secret variables, which
	// the file does not keep.
	Saved(out string, sandbox bool, secretVars []string)
	// Errored answers a plan that failed: with a JSON document on stdout
	// for a program (msg and the configuration's diagnostics), as
	// Terraform's -json does; text leaves the error to the error line.
	Errored(msg string, diags hcl.Diagnostics)
}

// NewPlan is the plan view for format f.
func NewPlan(f PlanFormat, opts PlanOptions, v *View) Plan {
	return &planView{View: v, format: f, opts: opts}
}

type planView struct {
	*View
	format PlanFormat
	opts   PlanOptions
}

func (v *planView) Plan(p *plan.Plan) error { return WritePlan(v.stdout, p, v.format, v.opts) }

func (v *planView) SavedFrom(configDir string, now time.Time) {
	if v.format == PlanText {
		fmt.Fprintf(v.stdout, "Saved plan for %s, made for %s.\n\n", configDir, now.Format("2006-01-02 15:04 MST"))
	}
}

func (v *planView) Saved(out string, sandbox bool, secretVars []string) {
	if v.format != PlanText {
		return
	}
	again := "rtctl apply " + out
	if sandbox {
		again = "rtctl apply --sandbox " + out
	}
	if len(secretVars) > 0 {
		again += " (with the same value of " + strings.Join(secretVars, ", ") + ": the plan file keeps no secret)"
	}
	fmt.Fprintf(v.stdout, "\nSaved the plan to %s. To perform exactly these actions, run:\n  %s\n", out, again)
}

func (v *planView) Errored(msg string, diags hcl.Diagnostics) {
	if v.format != PlanJSON {
		return
	}
	enc := json.NewEncoder(termsafe.JSONWriter(v.stdout))
	enc.SetIndent("", "  ")
	_ = enc.Encode(jsonplan.NewErrored(msg, diags))
}
