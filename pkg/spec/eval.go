package spec

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/funcs"
)

// evalString evaluates a string attribute. ok is false when the value is
// null, or unknown because an error it depends on was already reported.
func evalString(a *hcl.Attribute, ctx *hcl.EvalContext, diags *hcl.Diagnostics) (string, bool) {
	v, ok := evalAs(a, ctx, cty.String, diags)
	if !ok {
		return "", false
	}
	return v.AsString(), true
}

func evalBool(a *hcl.Attribute, ctx *hcl.EvalContext, diags *hcl.Diagnostics) (bool, bool) {
	v, ok := evalAs(a, ctx, cty.Bool, diags)
	if !ok {
		return false, false
	}
	return v.True(), true
}

// evalStringList evaluates a list (or set, or tuple) of strings.
func evalStringList(a *hcl.Attribute, ctx *hcl.EvalContext, diags *hcl.Diagnostics) ([]string, bool) {
	v, ok := evalAs(a, ctx, cty.List(cty.String), diags)
	if !ok {
		return nil, false
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || !e.IsKnown() {
			*diags = append(*diags, attrError(a, "Incorrect attribute value type",
				"Inappropriate value for attribute \""+a.Name+"\": element must not be null."))
			return nil, false
		}
		out = append(out, e.AsString())
	}
	return out, true
}

func evalAs(a *hcl.Attribute, ctx *hcl.EvalContext, ty cty.Type, diags *hcl.Diagnostics) (cty.Value, bool) {
	v, more := a.Expr.Value(ctx)
	*diags = append(*diags, more...)
	if more.HasErrors() || !v.IsWhollyKnown() {
		return cty.NilVal, false
	}
	if v.IsNull() {
		return cty.NilVal, false
	}
	// Before the conversion, whose error could quote the value.
	if funcs.IsSensitive(v) {
		*diags = append(*diags, sensitiveAttr(a))
		return cty.NilVal, false
	}
	cv, err := funcs.FastConvert(v, ty, false)
	if err != nil {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Incorrect attribute value type",
			Detail:      "Inappropriate value for attribute \"" + a.Name + "\": " + err.Error() + ".",
			Subject:     a.Expr.Range().Ptr(),
			Expression:  a.Expr,
			EvalContext: ctx,
		})
		return cty.NilVal, false
	}
	return cv, true
}

func attrError(a *hcl.Attribute, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   detail,
		Subject:  a.Expr.Range().Ptr(),
	}
}

// checkName insists labels are identifiers, so every address can be
// written back in the configuration language.
func checkName(what, name string, rng hcl.Range) hcl.Diagnostics {
	if hclsyntax.ValidIdentifier(name) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid " + what + " name",
		Detail:   "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
		Subject:  rng.Ptr(),
	}}
}

// scope says which symbols an expression may refer to.
type scope struct {
	vars, locals map[string]bool
	data         map[string]bool // "TYPE.NAME"
	each, count  bool
	what         string // "a local value", "an offline_time block"... for messages
}

// checkReferences reports every reference in travs that cannot resolve in
// sc, one diagnostic per problem, before evaluation would report it less
// clearly ("Unknown variable").
func checkReferences(travs []hcl.Traversal, sc scope) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range travs {
		root := t.RootName()
		rng := t.SourceRange().Ptr()
		switch root {
		case "var":
			name, ok := attrStep(t, 1)
			if !ok {
				diags = append(diags, invalidRef(rng, "A reference to an input variable must name it, like var.NAME."))
			} else if !sc.vars[name] {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to undeclared input variable",
					Detail:   "An input variable named \"" + name + "\" has not been declared." + didYouMean("var.", name, sc.vars) + " Declare it with a variable \"" + name + "\" {} block.",
					Subject:  rng,
				})
			}
		case "local":
			name, ok := attrStep(t, 1)
			if !ok {
				diags = append(diags, invalidRef(rng, "A reference to a local value must name it, like local.NAME."))
			} else if !sc.locals[name] {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to undeclared local value",
					Detail:   "A local value named \"" + name + "\" has not been declared." + didYouMean("local.", name, sc.locals),
					Subject:  rng,
				})
			}
		case "data":
			typ, ok1 := attrStep(t, 1)
			name, ok2 := attrStep(t, 2)
			if !ok1 || !ok2 {
				diags = append(diags, invalidRef(rng, "A reference to a data source must name its type and name, like data.TYPE.NAME."))
			} else if !sc.data[typ+"."+name] {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to undeclared data source",
					Detail:   "A data \"" + typ + "\" \"" + name + "\" block has not been declared.",
					Subject:  rng,
				})
			}
		case "each":
			if !sc.each {
				diags = append(diags, invalidRef(rng, "The symbol \"each\" is only available in a block that sets for_each."))
			}
		case "count":
			if !sc.count {
				diags = append(diags, invalidRef(rng, "The symbol \"count\" is only available in a block that sets count."))
			}
		case KindOfflineTime, KindHighlight, KindFocusSession:
			diags = append(diags, invalidRef(rng, "Items cannot refer to each other: move the shared value into a local value and refer to local.NAME from both."))
		default:
			diags = append(diags, invalidRef(rng, "There is no symbol named \""+root+"\". "+sc.available()))
		}
	}
	return diags
}

