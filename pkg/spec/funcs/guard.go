package funcs

import (
	"fmt"
	"math/big"
	"math/bits"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// Guard enforces the evaluation limits of one load: the size of every value
// a function or operator produces, and the evaluation budget, the values
// and text all expressions produce together. HCL evaluates expressions with
// no notion of cost: a for expression over a for expression over a
// thousand-element list builds a billion values, a template repeating a
// local doubles it, and none of it passes through rtctl's code unless
// something makes it. Functions are wrapped (Wrap), and the
// parsed syntax is instrumented (instrument) so that each template part,
// each for expression iteration and each operation is counted here.
type Guard struct {
	limits limits.Limits
	steps  int64 // taken so far, against limits.MaxEvalSteps
	walked int64 // elements gone through; elementsPerStep of them are a step
	bytes  int64 // of text produced so far, against limits.MaxEvalBytes
	// exceeded is the first budget error: every later charge fails with
	// it, so evaluation winds down quickly.
	exceeded *limits.Error
	ops      map[*hclsyntax.Operation]*hclsyntax.Operation // guarded versions
	contexts []*hcl.EvalContext                            // to blank once exhausted
}

func NewGuard(lim limits.Limits) *Guard { return &Guard{limits: lim} }

// Limits are the limits g enforces.
func (g *Guard) Limits() limits.Limits { return g.limits }

// Exceeded is the first budget error, nil while the budget holds.
func (g *Guard) Exceeded() *limits.Error { return g.exceeded }

// Reset gives g a fresh budget: the console evaluates one expression after
// another, and one that exhausts the budget must not blank the scope for
// the next.
func (g *Guard) Reset() {
	g.steps, g.walked, g.bytes, g.exceeded, g.contexts = 0, 0, 0, nil, nil
}

// elementsPerStep is how many elements a function or comparison goes
// through for the cost of one step (an iteration, a call): cty goes
// through an element of an argument in about a microsecond (looking for
// marks, taking them off, then the function's own work), HCL iterates in
// two or three.
const elementsPerStep = 3

// charge counts steps, elements gone through and bytes of text produced
// against the budget. The call that exhausts it gets the error; once it is
// exhausted, the hooks and wrapped functions return unknown values instead
// (see quiet), so that what is left of the evaluation, a billion
// iterations of a for expression say, winds down in no time and without a
// diagnostic each.
func (g *Guard) charge(steps, elements, bytes int64) error {
	if g.exceeded != nil {
		return g.exceeded
	}
	g.steps += steps
	g.walked += elements
	g.bytes += bytes
	switch {
	case g.steps+g.walked/elementsPerStep > g.limits.MaxEvalSteps:
		g.exceeded = limits.NewError("MaxEvalSteps", g.limits.MaxEvalSteps,
			"the configuration's expressions have taken more than %d steps, the most one load may take; look for for expressions nested over large collections", g.limits.MaxEvalSteps)
	case g.bytes > g.limits.MaxEvalBytes:
		g.exceeded = limits.NewError("MaxEvalBytes", g.limits.MaxEvalBytes,
			"the configuration's expressions have produced more than %d bytes of text, the most one load may produce; look for text repeated or joined in loops", g.limits.MaxEvalBytes)
	}
	if g.exceeded != nil {
		g.blank()
		return g.exceeded
	}
	return nil
}

// Track registers ctx, so that once the budget is exhausted its variables
// can be blanked (see blank). It returns ctx.
func (g *Guard) Track(ctx *hcl.EvalContext) *hcl.EvalContext {
	g.contexts = append(g.contexts, ctx)
	return ctx
}

// blank makes every variable of the tracked contexts unknown. HCL goes on
// with the iterations of every for expression it has started, whatever
// the functions it calls return, and cty goes through every argument of a
// call before the function can decline: with var, local and data unknown,
// what is left to evaluate refers to nothing large.
func (g *Guard) blank() {
	for _, ctx := range g.contexts {
		for name := range ctx.Variables {
			ctx.Variables[name] = cty.DynamicVal
		}
	}
	g.contexts = nil
}

// Quiet reports whether the budget is exhausted and evaluation should only
// wind down.
func (g *Guard) Quiet() bool { return g.exceeded != nil }

// chargeCall counts a call of a hook with v: a step, going through every
// level of v (which cty does for every argument of every call), and v's
// text.
func (g *Guard) chargeCall(v cty.Value) error {
	_, bytes := shallowSize(v)
	return g.charge(1, deepWork(v, g.remaining()+1), bytes)
}

// shallowSize is what going through v's direct elements costs, in
// elements (see setWeight), and its text.
func shallowSize(v cty.Value) (elements, bytes int64) {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return 0, 0
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return 0, int64(len(v.AsString()))
	case ty.IsSetType():
		return setWeight(v.LengthInt()), 0
	case ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType():
		return int64(v.LengthInt()), 0
	}
	return 0, 0
}

