package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/limits"
	"github.com/rtctl/rtctl/pkg/spec/parse"
	"github.com/rtctl/rtctl/pkg/spec/redact"
)

// VarEnvPrefix prefixes environment variables that set input variables:
// RTCTL_VAR_team=platform sets var.team.
const VarEnvPrefix = "RTCTL_VAR_"

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

// variable is a variable "name" {} block.
type variable struct {
	Name        string
	Description string
	Type        cty.Type
	Defaults    *typeexpr.Defaults
	Default     cty.Value // cty.NilVal when there is none
	Validations []*variableValidation
	DeclRange   hcl.Range
	// Sensitive is sensitive = true, or a calendar's url computed from
	// the variable: its value is marked (see funcs.Sensitive).
	Sensitive bool
	// badDefault marks a default that was already reported invalid, so
	// the variable is not also reported as having no value.
	badDefault bool
}

type variableValidation struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
}

func decodeVariableBlock(block *hcl.Block, fns map[string]function.Function) (*variable, hcl.Diagnostics) {
	v := &variable{
		Name:      block.Labels[0],
		Type:      cty.DynamicPseudoType,
		Default:   cty.NilVal,
		DeclRange: block.DefRange,
	}
	diags := checkName("variable", v.Name, block.LabelRanges[0])
	content, more := block.Body.Content(variableSchema)
	diags = append(diags, more...)

	if a, ok := content.Attributes["description"]; ok {
		v.Description, _ = evalString(a, nil, &diags)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		v.Sensitive, _ = evalBool(a, nil, &diags)
	}
	if a, ok := content.Attributes["type"]; ok {
		ty, defaults, more := typeexpr.TypeConstraintWithDefaults(a.Expr)
		diags = append(diags, more...)
		if !more.HasErrors() {
			v.Type, v.Defaults = ty, defaults
		}
	}
	if a, ok := content.Attributes["default"]; ok {
		// A default is a constant: it is read before anything else exists.
		if refs := a.Expr.Variables(); len(refs) > 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Variables not allowed",
				Detail:   "A variable's default value cannot refer to anything: it must be a constant.",
				Subject:  refs[0].SourceRange().Ptr(),
			})
		} else {
			val, more := a.Expr.Value(&hcl.EvalContext{Functions: fns})
			diags = append(diags, more...)
			v.badDefault = more.HasErrors()
			if !more.HasErrors() {
				if v.Defaults != nil {
					val = v.Defaults.Apply(val)
				}
				cv, err := funcs.FastConvert(val, v.Type, false)
				if err != nil {
					v.badDefault = true
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Invalid default value for variable",
						Detail:   fmt.Sprintf("This default value is not compatible with the variable's type constraint: %s.", err),
						Subject:  a.Expr.Range().Ptr(),
					})
				} else {
					v.Default = cv
				}
			}
		}
	}
	for _, b := range content.Blocks {
		c, more := b.Body.Content(validationSchema)
		diags = append(diags, more...)
		cond, ok1 := c.Attributes["condition"]
		msg, ok2 := c.Attributes["error_message"]
		if !ok1 || !ok2 {
			continue
		}
		sc := scope{vars: map[string]bool{v.Name: true}, what: "a validation rule"}
		refs := checkReferences(cond.Expr.Variables(), sc)
		refs = append(refs, checkReferences(msg.Expr.Variables(), sc)...)
		if len(refs) > 0 {
			for _, d := range refs {
				d.Detail += " A validation rule can refer only to the variable it validates, var." + v.Name + "."
			}
			diags = append(diags, refs...)
			continue
		}
		v.Validations = append(v.Validations, &variableValidation{Condition: cond.Expr, ErrorMessage: msg.Expr})
	}
	return v, diags
}

// rawVariableValue is a value for a variable from one source, before it is
// converted to the variable's type.
type rawVariableValue struct {
	str    string // for the environment and --var, parsed per the variable's type
	isStr  bool
	val    cty.Value
	rng    *hcl.Range // where it was written, when that was a file
	source string     // for messages: "--var", "the environment variable RTCTL_VAR_x", a file name
}

// collectVariableValues gathers values for the declared variables from every
// source, later sources overriding earlier ones (see the package comment).
func (l *loader) collectVariableValues(autoFiles, varFiles []string) (map[string]rawVariableValue, hcl.Diagnostics) {
	decl, opts := l.variables, l.opts
	var diags hcl.Diagnostics
	values := make(map[string]rawVariableValue)

	if opts.Getenv != nil {
		for name := range decl {
			env := VarEnvPrefix + name
			if s := opts.Getenv(env); s != "" {
				values[name] = rawVariableValue{str: s, isStr: true, source: "the environment variable " + env}
			}
		}
	}
	for _, p := range autoFiles {
		diags = append(diags, l.readVariablesFile(l.baseDir, p, values)...)
	}
	for _, p := range varFiles {
		diags = append(diags, l.readVariablesFile("", p, values)...)
	}
	names := make([]string, 0, len(opts.Vars))
	for n := range opts.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := decl[n]; !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("A value for %q was given with --var, but the configuration declares no variable of that name.", n),
			})
			continue
		}
		values[n] = rawVariableValue{str: opts.Vars[n], isStr: true, source: "--var"}
	}
	return values, diags
}

