package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// diagnosticWidth is the width HCL wraps diagnostic details to.
const diagnosticWidth = 78

// RenderDiagnostics writes diags as HCL (and so Terraform) renders them:
// severity, summary, file and line, the source snippet (the subject
// underlined when color is on), and detail. The column is in the JSON
// report, NewValidateReport.
func RenderDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) error {
	if len(diags) == 0 {
		return nil
	}
	for _, d := range diags {
		d, shown := printable(d, snippetFiles(files, d))
		if err := hcl.NewDiagnosticTextWriter(w, shown, diagnosticWidth, color).WriteDiagnostic(d); err != nil {
			return fmt.Errorf("writing diagnostics: %w", err)
		}
	}
	return nil
}

// printable is d and the file it shows a snippet of as they can be
// printed: control characters, bidi overrides and bytes that are not UTF-8
// in the summary, the detail, the file's name ("on FILE line N") and the
// snippet are escaped (see termsafe), so that neither a file committed
// beside the configuration nor its name can drive the terminal or hide
// what a line says. The ranges move with the escapes, so the subject is
// still the part underlined. The JSON report keeps the exact name.
func printable(d *hcl.Diagnostic, files map[string]*hcl.File) (*hcl.Diagnostic, map[string]*hcl.File) {
	c := *d
	c.Summary = termsafe.Escape(d.Summary)
	c.Detail = termsafe.EscapeLines(d.Detail)
	if d.Subject == nil {
		return &c, files
	}
	f := files[d.Subject.Filename]
	subject := *d.Subject
	subject.Filename = termsafe.Escape(subject.Filename)
	c.Subject = &subject
	var context *hcl.Range
	if d.Context != nil {
		ctx := *d.Context
		ctx.Filename = termsafe.Escape(ctx.Filename)
		c.Context, context = &ctx, &ctx
	}
	if f == nil {
		return &c, nil
	}
	// Only the snippet's lines are shown: the bytes before them stay as
	// they are, and so do the offsets into them.
	from := min(d.Subject.Start.Byte, len(f.Bytes))
	if d.Context != nil && d.Context.Start.Byte < from {
		from = d.Context.Start.Byte
	}
	from = max(from, 0)
	from = bytes.LastIndexByte(f.Bytes[:from], '\n') + 1
	tail, tailAt := termsafe.EscapeLinesMapped(f.Bytes[from:])
	at := func(o int) int {
		if o < from {
			return o
		}
		return from + tailAt(o-from)
	}
	shown := *f
	if len(tail) != len(f.Bytes)-from {
		shown.Bytes = append(f.Bytes[:from:from], tail...)
		// HCL names the block the subject is in ("in highlight "a"")
		// from the parsed file, by the subject's offset in it.
		shown.Nav = blockName(contextOf(f, d.Subject.Start.Byte))
		for _, r := range []*hcl.Range{&subject, context} {
			if r != nil {
				r.Start.Byte, r.End.Byte = at(r.Start.Byte), at(r.End.Byte)
			}
		}
	}
	return &c, map[string]*hcl.File{subject.Filename: &shown}
}

// blockName is the name of the block a snippet is in, for a file whose
// bytes no longer match its parsed body.
type blockName string

func (n blockName) ContextString(int) string { return string(n) }

func contextOf(f *hcl.File, offset int) string {
	if cs, ok := f.Nav.(interface{ ContextString(int) string }); ok {
		return cs.ContextString(offset)
	}
	return ""
}

// snippetFiles is the file d shows a snippet of, cut after the snippet:
// HCL's writer goes through every line of the file for the few it shows,
// and a warning about the first lines of a 10 MB configuration would take
// a tenth of a plan's time.
func snippetFiles(files map[string]*hcl.File, d *hcl.Diagnostic) map[string]*hcl.File {
	if d.Subject == nil {
		return nil
	}
	f := files[d.Subject.Filename]
	if f == nil {
		return nil
	}
	end := d.Subject.End.Byte
	if d.Context != nil && d.Context.End.Byte > end {
		end = d.Context.End.Byte
	}
	if end < 0 || end >= len(f.Bytes) {
		return map[string]*hcl.File{d.Subject.Filename: f}
	}
	if nl := bytes.IndexByte(f.Bytes[end:], '\n'); nl >= 0 {
		end += nl + 1
	} else {
		end = len(f.Bytes)
	}
	cut := *f
	cut.Bytes = f.Bytes[:end]
	return map[string]*hcl.File{d.Subject.Filename: &cut}
}

// ValidateReport is the machine-readable result of validation, in the shape
// of terraform validate -json so existing tooling can read it. Fields are
// only ever added.
type ValidateReport struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []JSONDiagnostic `json:"diagnostics"`
}

// JSONDiagnostic is one diagnostic in a ValidateReport.
type JSONDiagnostic struct {
	Severity string     `json:"severity"` // "error" or "warning"
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail"`
	Range    *JSONRange `json:"range,omitempty"`
}

// JSONRange is a source range; lines and columns count from 1, bytes from 0.
type JSONRange struct {
	Filename string  `json:"filename"`
	Start    JSONPos `json:"start"`
	End      JSONPos `json:"end"`
}

// JSONPos is a position in a source file.
type JSONPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// NewValidateReport summarises diags.
func NewValidateReport(diags hcl.Diagnostics) ValidateReport {
	r := ValidateReport{FormatVersion: "1.0", Diagnostics: []JSONDiagnostic{}}
	for _, d := range diags {
		jd := JSONDiagnostic{Summary: d.Summary, Detail: d.Detail}
		switch d.Severity {
		case hcl.DiagError:
			jd.Severity = "error"
			r.ErrorCount++
		case hcl.DiagWarning:
			jd.Severity = "warning"
			r.WarningCount++
		default:
			continue
		}
		if d.Subject != nil {
			jd.Range = &JSONRange{
				Filename: d.Subject.Filename,
				Start:    JSONPos{Line: d.Subject.Start.Line, Column: d.Subject.Start.Column, Byte: d.Subject.Start.Byte},
				End:      JSONPos{Line: d.Subject.End.Line, Column: d.Subject.End.Column, Byte: d.Subject.End.Byte},
			}
		}
		r.Diagnostics = append(r.Diagnostics, jd)
	}
	r.Valid = r.ErrorCount == 0
	return r
}

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