func (sc scope) available() string {
	names := []string{"var.NAME", "local.NAME", "data.TYPE.NAME"}
	if sc.each {
		names = append(names, "each.key", "each.value")
	}
	if sc.count {
		names = append(names, "count.index")
	}
	return "In " + sc.what + " you can refer to " + strings.Join(names, ", ") + "."
}

func invalidRef(rng *hcl.Range, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reference", Detail: detail, Subject: rng}
}

// attrStep returns the name of the attribute step at index i of t.
func attrStep(t hcl.Traversal, i int) (string, bool) {
	if len(t) <= i {
		return "", false
	}
	switch s := t[i].(type) {
	case hcl.TraverseAttr:
		return s.Name, true
	case hcl.TraverseIndex:
		if s.Key.Type() == cty.String && s.Key.IsKnown() && !s.Key.IsNull() {
			return s.Key.AsString(), true
		}
	}
	return "", false
}

// Node keys of the dependency graph of locals, data sources and settings.
const settingsNode = "rtctl"

func localNode(name string) string    { return "local." + name }
func dataNode(typeName string) string { return "data." + typeName }
func nodeOf(t hcl.Traversal) string {
	switch t.RootName() {
	case "local":
		if n, ok := attrStep(t, 1); ok {
			return localNode(n)
		}
	case "data":
		typ, ok1 := attrStep(t, 1)
		name, ok2 := attrStep(t, 2)
		if ok1 && ok2 {
			return dataNode(typ + "." + name)
		}
	}
	return ""
}

// graphNode is something evaluated in dependency order.
type graphNode struct {
	key   string
	deps  []string
	rng   hcl.Range // where it is defined, for cycle reports
	order int       // declaration order, for stable output
	travs []hcl.Traversal
}

// sortNodes orders nodes so each comes after what it depends on,
// declaration order otherwise. Nodes on a cycle are reported, once per
// cycle, and left out of the order.
func sortNodes(nodes map[string]*graphNode) ([]*graphNode, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	keys := make([]*graphNode, 0, len(nodes))
	for _, n := range nodes {
		keys = append(keys, n)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].order < keys[j].order })

	const (
		unvisited = iota
		visiting
		done
		broken
	)
	state := make(map[string]int, len(nodes))
	var order []*graphNode
	var stack []string
	var visit func(n *graphNode) bool
	visit = func(n *graphNode) bool {
		switch state[n.key] {
		case done:
			return true
		case broken:
			return false
		case visiting:
			// Report the cycle from where it starts on the stack.
			i := len(stack) - 1
			for stack[i] != n.key {
				i--
			}
			cycle := append(append([]string{}, stack[i:]...), n.key)
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cycle in references",
				Detail:   "These values refer to each other, so none of them can be evaluated: " + strings.Join(cycle, " → ") + ".",
				Subject:  nodes[cycle[0]].rng.Ptr(),
			})
			for _, k := range stack[i:] {
				state[k] = broken
			}
			return false
		}
		state[n.key] = visiting
		stack = append(stack, n.key)
		ok := true
		for _, d := range n.deps {
			if dn, exists := nodes[d]; exists {
				if !visit(dn) {
					ok = false
				}
			}
		}
		stack = stack[:len(stack)-1]
		if state[n.key] == broken {
			return false
		}
		if !ok {
			state[n.key] = broken
			return false
		}
		state[n.key] = done
		order = append(order, n)
		return true
	}
	for _, n := range keys {
		visit(n)
	}
	return order, diags
}

// didYouMean is " Did you mean PREFIX+NAME?" for the declared name closest
// to name, or "".
func didYouMean(prefix, name string, declared map[string]bool) string {
	if best := closestName(name, declared); best != "" {
		return " Did you mean " + prefix + best + "?"
	}
	return ""
}

// postedAttributes are the attributes whose text is sent to the account;
// the others are shown by every plan.
var postedAttributes = map[string]bool{"activity": true, "details": true, "description": true, "source": true}

// sensitiveAttr reports a marked value given to an attribute: everything
// an item or the rtctl block is set to is shown by the plan, and most is
// posted to the account.
func sensitiveAttr(a *hcl.Attribute) *hcl.Diagnostic {
	where := "shown by every plan"
	if postedAttributes[a.Name] {
		where = "posted to the account and shown by every plan"
	}
	return attrError(a, "Sensitive value in "+a.Name,
		"The value of "+a.Name+" is sensitive: it is computed from env(), from a variable declared sensitive, or from a value a calendar's url is computed from. "+
			"It would be "+where+". If this value may be shown, say so with nonsensitive(...); otherwise take it from elsewhere.")
}
