package funcs

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// fastTo are the conversion functions, whose own conversion of a large
// tuple or object is quadratic.
var fastTo = map[string]func(args []cty.Value, f function.Function) (cty.Value, error){
	"tolist": fastToFunc(cty.List(cty.DynamicPseudoType)),
	"toset":  fastToFunc(cty.Set(cty.DynamicPseudoType)),
	"tomap":  fastToFunc(cty.Map(cty.DynamicPseudoType)),
}

func fastToFunc(want cty.Type) func(args []cty.Value, f function.Function) (cty.Value, error) {
	return func(args []cty.Value, f function.Function) (cty.Value, error) {
		if !bigStructural(args[0]) {
			return f.Call(args)
		}
		v, err := FastConvert(args[0], want, true)
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		return v, nil
	}
}

// fastThreshold is the size from which conversions take the linear path;
// below it, cty's own conversion (and its messages) are used.
const fastThreshold = 32

// bigStructural reports a known tuple or object of fastThreshold elements
// or more.
func bigStructural(v cty.Value) bool {
	ty := v.Type()
	return (ty.IsTupleType() && len(ty.TupleElementTypes()) >= fastThreshold ||
		ty.IsObjectType() && len(ty.AttributeTypes()) >= fastThreshold) &&
		v.IsKnown() && !v.IsNull() && !v.IsMarked()
}

// maxDistinctTypes bounds the element types FastConvert unifies.
const maxDistinctTypes = 64

// FastConvert converts v to ty as convert.Convert does (unsafe conversions
// allowed, as there), but a large tuple or object becoming a list, set or
// map costs time linear in its elements. cty unifies the element types of
// such a conversion by comparing every pair of them, even when the element
// type is given: a minute for 50,000 strings. Here each element is
// converted on its own, and for a collection of any type the element types
// are unified once per distinct type. unsafe unifies as the to* functions
// do; function arguments unify safely.
func FastConvert(v cty.Value, ty cty.Type, unsafe bool) (cty.Value, error) {
	if !bigStructural(v) || !(ty.IsListType() || ty.IsSetType() || ty.IsMapType()) {
		return convert.Convert(v, ty)
	}
	vt := v.Type()
	if ty.IsMapType() != vt.IsObjectType() {
		return convert.Convert(v, ty)
	}
	ety := ty.ElementType()
	if ety == cty.DynamicPseudoType {
		var distinct []cty.Type
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			et := e.Type()
			seen := false
			for _, d := range distinct {
				if d.Equals(et) {
					seen = true
					break
				}
			}
			if !seen {
				if len(distinct) == maxDistinctTypes {
					return cty.NilVal, fmt.Errorf("the elements have more than %d different types; a %s needs elements of one type", maxDistinctTypes, ty.FriendlyNameForConstraint())
				}
				distinct = append(distinct, et)
			}
		}
		switch {
		case len(distinct) == 1:
			ety = distinct[0]
		case unsafe:
			ety, _ = convert.UnifyUnsafe(distinct)
		default:
			ety, _ = convert.Unify(distinct)
		}
		if ety == cty.NilType || ety == cty.DynamicPseudoType {
			return cty.NilVal, fmt.Errorf("all elements must have the same type (or types that convert to one)")
		}
	}
	n := v.LengthInt()
	elems := make([]cty.Value, 0, n)
	var attrs map[string]cty.Value
	if ty.IsMapType() {
		attrs = make(map[string]cty.Value, n)
	}
	var first cty.Type
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		ce, err := FastConvert(e, ety, unsafe)
		if err != nil {
			return cty.NilVal, fmt.Errorf("element %s: %w", k.GoString(), err)
		}
		un, _ := ce.Unmark()
		if first == cty.NilType {
			first = un.Type()
		} else if !un.Type().Equals(first) {
			// Elements of an element type with "any" in it converted
			// to different types: only cty knows how to reconcile them.
			return convert.Convert(v, ty)
		}
		if attrs != nil {
			attrs[k.AsString()] = ce
		} else {
			elems = append(elems, ce)
		}
	}
	switch {
	case ty.IsListType():
		return cty.ListVal(elems), nil
	case ty.IsSetType():
		return cty.SetVal(elems), nil
	}
	return cty.MapVal(attrs), nil
}
