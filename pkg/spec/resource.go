package spec

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// metaArguments are accepted by every resource block.
var metaArguments = []hcl.AttributeSchema{{Name: "for_each"}, {Name: "count"}}

// resourceBlock is an offline_time, highlight or focus_session block before
// expansion: its attributes are evaluated once per instance.
type resourceBlock struct {
	Kind, Name string
	Attrs      hcl.Attributes
	ForEach    *hcl.Attribute
	Count      *hcl.Attribute
	DeclRange  hcl.Range
	// PostChanges is lifecycle { on_change = "post" }.
	PostChanges bool
	// bad holds attributes whose references were already reported invalid,
	// so they are not evaluated into a second, vaguer error.
	bad map[string]bool
}

func withMeta(s *hcl.BodySchema) *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: append(append([]hcl.AttributeSchema{}, s.Attributes...), metaArguments...), Blocks: s.Blocks}
}

// decodeResourceBlock decodes a resource block; schema is its kind's,
// withMeta.
func decodeResourceBlock(block *hcl.Block, schema *hcl.BodySchema, sc scope) (*resourceBlock, hcl.Diagnostics) {
	rb := &resourceBlock{
		Kind:      block.Type,
		Name:      block.Labels[0],
		DeclRange: block.DefRange,
	}
	diags := checkName(block.Type, rb.Name, block.LabelRanges[0])
	content, more := block.Body.Content(schema)
	diags = append(diags, more...)
	rb.Attrs = content.Attributes
	var lifecycleDiags hcl.Diagnostics
	rb.PostChanges, lifecycleDiags = decodeLifecycle(content.Blocks)
	diags = append(diags, lifecycleDiags...)
	rb.ForEach = content.Attributes["for_each"]
	rb.Count = content.Attributes["count"]
	delete(rb.Attrs, "for_each")
	delete(rb.Attrs, "count")
	if rb.ForEach != nil && rb.Count != nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  `Invalid combination of "count" and "for_each"`,
			Detail:   `The "count" and "for_each" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of items to create.`,
			Subject:  rb.Count.NameRange.Ptr(),
		})
		rb.Count = nil
	}
	sc.what = "a " + rb.Kind + " block"
	for _, meta := range []*hcl.Attribute{rb.ForEach, rb.Count} {
		if meta != nil {
			if refDiags := checkReferences(meta.Expr.Variables(), sc); len(refDiags) > 0 {
				diags = append(diags, refDiags...)
				rb.markBad(meta.Name)
			}
		}
	}
	sc.each = rb.ForEach != nil
	sc.count = rb.Count != nil
	for name, a := range rb.Attrs {
		if se, ok := a.Expr.(hclsyntax.Expression); ok {
			if _, ok := funcs.Literal(se); ok {
				continue // refers to nothing
			}
		}
		if refDiags := checkReferences(a.Expr.Variables(), sc); len(refDiags) > 0 {
			diags = append(diags, refDiags...)
			rb.markBad(name)
		}
	}
	return rb, diags
}

// markBad records that the named attribute was reported as invalid.
func (rb *resourceBlock) markBad(name string) {
	if rb.bad == nil {
		rb.bad = map[string]bool{}
	}
	rb.bad[name] = true
}

// attr returns the named attribute, or nil when it is absent or was already
// reported as invalid.
func (rb *resourceBlock) attr(name string) *hcl.Attribute {
	if rb.bad[name] {
		return nil
	}
	return rb.Attrs[name]
}

// instance is one expansion of a resource block.
type instance struct {
	Address string
	ctx     *hcl.EvalContext
}

// expansion is what expanding a block must respect.
type expansion struct {
	// maxInstances bounds one block's expansion, so a runaway count
	// cannot exhaust memory before anything is reported.
	maxInstances int
	// holdsSecret reports a key holding a credential: addresses are
	// printed and journaled.
	holdsSecret func(string) bool
}

// expand evaluates for_each or count and returns one instance per element,
// in key order, each with its own each/count symbols.
func (rb *resourceBlock) expand(ctx *hcl.EvalContext, x expansion) ([]instance, hcl.Diagnostics) {
	switch {
	case rb.ForEach != nil:
		return rb.expandForEach(ctx, x)
	case rb.Count != nil:
		return rb.expandCount(ctx, x)
	}
	return []instance{{Address: address(rb.Kind, rb.Name, instanceKey{}), ctx: ctx}}, nil
}

