package funcs

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// chargeFunc is the name of the function instrument wraps expressions in.
// It is not an identifier, so no configuration can call it (or shadow it).
const chargeFunc = "rtctl:charge"

// tickFunc, called with no argument, counts an iteration of a for
// expression: it is the condition of every for expression.
const tickFunc = "rtctl:tick"

// keyFunc wraps index keys, which HCL converts to numbers for lists, and
// numberFunc the operands of arithmetic: both check that text is not too
// long to convert.
const (
	keyFunc    = "rtctl:key"
	numberFunc = "rtctl:number"
)

// Hooks are the functions instrumented expressions call.
func (g *Guard) Hooks() map[string]function.Function {
	pass := func(check func(cty.Value) error) function.Function {
		return function.New(&function.Spec{
			Description: "Counts a value against the evaluation limits and returns it.",
			Params: []function.Parameter{{
				Name: "value", Type: cty.DynamicPseudoType,
				AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true,
			}},
			Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				if g.Quiet() {
					return unknownLike(args[0]), nil
				}
				if err := check(args[0]); err != nil {
					return cty.NilVal, err
				}
				return args[0], nil
			},
		})
	}
	numberText := pass(func(v cty.Value) error {
		if err := CheckNumberText(v); err != nil {
			return err
		}
		return g.chargeCall(v)
	})
	return map[string]function.Function{
		chargeFunc: pass(g.chargeCall),
		keyFunc:    numberText,
		numberFunc: numberText,
		tickFunc: function.New(&function.Spec{
			Description: "Counts an iteration against the evaluation limits.",
			// The condition of the for expression, when it has one; it
			// is a boolean, cheap to go through.
			VarParam: &function.Parameter{
				Name: "condition", Type: cty.DynamicPseudoType,
				AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true,
			},
			Type: func(args []cty.Value) (cty.Type, error) {
				if len(args) == 0 {
					return cty.Bool, nil
				}
				return args[0].Type(), nil
			},
			Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
				if g.Quiet() {
					// The iteration is left out, unknown.
					return cty.UnknownVal(ret), nil
				}
				if err := g.charge(1, 0, 0); err != nil {
					return cty.NilVal, err
				}
				if len(args) == 0 {
					return cty.True, nil
				}
				return args[0], nil
			},
		}),
	}
}

// Instrument rewrites the syntax tree under node so that evaluating it
// counts against g: each part of a template that joins several, each
// iteration of a for expression (its key, value and condition), each index
// key, and each operation. It also reports number literals out of range:
// a literal of a billion digits is a few bytes of source.
func (g *Guard) Instrument(node hclsyntax.Node) hcl.Diagnostics {
	if body, ok := node.(*hclsyntax.Body); ok {
		// Attribute by attribute, so that the literal values most of
		// a large configuration is made of cost no walk.
		var diags hcl.Diagnostics
		for _, a := range body.Attributes {
			if lit, ok := Literal(a.Expr); ok {
				if d := checkLiteral(lit.Val, lit.SrcRange); d != nil {
					diags = append(diags, d)
				}
				continue
			}
			diags = append(diags, g.Instrument(a.Expr)...)
		}
		for _, b := range body.Blocks {
			diags = append(diags, g.Instrument(b.Body)...)
		}
		return diags
	}
	var nodes []hclsyntax.Node
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		nodes = append(nodes, n)
		return nil
	})
	var diags hcl.Diagnostics
	for _, n := range nodes {
		switch e := n.(type) {
		case *hclsyntax.TemplateExpr:
			if len(e.Parts) < 2 {
				continue
			}
			for i, p := range e.Parts {
				if _, lit := p.(*hclsyntax.LiteralValueExpr); !lit {
					e.Parts[i] = hook(chargeFunc, p)
				}
			}
		case *hclsyntax.ForExpr:
			// Each iteration ticks in the condition, which takes no
			// value (a call goes through every level of its arguments,
			// and the value may be a large collection). The collection
			// is counted too: once the budget is exhausted, an inner for
			// expression ends before its first iteration.
			e.CollExpr = hook(chargeFunc, e.CollExpr)
			if e.CondExpr == nil {
				e.CondExpr = &hclsyntax.FunctionCallExpr{Name: tickFunc, NameRange: e.OpenRange, OpenParenRange: e.OpenRange, CloseParenRange: e.OpenRange}
			} else {
				// Not tick() && condition: && drops the diagnostics of
				// one side when the other is false.
				e.CondExpr = hook(tickFunc, e.CondExpr)
			}
		case *hclsyntax.IndexExpr:
			e.Key = hook(keyFunc, e.Key)
		case *hclsyntax.BinaryOpExpr:
			if numericOperands(e.Op) {
				e.LHS, e.RHS = hook(numberFunc, e.LHS), hook(numberFunc, e.RHS)
			}
			e.Op = g.operation(e.Op)
		case *hclsyntax.UnaryOpExpr:
			if numericOperands(e.Op) {
				e.Val = hook(numberFunc, e.Val)
			}
			e.Op = g.operation(e.Op)
		case *hclsyntax.LiteralValueExpr:
			if d := checkLiteral(e.Val, e.SrcRange); d != nil {
				diags = append(diags, d)
			}
		case *hclsyntax.ScopeTraversalExpr:
			diags = append(diags, checkTraversalKeys(e.Traversal)...)
		case *hclsyntax.RelativeTraversalExpr:
			diags = append(diags, checkTraversalKeys(e.Traversal)...)
		}
	}
	return diags
}

