package funcs

import (
	"errors"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/rtctl/rtctl/internal/secretscan"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// Wrap returns funcs with every function guarded by g: arguments
// that would make it build a result over the limits of one value are
// refused before it runs (setproduct multiplies the lengths first, join adds
// them up, format and replace bound their growth), every result is
// measured against those limits and counted against the evaluation budget,
// and lists, sets and maps are converted in linear time (cty's own
// conversion of a tuple of n elements compares their types pairwise:
// toset() of 50,000 strings took most of a minute).
func Wrap(funcs map[string]function.Function, g *Guard) map[string]function.Function {
	out := make(map[string]function.Function, len(funcs))
	for name, f := range funcs {
		out[name] = g.wrap(name, f)
	}
	return out
}

// argPlan is how the wrapper treats one parameter.
type argPlan int

const (
	argAsIs       argPlan = iota // HCL converts it, as for any function
	argCollection                // list, set or map: converted here in linear time
	argNumber                    // number: a string is checked for length, then converted here
)

func planFor(p function.Parameter) argPlan {
	ty := p.Type
	switch {
	case ty == cty.Number:
		return argNumber
	case ty.IsListType() || ty.IsSetType() || ty.IsMapType():
		return argCollection
	}
	return argAsIs
}

// wrapped is a function of the table guarded by g: what its wrapper needs
// to convert the arguments as the original parameters would have, and to
// check and charge the call.
type wrapped struct {
	g       *Guard
	name    string
	f       function.Function
	orig    []function.Parameter // the function's own parameters
	origVar *function.Parameter
	plans   []argPlan // of each of orig
	varPlan argPlan
	pre     precheck // nil when the function has none
}

func (g *Guard) wrap(name string, f function.Function) function.Function {
	w := &wrapped{g: g, name: name, f: f, orig: f.Params(), origVar: f.VarParam(), pre: prechecks[name]}
	// The wrapper's parameters allow marks: cty looks for them by going
	// through every argument, which the wrapped function does again (and
	// a set is sorted each time). The wrapped function's own parameters
	// say whether it sees them, and cty marks its result.
	params := f.Params()
	w.plans = make([]argPlan, len(params))
	for i := range params {
		w.plans[i] = planFor(params[i])
		if w.plans[i] != argAsIs {
			params[i].Type = cty.DynamicPseudoType
		}
		params[i].AllowMarked = true
	}
	varParam := f.VarParam()
	if varParam != nil {
		w.varPlan = planFor(*varParam)
		if w.varPlan != argAsIs {
			varParam.Type = cty.DynamicPseudoType
		}
		varParam.AllowMarked = true
	}
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      params,
		VarParam:    varParam,
		// The result's type is the wrapped function's to decide when it
		// runs: asking it here too would go through the arguments once
		// more. Unknown arguments (only ever there after an error) then
		// give an unknown of any type, which HCL takes as well.
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: w.call,
	})
}

// prepare converts the arguments as HCL would have for the original
// parameters, the expensive cases in linear time, and runs the precheck.
func (w *wrapped) prepare(args []cty.Value) ([]cty.Value, error) {
	out, copied := args, false
	for i, a := range args {
		plan, p := w.varPlan, w.origVar
		if i < len(w.orig) {
			plan, p = w.plans[i], &w.orig[i]
		}
		if plan == argAsIs || a.IsNull() {
			continue
		}
		if plan == argNumber {
			if err := CheckNumberText(a); err != nil {
				return nil, function.NewArgError(i, err)
			}
		}
		c, err := FastConvert(a, p.Type, false)
		if err != nil {
			return nil, function.NewArgError(i, err)
		}
		if !copied {
			out, copied = append([]cty.Value(nil), args...), true
		}
		out[i] = c
	}
	// Before the type too: jsondecode decodes its argument to find its
	// result type.
	if w.pre != nil && allKnown(out) {
		if err := w.pre(w.g.limits, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// call is the wrapper's Impl: it charges the call and the work of going
// through its arguments, calls the function, and checks and charges its
// result.
func (w *wrapped) call(args []cty.Value, ret cty.Type) (cty.Value, error) {
	g := w.g
	if g.Quiet() {
		return cty.UnknownVal(ret), nil
	}
	args, err := w.prepare(args)
	if err != nil {
		return cty.NilVal, err
	}
	// Calling it goes through every level of its arguments (cty looks for
	// marks), then the function goes through them.
	var work, inBytes int64
	stop := g.remaining() + 1
	for _, a := range args {
		e, b := shallowSize(a)
		work += e + deepWork(a, stop-work)
		inBytes += b
	}
	// Its input's text is not produced, only gone through.
	if err := g.charge(1, work+inBytes/elementsPerStep, 0); err != nil {
		return cty.NilVal, err
	}
	var res cty.Value
	if fast, ok := fastTo[w.name]; ok {
		res, err = fast(args, w.f)
	} else {
		res, err = w.f.Call(args)
	}
	if err != nil {
		return cty.NilVal, quietError(err, args)
	}
	size, err := g.CheckValue(res, "the result")
	if err != nil {
		return cty.NilVal, err
	}
	if err := g.charge(0, size.work, size.bytes); err != nil {
		return cty.NilVal, err
	}
	return res, nil
}

// allKnown reports whether every argument is known and not null, as the
// prechecks need.
func allKnown(args []cty.Value) bool {
	for _, a := range args {
		if !a.IsKnown() || a.IsNull() {
			return false
		}
	}
	return true
}

// quietError is err, unless it may show a sensitive argument: a
// function's message may quote its argument ("... is not a date"), and HCL
// prints it. A message that quotes nothing and holds no text of a sensitive
// argument (a collection was required, say) stays, as it helps.
func quietError(err error, args []cty.Value) error {
	var le *limits.Error
	if errors.As(err, &le) {
		return err
	}
	var texts secretscan.Set
	total, marked := 0, false
	for _, a := range args {
		if !IsSensitive(a) {
			continue
		}
		marked = true
		set := map[string]bool{}
		addSensitiveText(set, a)
		for t := range set {
			total += len(t)
			texts.Add(t)
		}
	}
	if !marked {
		return err
	}
	msg := err.Error()
	// Beyond a size, looking is not worth it: the message goes. So does
	// one that quotes anything (a character of the value, say).
	if total <= maxSensitiveScan && !strings.ContainsAny(msg, "\"'`") && !texts.Contains(msg) {
		return err
	}
	quiet := "it failed on a sensitive argument, and its message could show it, so it is not shown"
	var ae function.ArgError
	if errors.As(err, &ae) {
		return function.NewArgErrorf(ae.Index, "%s", quiet)
	}
	return errors.New(quiet)
}

// maxSensitiveScan bounds the text of sensitive arguments quietError
// looks for in a message.
const maxSensitiveScan = 64 << 10

// addSensitiveText adds the text of every marked part of v, however deep:
// strings, and numbers and bools as a message would write them.
func addSensitiveText(set map[string]bool, v cty.Value) {
	un, pvm := v.UnmarkDeepWithPaths()
	for _, pm := range pvm {
		if _, ok := pm.Marks[Sensitive]; !ok {
			continue
		}
		part, err := pm.Path.Apply(un)
		if err != nil {
			continue
		}
		_ = cty.Walk(part, func(_ cty.Path, val cty.Value) (bool, error) {
			if !val.IsKnown() || val.IsNull() {
				return false, nil
			}
			switch val.Type() {
			case cty.String:
				set[val.AsString()] = true
			case cty.Number:
				set[val.AsBigFloat().Text('f', -1)] = true
			}
			return true, nil
		})
	}
}