func (rb *resourceBlock) expandForEach(ctx *hcl.EvalContext, x expansion) ([]instance, hcl.Diagnostics) {
	if rb.bad["for_each"] {
		return nil, nil
	}
	a := rb.ForEach
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return nil, diags
	}
	// Keys become addresses, which every plan and journal shows. A
	// set's elements are its keys: cty marks the set for a marked one.
	if v.IsMarked() {
		return nil, append(diags, sensitiveAttr(a))
	}
	invalid := func(detail string) ([]instance, hcl.Diagnostics) {
		return nil, append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Invalid for_each argument",
			Detail:      detail,
			Subject:     a.Expr.Range().Ptr(),
			Expression:  a.Expr,
			EvalContext: ctx,
		})
	}
	ty := v.Type()
	switch {
	case v.IsNull():
		return invalid(`The given "for_each" argument value is null. A map, or set of strings, is allowed.`)
	case ty.IsMapType() || ty.IsObjectType():
	case ty.IsSetType():
		if !ty.ElementType().Equals(cty.String) {
			return invalid(fmt.Sprintf(`The given "for_each" argument value is unsuitable: "for_each" supports maps and sets of strings, but you have provided a set containing type %s.`, ty.ElementType().FriendlyName()))
		}
	default:
		return invalid(fmt.Sprintf(`The given "for_each" argument value is unsuitable: the "for_each" argument must be a map, or set of strings, and you have provided a value of type %s. Convert a list to a set with toset(), or build a map with a for expression.`, ty.FriendlyName()))
	}
	if n := v.LengthInt(); n > x.maxInstances {
		d := limits.Diag("MaxInstances", int64(x.maxInstances), "Too many instances",
			fmt.Sprintf("The for_each value has %d elements; at most %d are allowed per block.", n, x.maxInstances), a.Expr.Range().Ptr())
		return nil, append(diags, d)
	}
	out := make([]instance, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, val := it.Element()
		if ty.IsSetType() {
			if k.IsNull() {
				return invalid(`The given "for_each" argument value is unsuitable: a set of strings must not contain null.`)
			}
			val = k
		}
		if x.holdsSecret != nil && x.holdsSecret(k.AsString()) {
			return nil, append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Credential in for_each key",
				Detail:   "A key of this for_each value contains one of rtctl's credentials (the API key, an access token or the client secret). Keys are part of the items' addresses, which every plan shows. Check where the value comes from.",
				Subject:  a.Expr.Range().Ptr(),
			})
		}
		key := instanceKey{kind: stringKey, str: k.AsString()}
		child := ctx.NewChild()
		child.Variables = key.variables(val)
		out = append(out, instance{Address: address(rb.Kind, rb.Name, key), ctx: child})
	}
	return out, diags
}

func (rb *resourceBlock) expandCount(ctx *hcl.EvalContext, x expansion) ([]instance, hcl.Diagnostics) {
	if rb.bad["count"] {
		return nil, nil
	}
	a := rb.Count
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return nil, diags
	}
	// The number of items is shown, and a count computed from a secret
	// says something about it (its length, say).
	if funcs.IsSensitive(v) {
		return nil, append(diags, sensitiveAttr(a))
	}
	invalid := func(detail string) ([]instance, hcl.Diagnostics) {
		return nil, append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Invalid count argument",
			Detail:      detail,
			Subject:     a.Expr.Range().Ptr(),
			Expression:  a.Expr,
			EvalContext: ctx,
		})
	}
	if v.IsNull() {
		return invalid(`The given "count" argument value is null. An integer is required.`)
	}
	if err := funcs.CheckNumberText(v); err != nil {
		return invalid(fmt.Sprintf(`The given "count" argument value is unsuitable: %s.`, err))
	}
	nv, err := convert.Convert(v, cty.Number)
	if err != nil {
		return invalid(fmt.Sprintf(`The given "count" argument value is unsuitable: %s.`, err))
	}
	n, acc := nv.AsBigFloat().Int64()
	switch {
	case acc != 0 || !nv.AsBigFloat().IsInt():
		return invalid(`The given "count" argument value is unsuitable: it must be a whole number.`)
	case n < 0:
		return invalid(`The given "count" argument value is unsuitable: it must not be negative.`)
	case n > int64(x.maxInstances):
		return nil, append(diags, limits.Diag("MaxInstances", int64(x.maxInstances), "Too many instances",
			fmt.Sprintf("The count is %d; at most %d instances are allowed per block.", n, x.maxInstances), a.Expr.Range().Ptr()))
	}
	out := make([]instance, 0, n)
	for i := 0; i < int(n); i++ {
		key := instanceKey{kind: intKey, index: i}
		child := ctx.NewChild()
		child.Variables = key.variables(cty.NilVal)
		out = append(out, instance{Address: address(rb.Kind, rb.Name, key), ctx: child})
	}
	return out, diags
}

// sortByRange orders xs by where they are written: file, then offset.
func sortByRange[T any](xs []T, rng func(T) hcl.Range) {
	sort.SliceStable(xs, func(i, j int) bool {
		a, b := rng(xs[i]), rng(xs[j])
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
}

var lifecycleSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "on_change"}}}

// decodeLifecycle reads a resource's lifecycle block: on_change says what
// to do with a changed version of an item rtctl posted. The API can neither
// update nor delete, so "hold" (the default) waits for a person; "post"
// posts it, for sources where that is always what is wanted. It is a
// literal, as Terraform's lifecycle arguments are: it decides how every
// instance is planned, before any is evaluated.
func decodeLifecycle(blocks hcl.Blocks) (post bool, diags hcl.Diagnostics) {
	for i, b := range blocks {
		if i > 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate lifecycle block",
				Detail:   "A resource has at most one lifecycle block.",
				Subject:  b.DefRange.Ptr(),
			})
			continue
		}
		content, more := b.Body.Content(lifecycleSchema)
		diags = append(diags, more...)
		a, ok := content.Attributes["on_change"]
		if !ok {
			continue
		}
		v, vd := a.Expr.Value(nil)
		if vd.HasErrors() || v.Type() != cty.String || v.IsNull() {
			diags = append(diags, attrError(a, "Invalid on_change", `on_change must be the literal "hold" (the default: a changed item waits for apply --replace) or "post" (post changed items, leaving the old ones in the account).`))
			continue
		}
		switch v.AsString() {
		case "hold":
		case "post":
			post = true
		default:
			diags = append(diags, attrError(a, "Invalid on_change", `on_change must be "hold" (the default: a changed item waits for apply --replace) or "post" (post changed items, leaving the old ones in the account).`))
		}
	}
	return post, diags
}