// Literal is the value of an expression written as a constant: a number,
// a bool, or a string without interpolations. Such an expression has
// nothing to instrument and refers to nothing.
func Literal(e hclsyntax.Expression) (*hclsyntax.LiteralValueExpr, bool) {
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return e, true
	case *hclsyntax.TemplateExpr:
		if len(e.Parts) == 1 {
			lit, ok := e.Parts[0].(*hclsyntax.LiteralValueExpr)
			return lit, ok
		}
	}
	return nil, false
}

// hook wraps e in a call to the hook function name.
func hook(name string, e hclsyntax.Expression) hclsyntax.Expression {
	rng := e.Range()
	return &hclsyntax.FunctionCallExpr{
		Name:            name,
		Args:            []hclsyntax.Expression{e},
		NameRange:       rng,
		OpenParenRange:  rng,
		CloseParenRange: rng,
	}
}

func checkLiteral(v cty.Value, rng hcl.Range) *hcl.Diagnostic {
	if v.Type() != cty.Number || !v.IsKnown() || v.IsNull() {
		return nil
	}
	if err := checkNumber(v.AsBigFloat()); err != nil {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Number out of range", Detail: "This is " + err.Error() + ".", Subject: rng.Ptr()}
	}
	return nil
}

// checkTraversalKeys reports index keys written in a traversal (x["..."])
// too long to be converted to a number, as HCL would for a list.
func checkTraversalKeys(t hcl.Traversal) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, step := range t {
		if ix, ok := step.(hcl.TraverseIndex); ok {
			if err := CheckNumberText(ix.Key); err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid index", Detail: "This index is " + err.Error() + ".", Subject: ix.SrcRange.Ptr()})
			}
			if d := checkLiteral(ix.Key, ix.SrcRange); d != nil {
				diags = append(diags, d)
			}
		}
	}
	return diags
}

// operation returns op guarded: results are checked for range (a chain
// of multiplications reaches numbers of a billion digits), and comparisons
// of collections are counted by the elements compared.
func (g *Guard) operation(op *hclsyntax.Operation) *hclsyntax.Operation {
	if w, ok := g.ops[op]; ok {
		return w
	}
	f := op.Impl
	params := f.Params()
	equality := len(params) == 2 && params[0].Type == cty.DynamicPseudoType
	for i := range params {
		// cty would go through the operands looking for marks, which the
		// wrapped operation does again; The wrapped operation marks its result as cty does.
		params[i].AllowMarked = true
	}
	w := &hclsyntax.Operation{
		Type:         op.Type,
		ShortCircuit: op.ShortCircuit,
		Impl: function.New(&function.Spec{
			Description: f.Description(),
			Params:      params,
			// The operation's result type is fixed; asking the wrapped
			// function would go through the operands once more, even
			// once the budget is exhausted.
			Type: function.StaticReturnType(op.Type),
			Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
				if g.Quiet() {
					return cty.UnknownVal(ret), nil
				}
				stop0 := g.remaining() + 1
				var compared int64
				if equality {
					// Comparing collections goes through both, looking
					// for marks, then through the smaller comparing:
					// each element compared costs a few times going
					// through one.
					stop := g.remaining() + 1
					compared = 4 * min(elementCount(args[0], stop), elementCount(args[1], stop))
				}
				// cty goes through every level of both operands first.
				var walked int64
				for _, a := range args {
					walked += deepWork(a, stop0)
				}
				if err := g.charge(1, compared+walked, 0); err != nil {
					return cty.NilVal, err
				}
				res, err := f.Call(args)
				if err != nil {
					return cty.NilVal, err
				}
				if un, _ := res.Unmark(); un.Type() == cty.Number && un.IsKnown() && !un.IsNull() {
					if err := checkNumber(un.AsBigFloat()); err != nil {
						return cty.NilVal, fmt.Errorf("the result is %w", err)
					}
				}
				return res, nil
			},
		}),
	}
	if g.ops == nil {
		g.ops = map[*hclsyntax.Operation]*hclsyntax.Operation{}
	}
	g.ops[op] = w
	return w
}

