package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"

	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/parse"
	"github.com/rtctl/rtctl/pkg/spec/redact"

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
	secrets redact.Secrets
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
	if diags := parse.CheckExpression(b, "expression", l.limits); diags.HasErrors() {
		return "", diags
	}
	expr, diags := hclsyntax.ParseExpression(b, ConsoleFilename, hcl.InitialPos)
	if diags.HasErrors() {
		return "", diags
	}
	if rdiags := consoleReferences(expr.Variables(), l.scope()); rdiags.HasErrors() {
		return "", c.finish(rdiags)
	}
	// A fresh budget: one expression that exhausts it must not blank the
	// scope for the next.
	l.guard.Reset()
	diags = append(diags, l.guard.Instrument(expr)...)
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
	redact.Diagnostics(diags, c.files, c.secrets)
	return finishDiagnostics(diags, c.l.guard)
}

// format writes v as HCL: the way a person would write it in a
// configuration, and the way terraform console shows values. Sensitive
// parts are written (sensitive value), as terraform console writes them.
func (c *Console) format(v cty.Value) string {
	if v.IsMarked() {
		return funcs.SensitiveValue
	}
	if !v.IsWhollyKnown() {
		return "(unknown)"
	}
	// A string written in place of each sensitive part, and replaced,
	// quotes and all, once the value is written. A value holding it
	// would be shown as sensitive, which gives nothing away.
	const sentinel = "\x00" + funcs.SensitiveValue + "\x00"
	quoted := string(hclwrite.TokensForValue(cty.StringVal(sentinel)).Bytes())
	v = funcs.ShownValue(v, sentinel)
	out := string(hclwrite.Format(hclwrite.TokensForValue(v).Bytes()))
	out = strings.ReplaceAll(out, quoted, funcs.SensitiveValue)
	return c.secrets.Redact(strings.TrimSpace(out))
}

// keepScope makes the loader's scope a Console of cfg.
func (l *loader) keepScope(secrets redact.Secrets) {
	files := make(map[string]*hcl.File, len(l.cfg.Files)+1)
	for name, f := range l.cfg.Files {
		files[name] = f
	}
	l.cfg.console = &Console{l: l, secrets: secrets, files: files}
}

// consoleReferences reports the references to variables, locals and data
// sources the configuration does not declare, naming what it does: in the
// console nothing else has checked them, and HCL's own message ("This
// object does not have an attribute named") says neither.
func consoleReferences(travs []hcl.Traversal, sc scope) hcl.Diagnostics {
	var diags hcl.Diagnostics
	missing := func(t hcl.Traversal, summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: t.SourceRange().Ptr()})
	}
	for _, t := range travs {
		switch t.RootName() {
		case "var":
			if name, ok := attrStep(t, 1); ok && !sc.vars[name] {
				missing(t, "Reference to undeclared input variable", "No input variable named "+strconv.Quote(name)+declaredHint("var.", "variables", name, sc.vars))
			}
		case "local":
			if name, ok := attrStep(t, 1); ok && !sc.locals[name] {
				missing(t, "Reference to undeclared local value", "No local value named "+strconv.Quote(name)+declaredHint("local.", "locals", name, sc.locals))
			}
		case "data":
			typ, ok1 := attrStep(t, 1)
			name, ok2 := attrStep(t, 2)
			if ok1 && ok2 && !sc.data[typ+"."+name] {
				missing(t, "Reference to undeclared data source", "No data "+strconv.Quote(typ)+" "+strconv.Quote(name)+" block is declared"+declaredHint("data.", "data sources", typ+"."+name, sc.data))
			}
		}
	}
	return diags
}

// declaredHint ends a message about name, which is not among declared: the
// closest declared name, and all of them (or that there are none).
func declaredHint(prefix, plural, name string, declared map[string]bool) string {
	if len(declared) == 0 {
		return "; the configuration declares no " + plural + "."
	}
	names := make([]string, 0, len(declared))
	for n := range declared {
		names = append(names, n)
	}
	sort.Strings(names)
	best := closestName(name, declared)
	shown := names
	if len(shown) > 20 {
		shown = shown[:20]
	}
	list := strings.Join(shown, ", ")
	if len(names) > len(shown) {
		list += fmt.Sprintf(" and %d more", len(names)-len(shown))
	}
	if best != "" {
		return "; did you mean " + prefix + best + "? The " + plural + " are " + list + "."
	}
	return ": the " + plural + " are " + list + "."
}

// closestName is the name of declared closest to name, or "" when none is
// close enough to be a slip.
func closestName(name string, declared map[string]bool) string {
	best, bestDist := "", 0
	for n := range declared {
		d := levenshtein.Distance(name, n, nil)
		if d <= max(2, len(name)/3) && (best == "" || d < bestDist || d == bestDist && n < best) {
			best, bestDist = n, d
		}
	}
	return best
}
