package funcs

import (
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// valueMark is the type of rtctl's go-cty value marks; a type of its own,
// so no other package's mark can be mistaken for one.
type valueMark string

// Sensitive marks a value that must not be shown or posted: a variable
// declared sensitive = true, a variable or local a calendar's url is
// computed from, every env() result, and (go-cty carries marks through
// every operation and function) everything computed from them. It is how
// a secret is followed through upper(), strrev() or regexall(), where
// matching its text could not. What a data source reads with such a value
// (a secret calendar's events) is not marked: it is the calendar's content,
// which the person means to post, as Terraform marks only what is derived
// from a sensitive value by expressions, not what a provider returns.
const Sensitive = valueMark("sensitive")

// SensitiveValue is how a marked value is shown, as Terraform shows it.
const SensitiveValue = "(sensitive value)"

// IsSensitive reports whether v, or anything inside it, is marked.
func IsSensitive(v cty.Value) bool {
	return v.HasMarkDeep(Sensitive)
}

// sensitiveFunc marks its argument: for a value the configuration knows
// to be secret although nothing else marks it.
var sensitiveFunc = function.New(&function.Spec{
	Description: "Marks a value as sensitive: it is never shown and cannot be posted.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return args[0].Mark(Sensitive), nil
	},
})

// nonsensitiveFunc takes the mark off, however deep: the configuration's
// explicit statement that a value derived from a secret may be shown and
// posted (a calendar address with its token replaced, say). It does not
// lift the check for rtctl's own credentials, which are found by their text.
var nonsensitiveFunc = function.New(&function.Spec{
	Description: "Removes the sensitive mark: the value may then be shown and posted.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, pvm := args[0].UnmarkDeepWithPaths()
		// Only rtctl's mark: another's (none today) is not ours to lift.
		var kept []cty.PathValueMarks
		for _, pm := range pvm {
			rest := cty.NewValueMarks()
			for m := range pm.Marks {
				if m != Sensitive {
					rest[m] = struct{}{}
				}
			}
			if len(rest) > 0 {
				kept = append(kept, cty.PathValueMarks{Path: pm.Path, Marks: rest})
			}
		}
		return v.MarkWithPaths(kept), nil
	},
})

// ShownValue is v with every marked part replaced by sentinel, which the
// caller turns into SensitiveValue once v is written out. Collections
// become tuples and objects: a sentinel string among numbers would not
// make a list.
func ShownValue(v cty.Value, sentinel string) cty.Value {
	if v.IsMarked() {
		return cty.StringVal(sentinel)
	}
	if !v.ContainsMarked() || !v.IsKnown() || v.IsNull() {
		return v
	}
	ty := v.Type()
	switch {
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var elems []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			elems = append(elems, ShownValue(e, sentinel))
		}
		return cty.TupleVal(elems)
	case ty.IsMapType() || ty.IsObjectType():
		attrs := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			attrs[k.AsString()] = ShownValue(e, sentinel)
		}
		return cty.ObjectVal(attrs)
	}
	return v
}
