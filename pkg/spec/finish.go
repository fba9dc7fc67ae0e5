package spec

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// sortDiagnostics orders diagnostics as a reader goes through the files:
// those without a location first, then by file and position. Evaluation
// order (dependencies first) would otherwise jump around the source.
func sortDiagnostics(diags hcl.Diagnostics) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
}

// Bounds of what one diagnostic shows: input is echoed in messages (an
// invalid value, a time zone name read from a calendar) and in HCL's
// "with local.x as ..." lines, and no input may flood the terminal or a
// pull request comment.
const (
	maxSummary    = 200
	maxDetail     = 4000
	maxShownValue = 200
)

// finishDiagnostics makes the diagnostics of a load fit to show: an error
// from reaching a limit carries a LimitExceeded naming it (and reads as a
// sentence when it came from the evaluation hooks rather than a function
// the configuration called), the evaluation budget is reported once, and
// no diagnostic quotes more than a few thousand bytes of input.
func finishDiagnostics(diags hcl.Diagnostics, g *funcs.Guard) hcl.Diagnostics {
	out := diags[:0]
	budget := false
	for _, d := range diags {
		if g != nil && g.Exceeded() != nil && d.Extra == nil && strings.Contains(d.Detail, g.Exceeded().Error()) {
			// An operation, whose diagnostic carries no error to look at.
			d.Summary = "Evaluation limit reached"
			d.Detail = capitalize(g.Exceeded().Error()) + "."
			d.Extra = g.Exceeded().Exceeded()
		}
		if x, ok := d.Extra.(hclsyntax.FunctionCallDiagExtra); ok && x.FunctionCallError() != nil {
			err := x.FunctionCallError()
			var le *limits.Error
			isLimit := errors.As(err, &le)
			if isLimit {
				d.Extra = le.Exceeded()
			}
			if funcs.IsHook(x.CalledFunctionName()) {
				d.Summary = "Invalid value"
				if isLimit {
					d.Summary = "Evaluation limit reached"
				}
				d.Detail = capitalize(err.Error()) + "."
			}
		}
		if le, ok := d.Extra.(*LimitExceeded); ok && (le.Limit == "MaxEvalSteps" || le.Limit == "MaxEvalBytes") {
			if budget {
				continue
			}
			budget = true
		}
		if i := strings.Index(d.Detail, "\ngoroutine "); i >= 0 {
			// cty turns a panic in a function into an error holding
			// the stack: no user should see one.
			d.Detail = strings.TrimSpace(d.Detail[:i]) + " (an internal error of rtctl: please report it)."
		}
		d.Summary = clipText(d.Summary, maxSummary)
		d.Detail = clipText(d.Detail, maxDetail)
		if d.Expression != nil && d.EvalContext != nil {
			d.Expression = hideLongValues(d.Expression, d.EvalContext)
		}
		out = append(out, d)
	}
	return out
}

// clipText cuts s to about max bytes, on a character boundary, saying how
// much was left out.
func clipText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes)", s[:cut], len(s)-cut)
}

// shownExpression is an expression whose references HCL's diagnostic
// writer lists ("with local.x as ..."), less those whose text is too long
// to show.
type shownExpression struct {
	hcl.Expression
	vars []hcl.Traversal
}

func (e shownExpression) Variables() []hcl.Traversal { return e.vars }

func hideLongValues(expr hcl.Expression, ctx *hcl.EvalContext) hcl.Expression {
	all := expr.Variables()
	kept := make([]hcl.Traversal, 0, len(all))
	for _, t := range all {
		v, diags := t.TraverseAbs(ctx)
		if !diags.HasErrors() {
			v, _ = v.Unmark()
			if v.IsKnown() && !v.IsNull() && v.Type() == cty.String && len(v.AsString()) > maxShownValue {
				continue
			}
		}
		kept = append(kept, t)
	}
	if len(kept) == len(all) {
		return expr
	}
	return shownExpression{Expression: expr, vars: kept}
}

// capitalize is s with its first letter in upper case, for an error
// message that becomes a sentence.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