// numericOperands reports whether op converts its operands to numbers,
// which takes time quadratic in the digits of a string.
func numericOperands(op *hclsyntax.Operation) bool {
	for _, p := range op.Impl.Params() {
		if p.Type == cty.Number {
			return true
		}
	}
	return false
}

// elementCount counts the values of v through every level, stopping past
// stop.
func elementCount(v cty.Value, stop int64) int64 {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
		return 0
	}
	n := int64(v.LengthInt())
	for it := v.ElementIterator(); it.Next() && n <= stop; {
		_, e := it.Element()
		n += elementCount(e, stop-n)
	}
	return n
}

// Constant evaluates an expression that may neither refer to anything nor
// call a function, such as a value of a variables file or of --var: only
// the hooks instrument added may be called.
func (g *Guard) Constant(expr hcl.Expression) (cty.Value, hcl.Diagnostics) {
	if se, ok := expr.(hclsyntax.Expression); ok {
		var call *hclsyntax.FunctionCallExpr
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			if c, ok := n.(*hclsyntax.FunctionCallExpr); ok && call == nil && !IsHook(c.Name) {
				call = c
			}
			return nil
		})
		if call != nil {
			return cty.DynamicVal, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Function calls not allowed",
				Detail:   "Functions may not be called here.",
				Subject:  call.Range().Ptr(),
			}}
		}
	}
	return expr.Value(&hcl.EvalContext{Functions: g.Hooks()})
}

func IsHook(name string) bool {
	return name == chargeFunc || name == keyFunc || name == numberFunc || name == tickFunc
}

// CheckNumbersToConvert refuses strings in v that converting v to ty would
// parse as numbers, when they are too long for that.
func CheckNumbersToConvert(v cty.Value, ty cty.Type) error {
	var walk func(v cty.Value, ty cty.Type, depth int) error
	walk = func(v cty.Value, ty cty.Type, depth int) error {
		v, _ = v.Unmark()
		if !v.IsKnown() || v.IsNull() || depth > 1000 {
			return nil
		}
		vt := v.Type()
		switch {
		case ty == cty.Number:
			return CheckNumberText(v)
		case ty.IsCollectionType() && v.CanIterateElements():
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if err := walk(e, ty.ElementType(), depth+1); err != nil {
					return err
				}
			}
		case ty.IsObjectType() && (vt.IsObjectType() || vt.IsMapType()):
			for name, at := range ty.AttributeTypes() {
				if vt.IsObjectType() && !vt.HasAttribute(name) {
					continue
				}
				if vt.IsMapType() && !v.HasIndex(cty.StringVal(name)).True() {
					continue
				}
				var e cty.Value
				if vt.IsObjectType() {
					e = v.GetAttr(name)
				} else {
					e = v.Index(cty.StringVal(name))
				}
				if err := walk(e, at, depth+1); err != nil {
					return err
				}
			}
		case ty.IsTupleType() && (vt.IsTupleType() || vt.IsListType()):
			etys := ty.TupleElementTypes()
			i := 0
			for it := v.ElementIterator(); it.Next() && i < len(etys); i++ {
				_, e := it.Element()
				if err := walk(e, etys[i], depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(v, ty, 0)
}

// unknownLike is an unknown value of v's type, with v's marks.
func unknownLike(v cty.Value) cty.Value {
	un, marks := v.Unmark()
	return cty.UnknownVal(un.Type()).WithMarks(marks)
}
