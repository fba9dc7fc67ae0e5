package spec

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// ConsoleFilename names an expression given to a Console in diagnostics.
const ConsoleFilename = "<console>"

// Console evaluates expressions in the scope of a loaded configuration,
// as terraform console does: var, local, data and every function,
// today() included, with the values the load computed. It is how a person
// sees what a for_each goes through before the plan does.
//
// Each expression gets the whole evaluation budget of a load (Limits), and
// a secret (a calendar's address, rtctl's credentials) never appears in
// what it returns. A Console is not safe for concurrent use.
type Console struct {
	l       *loader
	secrets redaction
	files   map[string]*hcl.File
}

// Console returns the configuration's console, or nil when the load was
// not asked to keep its scope (LoadOptions.KeepScope) or did not get as
// far as evaluating it.
func (c *Config) Console() *Console { return c.console }

// Files are the configuration's files and the last expression evaluated,
// to render diagnostics with.
func (c *Console) Files() map[string]*hcl.File { return c.files }

// Evaluate evaluates one expression and returns its value written as HCL
// would write it, over several lines for a collection.
func (c *Console) Evaluate(src string) (string, hcl.Diagnostics) {
	l := c.l
	b := []byte(src)
	c.files[ConsoleFilename] = &hcl.File{Bytes: b}
	if diags := checkExpressionSource(b, "expression", l.limits); diags.HasErrors() {
		return "", diags
	}
	expr, diags := hclsyntax.ParseExpression(b, ConsoleFilename, hcl.InitialPos)
	if diags.HasErrors() {
		return "", diags
	}
	// A fresh budget: one expression that exhausts it must not blank the
	// scope for the next.
	l.guard.steps, l.guard.walked, l.guard.bytes, l.guard.exceeded, l.guard.contexts = 0, 0, 0, nil, nil
	diags = append(diags, l.guard.instrument(expr)...)
	if diags.HasErrors() {
		return "", c.finish(diags)
	}
	v, vdiags := expr.Value(l.evalContext())
	diags = c.finish(append(diags, vdiags...))
	if diags.HasErrors() {
		return "", diags
	}
	return c.format(v), diags
}

func (c *Console) finish(diags hcl.Diagnostics) hcl.Diagnostics {
	scrubDiagnostics(diags, c.files, c.secrets)
	return finishDiagnostics(diags, c.l.guard)
}

// format writes v as HCL: the way a person would write it in a
// configuration, and the way terraform console shows values. Sensitive
// parts are written (sensitive value), as terraform console writes them.
func (c *Console) format(v cty.Value) string {
	if v.IsMarked() {
		return sensitiveValue
	}
	if !v.IsWhollyKnown() {
		return "(unknown)"
	}
	// A string written in place of each sensitive part, and replaced,
	// quotes and all, once the value is written. A value holding it
	// would be shown as sensitive, which gives nothing away.
	const sentinel = "\x00" + sensitiveValue + "\x00"
	quoted := string(hclwrite.TokensForValue(cty.StringVal(sentinel)).Bytes())
	v = shownValue(v, sentinel)
	out := string(hclwrite.Format(hclwrite.TokensForValue(v).Bytes()))
	out = strings.ReplaceAll(out, quoted, sensitiveValue)
	return c.secrets.redact(strings.TrimSpace(out))
}

// keepScope makes the loader's scope a Console of cfg.
func (l *loader) keepScope(secrets redaction) {
	files := make(map[string]*hcl.File, len(l.cfg.Files)+1)
	for name, f := range l.cfg.Files {
		files[name] = f
	}
	l.cfg.console = &Console{l: l, secrets: secrets, files: files}
}
