package spec

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/internal/secretscan"
	"github.com/rtctl/rtctl/pkg/calendar"
	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/datasource"
	"github.com/rtctl/rtctl/pkg/spec/funcs"
)

// minSecretLength is the shortest string treated as a secret: shorter parts
// of a secret's value (a "/" or "ics") would redact ordinary text.
const minSecretLength = confdir.MinSecretLength

// secretReferences are the variables and locals the secret attributes of
// data sources are computed from, directly or through other locals: found
// from the expressions before anything is evaluated, so their values are
// marked from the start.
func (l *loader) secretReferences() (vars, locals map[string]bool) {
	vars, locals = map[string]bool{}, map[string]bool{}
	var addRefs func(travs []hcl.Traversal)
	addRefs = func(travs []hcl.Traversal) {
		for _, t := range travs {
			name, ok := attrStep(t, 1)
			if !ok {
				continue
			}
			switch t.RootName() {
			case "var":
				vars[name] = true
			case "local":
				if !locals[name] {
					locals[name] = true
					if lc := l.locals[name]; lc != nil {
						addRefs(lc.Expr.Variables())
					}
				}
			}
		}
	}
	for _, a := range l.secretAttributes() {
		addRefs(a.Expr.Variables())
	}
	return vars, locals
}

// secretAttributes are the attributes of data blocks that hold secrets.
func (l *loader) secretAttributes() []*hcl.Attribute {
	var out []*hcl.Attribute
	for _, d := range l.data {
		sa, ok := d.source.(datasource.SecretAttributes)
		if !ok {
			continue
		}
		schema := &hcl.BodySchema{}
		for _, n := range sa.SecretAttributes() {
			schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: n})
		}
		content, _, _ := d.Body.PartialContent(schema)
		for _, a := range content.Attributes {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Range.String() < out[j].Range.String() })
	return out
}

// secrets is what no diagnostic may show: the text of every sensitive value
// of a variable or local, of the secret attributes (an address written
// literally is marked by nothing), and rtctl's credentials.
func (l *loader) secrets() redaction {
	set := map[string]bool{}
	for _, v := range l.varSeen {
		addSensitiveStrings(set, v)
	}
	for _, v := range l.localValues {
		addSensitiveStrings(set, v)
	}
	if attrs := l.secretAttributes(); len(attrs) > 0 {
		ctx := l.evalContext()
		for _, a := range attrs {
			if v, diags := a.Expr.Value(ctx); !diags.HasErrors() {
				addSecretStrings(set, v)
			}
		}
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
	return redaction{exact: out, creds: l.creds}
}

// redaction is the text a diagnostic or a console value may not show.
type redaction struct {
	exact []string        // longest first
	creds *secretscan.Set // rtctl's credentials, in any case and by pieces
}

func (r redaction) empty() bool { return len(r.exact) == 0 && r.creds.Empty() }

// redact replaces what r holds in msg.
func (r redaction) redact(msg string) string {
	for _, s := range r.exact {
		if strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, redactedForm(s))
		}
	}
	return r.creds.Replace(msg, "(secret)")
}

// contains reports whether s holds something of r.
func (r redaction) contains(s string) bool {
	for _, sec := range r.exact {
		if strings.Contains(s, sec) {
			return true
		}
	}
	return r.creds.Contains(s)
}

// addSensitiveStrings adds every string inside the marked parts of v.
func addSensitiveStrings(set map[string]bool, v cty.Value) {
	if v == cty.NilVal {
		return
	}
	un, pvm := v.UnmarkDeepWithPaths()
	for _, pm := range pvm {
		if _, ok := pm.Marks[funcs.Sensitive]; !ok {
			continue
		}
		if part, err := pm.Path.Apply(un); err == nil {
			addSecretStrings(set, part)
		}
	}
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
func scrubDiagnostics(diags hcl.Diagnostics, files map[string]*hcl.File, secrets redaction) {
	if secrets.empty() {
		return
	}
	for _, d := range diags {
		d.Summary = secrets.redact(d.Summary)
		d.Detail = secrets.redact(d.Detail)
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

// redactedForm is what is shown instead of a secret: the scheme and host of
// an address, nothing of anything else.
func redactedForm(s string) string {
	if r := calendar.RedactURL(s); r != "(invalid URL)" {
		return r
	}
	return "(secret)"
}

// exprShowsSecret reports whether the values HCL's diagnostic writer would
// print for the references of expr hold a secret.
func exprShowsSecret(expr hcl.Expression, ctx *hcl.EvalContext, secrets redaction) bool {
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
			if val.Type() == cty.String && secrets.contains(val.AsString()) {
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
func snippetShowsSecret(subject, context *hcl.Range, files map[string]*hcl.File, secrets redaction) bool {
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
		if secrets.contains(string(lines[n-1])) {
			return true
		}
	}
	return false
}