// readVariablesFile reads the values of a variables file into values; dir
// is the configuration directory the file must stay in, or "" for one the
// person named (see loader.readSource).
func (l *loader) readVariablesFile(dir, path string, values map[string]rawVariableValue) hcl.Diagnostics {
	var diags hcl.Diagnostics
	src, diag := l.readSource(dir, path, "variables file")
	if diag != nil {
		diags = append(diags, diag)
		return diags
	}
	if more := parse.CheckSource(src, path, l.limits); more.HasErrors() {
		diags = append(diags, more...)
		return diags
	}
	f, more := l.parser.ParseHCL(src, path)
	diags = append(diags, more...)
	if f == nil || more.HasErrors() {
		return diags
	}
	diags = append(diags, redact.CheckFile(f, hcl.InitialPos)...)
	diags = append(diags, l.instrument(f)...)
	attrs, more := f.Body.JustAttributes()
	diags = append(diags, more...)
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := attrs[n]
		if _, ok := l.variables[n]; !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("The configuration does not declare a variable named %q, so this value is ignored.", n),
				Subject:  a.NameRange.Ptr(),
			})
			continue
		}
		if refs := a.Expr.Variables(); len(refs) > 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Variables not allowed",
				Detail:   "A variables file holds constant values only.",
				Subject:  refs[0].SourceRange().Ptr(),
			})
			continue
		}
		val, more := l.guard.Constant(a.Expr)
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		values[n] = rawVariableValue{val: val, rng: a.Expr.Range().Ptr(), source: path}
	}
	return diags
}

// finalVariableValues converts each variable's value to its type, applies
// defaults and runs its validation rules. A variable that fails one of its
// rules is unknown in out, so that nothing downstream (a calendar fetch, an
// item) uses a value its own author declared wrong; seen keeps every value
// that was converted, valid or not, so that it can still be kept out of
// what is printed when it is a secret.
func finalVariableValues(decl map[string]*variable, raw map[string]rawVariableValue, fns map[string]function.Function, g *funcs.Guard) (out, seen map[string]cty.Value, diags hcl.Diagnostics) {
	out = make(map[string]cty.Value, len(decl))
	seen = make(map[string]cty.Value, len(decl))
	names := make([]string, 0, len(decl))
	for n := range decl {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := decl[name]
		out[name] = cty.DynamicVal
		rv, given := raw[name]
		if !given {
			if v.badDefault {
				continue
			}
			if v.Default == cty.NilVal {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "No value for required variable",
					Detail: fmt.Sprintf("The variable %q has no default, so it needs a value: --var %s=VALUE, --var-file, a *.rtvars.hcl file, or the environment variable %s%s.",
						name, name, VarEnvPrefix, name),
					Subject: v.DeclRange.Ptr(),
				})
				continue
			}
			out[name] = v.Default
		} else {
			val, more := rv.value(v, g)
			diags = append(diags, more...)
			if more.HasErrors() {
				continue
			}
			if v.Defaults != nil {
				val = v.Defaults.Apply(val)
			}
			if err := funcs.CheckNumbersToConvert(val, v.Type); err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid value for input variable",
					Detail:   fmt.Sprintf("The value for var.%s from %s is not suitable: %s.", name, rv.source, err),
					Subject:  rv.rng,
				})
				continue
			}
			cv, err := funcs.FastConvert(val, v.Type, false)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid value for input variable",
					Detail:   fmt.Sprintf("The value for var.%s from %s is not suitable: %s.", name, rv.source, err),
					Subject:  rv.rng,
				})
				continue
			}
			if _, err := g.CheckValue(cv, "the value for var."+name); err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid value for input variable",
					Detail:   fmt.Sprintf("The value from %s is not suitable: %s.", rv.source, err),
					Subject:  rv.rng,
					Extra:    limits.Extra(err),
				})
				continue
			}
			out[name] = cv
		}
		if v.Sensitive {
			out[name] = out[name].Mark(funcs.Sensitive)
		}
		seen[name] = out[name]
		vd := v.validate(out[name], rv.rng, fns)
		diags = append(diags, vd...)
		if vd.HasErrors() {
			out[name] = cty.DynamicVal
		}
	}
	return out, seen, diags
}

