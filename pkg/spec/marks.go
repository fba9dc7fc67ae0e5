package spec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// valueMark is the type of rtctl's go-cty value marks; a type of its own,
// so no other package's mark can be mistaken for one.
type valueMark string

// sensitive marks a value that must not be shown or posted: a variable
// declared sensitive = true, a variable or local a calendar's url is
// computed from, every env() result, and (go-cty carries marks through
// every operation and function) everything computed from them. It is how
// a secret is followed through upper(), strrev() or regexall(), where
// matching its text could not. What a data source reads with such a value
// (a secret calendar's events) is not marked: it is the calendar's content,
// which the person means to post, as Terraform marks only what is derived
// from a sensitive value by expressions, not what a provider returns.
const sensitive = valueMark("sensitive")

// sensitiveValue is how a marked value is shown, as Terraform shows it.
const sensitiveValue = "(sensitive value)"

// isSensitive reports whether v, or anything inside it, is marked.
func isSensitive(v cty.Value) bool {
	return v.HasMarkDeep(sensitive)
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
		return args[0].Mark(sensitive), nil
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
				if m != sensitive {
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

// shownValue is v with every marked part replaced by sentinel, which the
// caller turns into sensitiveValue once v is written out. Collections
// become tuples and objects: a sentinel string among numbers would not
// make a list.
func shownValue(v cty.Value, sentinel string) cty.Value {
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
			elems = append(elems, shownValue(e, sentinel))
		}
		return cty.TupleVal(elems)
	case ty.IsMapType() || ty.IsObjectType():
		attrs := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			attrs[k.AsString()] = shownValue(e, sentinel)
		}
		return cty.ObjectVal(attrs)
	}
	return v
}