// setWeight is what going through a set of n elements costs, in elements
// of a list: cty sorts a set each time it goes through it.
func setWeight(n int) int64 {
	return int64(n) * int64(bits.Len(uint(n)))
}

// remaining is how many elements can still be gone through within the
// budget, as a bound for measuring what a call costs.
func (g *Guard) remaining() int64 {
	return max((g.limits.MaxEvalSteps-g.steps)*elementsPerStep-g.walked, 0)
}

// deepWork is what going through every level of v costs, in elements (see
// setWeight), counting no further than stop: cty does so for every
// argument of every function call, to look for marks.
func deepWork(v cty.Value, stop int64) int64 {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
		return 0
	}
	n := v.LengthInt()
	work := int64(n)
	ty := v.Type()
	if ty.IsSetType() {
		work = setWeight(n)
	}
	if (ty.IsCollectionType() && ty.ElementType().IsPrimitiveType()) || work > stop {
		// Nothing below to count, and going through a set to find so
		// would sort it once more.
		return work
	}
	for it := v.ElementIterator(); it.Next() && work <= stop; {
		_, e := it.Element()
		work += deepWork(e, stop-work)
	}
	return work
}

// CheckValue reports a value larger than the limits of one value: nested
// deeper than MaxNesting, with more than MaxValueElements elements or
// MaxValueBytes of text, or holding a number too large to print. It stops
// at the first limit reached, so its cost is bounded by the limits too.
// what names the value in the message ("the result", "local.x").
func (g *Guard) CheckValue(v cty.Value, what string) (valueSize, error) {
	w := sizeWalk{limits: g.limits}
	w.walk(v, 0)
	if w.err != nil {
		return w.size, w.err(what)
	}
	return w.size, nil
}

// valueSize is what a value holds, through every level.
type valueSize struct {
	elements int64 // values below the top
	bytes    int64 // of strings and map keys
	work     int64 // going through them, in elements (see setWeight)
}

type sizeWalk struct {
	limits limits.Limits
	size   valueSize
	err    func(what string) error // the first limit reached
}

func (w *sizeWalk) walk(v cty.Value, depth int) {
	if w.err != nil {
		return
	}
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		w.size.bytes += int64(len(v.AsString()))
	case ty == cty.Number:
		if err := checkNumber(v.AsBigFloat()); err != nil {
			w.err = func(what string) error { return fmt.Errorf("%s holds %w", what, err) }
			return
		}
	case ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType():
		if depth >= w.limits.MaxNesting {
			max := w.limits.MaxNesting
			w.err = func(what string) error {
				return limits.NewError("MaxNesting", int64(max), "%s nests more than %d levels deep", what, max)
			}
			return
		}
		n := v.LengthInt()
		w.size.elements += int64(n)
		w.size.work += int64(n)
		if ty.IsSetType() {
			w.size.work += setWeight(n) - int64(n)
		}
		if w.overLimit() {
			return
		}
		mapKeys := ty.IsMapType()
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if mapKeys {
				w.size.bytes += int64(len(k.AsString()))
			}
			w.walk(e, depth+1)
			if w.err != nil || w.overLimit() {
				return
			}
		}
	}
	w.overLimit()
}

// overLimit records, and reports, a size over the limits of one value.
func (w *sizeWalk) overLimit() bool {
	if w.err != nil {
		return true
	}
	switch l := w.limits; {
	case w.size.elements > int64(l.MaxValueElements):
		w.err = func(what string) error {
			return limits.NewError("MaxValueElements", int64(l.MaxValueElements), "%s holds more than %d elements, the most one value may hold", what, l.MaxValueElements)
		}
	case w.size.bytes > l.MaxValueBytes:
		w.err = func(what string) error {
			return limits.NewError("MaxValueBytes", l.MaxValueBytes, "%s holds more than %d bytes of text, the most one value may hold", what, l.MaxValueBytes)
		}
	}
	return w.err != nil
}

// maxNumberExponent bounds the binary exponent of numbers, to about
// ±10^1000: big.Float holds numbers of a billion digits, and printing one
// (in a template, or as a string) would take gigabytes.
const maxNumberExponent = 3322

// maxNumberText bounds the text of a number converted from a string: the
// conversion takes time quadratic in the digits, a minute for a few
// megabytes of them.
const maxNumberText = 4096

func checkNumber(f *big.Float) error {
	if f.IsInf() || f.Sign() == 0 {
		return nil
	}
	if exp := f.MantExp(nil); exp > maxNumberExponent || exp < -maxNumberExponent {
		return fmt.Errorf("a number too large or too small (numbers must lie between 1e-1000 and 1e1000 in size)")
	}
	return nil
}

// CheckNumberText refuses a string too long to convert to a number.
func CheckNumberText(v cty.Value) error {
	v, _ = v.Unmark()
	if v.IsKnown() && !v.IsNull() && v.Type() == cty.String && len(v.AsString()) > maxNumberText {
		return fmt.Errorf("a string of %d characters is too long to be a number (at most %d)", len(v.AsString()), maxNumberText)
	}
	return nil
}