// value parses a raw string as Terraform does: as it is for a primitive or
// unconstrained type, as an HCL expression for a collection or structure.
func (rv rawVariableValue) value(v *variable, g *funcs.Guard) (cty.Value, hcl.Diagnostics) {
	limits := g.Limits()
	if !rv.isStr {
		return rv.val, nil
	}
	if v.Type.IsPrimitiveType() || v.Type == cty.DynamicPseudoType {
		return cty.StringVal(rv.str), nil
	}
	if diags := parse.CheckExpression([]byte(rv.str), "value for var."+v.Name+" from "+rv.source, limits); diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	expr, diags := hclsyntax.ParseExpression([]byte(rv.str), "<value for var."+v.Name+">", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for input variable",
			Detail:   fmt.Sprintf("The value for var.%s from %s is not a valid %s expression.", v.Name, rv.source, typeexpr.TypeString(v.Type)),
		}}
	}
	if more := g.Instrument(expr); more.HasErrors() {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for input variable",
			Detail:   fmt.Sprintf("The value for var.%s from %s is not suitable: %s", v.Name, rv.source, more[0].Detail),
		}}
	}
	val, diags := g.Constant(expr)
	if diags.HasErrors() {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for input variable",
			Detail:   fmt.Sprintf("The value for var.%s from %s must be a constant.", v.Name, rv.source),
		}}
	}
	return val, nil
}

func (v *variable) validate(val cty.Value, valRange *hcl.Range, fns map[string]function.Function) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.Name: val})},
		Functions: fns,
	}
	for _, rule := range v.Validations {
		res, more := rule.Condition.Value(ctx)
		diags = append(diags, more...)
		if more.HasErrors() || !res.IsWhollyKnown() {
			continue
		}
		res, err := convert.Convert(res, cty.Bool)
		// A condition on a sensitive value is marked too; whether it
		// holds says nothing worth hiding, and True needs it unmarked.
		res, _ = res.Unmark()
		if err != nil || res.IsNull() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid validation condition",
				Detail:   "The condition must be true or false.",
				Subject:  rule.Condition.Range().Ptr(),
			})
			continue
		}
		if res.True() {
			continue
		}
		msg := "The value of var." + v.Name + " is not valid."
		if m, more := rule.ErrorMessage.Value(ctx); !more.HasErrors() && m.IsWhollyKnown() {
			if funcs.IsSensitive(m) {
				// As Terraform does: the rule still fails, its message
				// stays unsaid.
				msg = "The value of var." + v.Name + " is not valid. The error message includes a sensitive value, so it is not shown."
			} else if s, err := convert.Convert(m, cty.String); err == nil && !s.IsNull() {
				msg = strings.TrimSpace(s.AsString())
			}
		}
		subject := valRange
		if subject == nil {
			subject = rule.Condition.Range().Ptr()
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   msg + "\n\nThis was checked by the validation rule at " + rule.Condition.Range().String() + ".",
			Subject:  subject,
		})
	}
	return diags
}

// ParseVarArg splits a --var argument "name=value".
func ParseVarArg(arg string) (name, value string, err error) {
	name, value, ok := strings.Cut(arg, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", "", fmt.Errorf("invalid --var %q: expected name=value", arg)
	}
	if !hclsyntax.ValidIdentifier(name) {
		return "", "", fmt.Errorf("invalid --var %q: %q is not a valid variable name", arg, name)
	}
	return name, value, nil
}

// autoVarFiles lists the *.rtvars.hcl files of dir, in lexical order.
func autoVarFiles(dir string, entries []os.DirEntry) []string {
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), VarsFileSuffix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// foreignVarSuffixes are the variable files of Terraform and Packer, which
// a person used to them puts beside a configuration expecting them read.
var foreignVarSuffixes = []string{".tfvars", ".tfvars.json", ".pkrvars.hcl", ".pkrvars.json"}

// foreignVarFiles warns of each Terraform or Packer variable file in the
// directory: rtctl does not read it, and a value silently not taken is
// worse than a word about it.
func foreignVarFiles(entries []os.DirEntry) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, VarsFileSuffix) {
			continue
		}
		for _, suffix := range foreignVarSuffixes {
			if !strings.HasSuffix(name, suffix) {
				continue
			}
			base := strings.TrimSuffix(strings.TrimSuffix(name, suffix), ".auto")
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Variable file not read",
				Detail: fmt.Sprintf("%s is not read: rtctl reads variable values from the *%s files beside the configuration, and from --var-file. "+
					"Rename it %s%s (in HCL syntax) to have it read every time, or give --var-file %s.", name, VarsFileSuffix, base, VarsFileSuffix, name),
			})
			break
		}
	}
	return diags
}
