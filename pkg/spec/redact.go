package spec

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/calendar"
)

// SecretAttributes is implemented by data sources some of whose attributes
// hold secrets, such as data "ical"'s url. Load keeps their values, and the
// values of the variables and locals they are computed from, out of every
// diagnostic it returns: HCL's diagnostics quote the values an expression
// refers to ("with var.cal_url as ..."), and error messages may quote them.
type SecretAttributes interface {
	SecretAttributes() []string
}

// minSecretLength is the shortest string treated as a secret: shorter parts
// of a secret's value (a "/" or "ics") would redact ordinary text.
const minSecretLength = 8

// secrets lists the strings no diagnostic may show, longest first.
func (l *loader) secrets() []string {
	set := map[string]bool{}
	seenVar, seenLocal := map[string]bool{}, map[string]bool{}
	var addRefs func(travs []hcl.Traversal)
	addRefs = func(travs []hcl.Traversal) {
		for _, t := range travs {
			name, ok := attrStep(t, 1)
			if !ok {
				continue
			}
			switch t.RootName() {
			case "var":
				if !seenVar[name] {
					seenVar[name] = true
					addSecretStrings(set, l.varSeen[name])
					if l.cfg.SecretVars == nil {
						l.cfg.SecretVars = map[string]bool{}
					}
					l.cfg.SecretVars[name] = true
				}
			case "local":
				if !seenLocal[name] {
					seenLocal[name] = true
					addSecretStrings(set, l.localValues[name])
					if lc := l.locals[name]; lc != nil {
						addRefs(lc.Expr.Variables())
					}
				}
			}
		}
	}
	var ctx *hcl.EvalContext
	for _, d := range l.data {
		sa, ok := d.source.(SecretAttributes)
		if !ok {
			continue
		}
		schema := &hcl.BodySchema{}
		for _, n := range sa.SecretAttributes() {
			schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: n})
		}
		content, _, _ := d.Body.PartialContent(schema)
		for _, a := range content.Attributes {
			if ctx == nil {
				ctx = l.evalContext()
			}
			if v, diags := a.Expr.Value(ctx); !diags.HasErrors() {
				addSecretStrings(set, v)
			}
			addRefs(a.Expr.Variables())
		}
	}
	// rtctl's own credentials, as the command line gave them.
	for _, s := range l.files.secrets {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// addSecretStrings adds every string inside v, however deep, to set.
func addSecretStrings(set map[string]bool, v cty.Value) {
	if v == cty.NilVal {
		return
	}
	v, _ = v.UnmarkDeep()
	_ = cty.Walk(v, func(_ cty.Path, val cty.Value) (bool, error) {
		if !val.IsKnown() || val.IsNull() {
			return false, nil
		}
		if val.Type() == cty.String {
			for _, s := range []string{val.AsString(), strings.TrimSpace(val.AsString())} {
				if len(s) >= minSecretLength {
					set[s] = true
				}
			}
		}
		return true, nil
	})
}

// scrubDiagnostics removes every secret from diags: replaced by its redacted
// form in summaries and details, and by dropping the values an expression
// refers to, or the source snippet, when they would show one.
func scrubDiagnostics(diags hcl.Diagnostics, files map[string]*hcl.File, secrets []string) {
	if len(secrets) == 0 {
		return
	}
	for _, d := range diags {
		d.Summary = redactSecrets(d.Summary, secrets)
		d.Detail = redactSecrets(d.Detail, secrets)
		if d.Expression != nil && d.EvalContext != nil && exprShowsSecret(d.Expression, d.EvalContext, secrets) {
			d.Expression, d.EvalContext = nil, nil
		}
		if d.Subject == nil || !snippetShowsSecret(d.Subject, d.Context, files, secrets) {
			continue
		}
		d.Context = nil
		if snippetShowsSecret(d.Subject, nil, files, secrets) {
			// The location stays, without the line that holds the secret.
			d.Detail = strings.TrimSpace(d.Detail + fmt.Sprintf("\n\n(%s line %d is not shown: it holds a secret.)",
				d.Subject.Filename, d.Subject.Start.Line))
			d.Subject = nil
		}
	}
}

func redactSecrets(msg string, secrets []string) string {
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, redactedForm(s))
		}
	}
	return msg
}

// redactedForm is what is shown instead of a secret: the scheme and host of
// an address, nothing of anything else.
func redactedForm(s string) string {
	if r := calendar.RedactURL(s); r != "(invalid URL)" {
		return r
	}
	return "(secret)"
}

func containsSecret(s string, secrets []string) bool {
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			return true
		}
	}
	return false
}

// exprShowsSecret reports whether the values HCL's diagnostic writer would
// print for the references of expr hold a secret.
func exprShowsSecret(expr hcl.Expression, ctx *hcl.EvalContext, secrets []string) bool {
	for _, t := range expr.Variables() {
		v, diags := t.TraverseAbs(ctx)
		if diags.HasErrors() {
			continue
		}
		found := false
		v, _ = v.UnmarkDeep()
		_ = cty.Walk(v, func(_ cty.Path, val cty.Value) (bool, error) {
			if found || !val.IsKnown() || val.IsNull() {
				return false, nil
			}
			if val.Type() == cty.String && containsSecret(val.AsString(), secrets) {
				found = true
			}
			return !found, nil
		})
		if found {
			return true
		}
	}
	return false
}

// snippetShowsSecret reports whether the source lines a diagnostic shows
// (those of its subject and context) hold a secret, as a literal address
// written in the configuration or a variables file does.
func snippetShowsSecret(subject, context *hcl.Range, files map[string]*hcl.File, secrets []string) bool {
	f := files[subject.Filename]
	if f == nil {
		return false
	}
	first, last := subject.Start.Line, subject.End.Line
	if context != nil && context.Filename == subject.Filename {
		first, last = min(first, context.Start.Line), max(last, context.End.Line)
	}
	lines := bytes.Split(f.Bytes, []byte("\n"))
	for n := max(first, 1); n <= last && n <= len(lines); n++ {
		if containsSecret(string(lines[n-1]), secrets) {
			return true
		}
	}
	return false
}
