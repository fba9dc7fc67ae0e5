package redact

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
	"github.com/rtctl/rtctl/pkg/spec/funcs"
)

// New is the redaction of the strings of set (each redacted whole, the
// longest first, so that a secret holding another is replaced whole) and
// of rtctl's credentials creds (in any case, and by pieces).
func New(set map[string]bool, creds *secretscan.Set) Secrets {
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
	return Secrets{exact: out, creds: creds}
}

// Secrets are the text a diagnostic or a console value may not show.
type Secrets struct {
	exact []string        // longest first
	creds *secretscan.Set // rtctl's credentials, in any case and by pieces
}

// Empty reports whether r holds nothing to redact.
func (r Secrets) Empty() bool { return len(r.exact) == 0 && r.creds.Empty() }

// Redact replaces what r holds in msg.
func (r Secrets) Redact(msg string) string {
	for _, s := range r.exact {
		if strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, redactedForm(s))
		}
	}
	return r.creds.Replace(msg, "(secret)")
}

// Contains reports whether s holds something of r.
func (r Secrets) Contains(s string) bool {
	for _, sec := range r.exact {
		if strings.Contains(s, sec) {
			return true
		}
	}
	return r.creds.Contains(s)
}

// AddSensitiveStrings adds every string inside the marked parts of v.
func AddSensitiveStrings(set map[string]bool, v cty.Value) {
	if v == cty.NilVal {
		return
	}
	un, pvm := v.UnmarkDeepWithPaths()
	for _, pm := range pvm {
		if _, ok := pm.Marks[funcs.Sensitive]; !ok {
			continue
		}
		if part, err := pm.Path.Apply(un); err == nil {
			AddSecretStrings(set, part)
		}
	}
}

// AddSecretStrings adds every string inside v, however deep, to set.
func AddSecretStrings(set map[string]bool, v cty.Value) {
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
				if len(s) >= confdir.MinSecretLength {
					set[s] = true
				}
			}
		}
		return true, nil
	})
}

// Diagnostics removes every secret from diags: replaced by its redacted
// form in summaries and details, and by dropping the values an expression
// refers to, or the source snippet, when they would show one.
func Diagnostics(diags hcl.Diagnostics, files map[string]*hcl.File, secrets Secrets) {
	if secrets.Empty() {
		return
	}
	for _, d := range diags {
		d.Summary = secrets.Redact(d.Summary)
		d.Detail = secrets.Redact(d.Detail)
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
func exprShowsSecret(expr hcl.Expression, ctx *hcl.EvalContext, secrets Secrets) bool {
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
			if val.Type() == cty.String && secrets.Contains(val.AsString()) {
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
func snippetShowsSecret(subject, context *hcl.Range, files map[string]*hcl.File, secrets Secrets) bool {
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
		if secrets.Contains(string(lines[n-1])) {
			return true
		}
	}
	return false
}
