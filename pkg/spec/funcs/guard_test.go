package funcs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// small are limits low enough that a test expression reaches each of them
// in a few characters, and far enough apart that it reaches only one.
func small() limits.Limits {
	l := limits.Default()
	l.MaxEvalSteps = 500
	l.MaxEvalBytes = 4000
	l.MaxValueElements = 100
	l.MaxValueBytes = 1000
	l.MaxReadFileBytes = 10
	l.MaxDateRange = 5
	l.MaxNesting = 8
	return l
}

// evaluate evaluates expr with the table wrapped by a guard of lim, as the
// loader does: the limit it reached ("" for none) and the text of its
// errors ("" for none).
func evaluate(t *testing.T, lim limits.Limits, dir, expr string) (limit, plain string) {
	t.Helper()
	e, diags := hclsyntax.ParseExpression([]byte(expr), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse %s: %s", expr, diags)
	}
	g := NewGuard(lim)
	fns := Wrap(Table(confdir.NewPolicy(dir, nil, nil, nil), func(string) string { return "" }, lim), g)
	for name, f := range g.Hooks() {
		fns[name] = f
	}
	if d := g.Instrument(e); d.HasErrors() {
		return limitOf(d), d.Error()
	}
	_, diags = e.Value(g.Track(&hcl.EvalContext{Functions: fns}))
	if le := g.Exceeded(); le != nil {
		return le.Limit, ""
	}
	if diags.HasErrors() {
		return limitOf(diags), diags.Error()
	}
	return "", ""
}

// limitOf is the limit a diagnostic's function error names, "" for none.
func limitOf(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if x, ok := d.Extra.(hclsyntax.FunctionCallDiagExtra); ok {
			var le *limits.Error
			if errors.As(x.FunctionCallError(), &le) {
				return le.Limit
			}
		}
		if le, ok := d.Extra.(*limits.Exceeded); ok {
			return le.Limit
		}
	}
	return ""
}

// TestEvaluationGuards reaches each limit the function table guards, with
// an expression just under it beside one just over: the guard must stop
// the one and let the other through, naming the limit people raise with
// --limit (limits.Name).
func TestEvaluationGuards(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ten.txt"), []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "eleven.txt"), []byte("0123456789a"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		limit       string // the Limits field
		tune        func(*limits.Limits)
		under, over string // expressions just under and over it
		// plain is the error over gives when it names no limit: file()
		// refuses a large file with a plain error (no --limit hint).
		plain string
	}{
		{limit: "MaxEvalSteps", under: `[for i in range(10) : i]`, over: `[for i in range(60) : [for j in range(60) : j]]`},
		{limit: "MaxEvalBytes", tune: func(l *limits.Limits) { l.MaxValueBytes = 1 << 20 },
			under: `[for i in range(3) : format("%900s", "x")]`, over: `[for i in range(5) : format("%900s", "x")]`},
		{limit: "MaxValueElements", under: `range(50)`, over: `range(101)`},
		{limit: "MaxValueBytes", under: `format("%990s", "x")`, over: `format("%1001s", "x")`},
		{limit: "MaxReadFileBytes", under: `file("ten.txt")`, over: `file("eleven.txt")`, plain: "larger than the limit of 10 bytes"},
		{limit: "MaxDateRange", under: `daterange("2026-11-01", "2026-11-05")`, over: `daterange("2026-11-01", "2026-11-06")`},
		{limit: "MaxNesting", under: `jsondecode("[[[1]]]")`, over: `jsondecode("[[[[[[[[[[1]]]]]]]]]]")`},
	}
	for _, tt := range tests {
		t.Run(tt.limit, func(t *testing.T) {
			lim := small()
			if tt.tune != nil {
				tt.tune(&lim)
			}
			if got, err := evaluate(t, lim, dir, tt.under); got != "" || err != "" {
				t.Errorf("%s reached %q (%s), want no limit", tt.under, got, err)
			}
			got, err := evaluate(t, lim, dir, tt.over)
			if tt.plain != "" {
				if got != "" || !strings.Contains(err, tt.plain) {
					t.Errorf("%s reached %q (%s), want an error saying %q", tt.over, got, err, tt.plain)
				}
				return
			}
			if got != tt.limit {
				t.Errorf("%s reached %q (%s), want %s", tt.over, got, err, tt.limit)
			}
		})
	}
}

// TestPrechecks runs each function's precheck on arguments just under and
// just over what it lets through: a precheck refuses before the function
// builds anything, so a result over the limits of one value is never
// built at all.
func TestPrechecks(t *testing.T) {
	str := cty.StringVal
	list := func(n int) cty.Value {
		vs := make([]cty.Value, n)
		for i := range vs {
			vs[i] = cty.NumberIntVal(int64(i))
		}
		return cty.TupleVal(vs)
	}
	strs := func(n int, s string) cty.Value {
		vs := make([]cty.Value, n)
		for i := range vs {
			vs[i] = str(s)
		}
		return cty.TupleVal(vs)
	}
	obj := func(n int) cty.Value {
		m := map[string]cty.Value{}
		for i := range n {
			m[strings.Repeat("k", i+1)] = cty.True
		}
		return cty.ObjectVal(m)
	}
	num := str(strings.Repeat("9", maxNumberText))
	tests := []struct {
		fn          string
		limit       string // the Limits field the refusal names; "" for a plain error
		under, over []cty.Value
	}{
		{"setproduct", "MaxValueElements", []cty.Value{list(5), list(6)}, []cty.Value{list(10), list(10)}},
		{"concat", "MaxValueElements", []cty.Value{list(50), list(50)}, []cty.Value{list(50), list(51)}},
		{"merge", "MaxValueElements", []cty.Value{obj(50), obj(50)}, []cty.Value{obj(60), obj(41)}},
		{"setunion", "MaxValueElements", []cty.Value{list(50), list(50)}, []cty.Value{list(60), list(41)}},
		{"flatten", "MaxValueElements", []cty.Value{cty.TupleVal([]cty.Value{list(50), list(50)})}, []cty.Value{cty.TupleVal([]cty.Value{list(50), list(51)})}},
		{"chunklist", "MaxValueElements", []cty.Value{list(80), cty.NumberIntVal(10)}, []cty.Value{list(100), cty.NumberIntVal(1)}},
		{"join", "MaxValueBytes", []cty.Value{str(","), strs(10, "abcdefghi")}, []cty.Value{str(","), strs(100, "abcdefghij")}},
		{"format", "MaxValueBytes", []cty.Value{str("%s%s"), str(strings.Repeat("a", 400)), str("b")}, []cty.Value{str("%s%s"), str(strings.Repeat("a", 600)), str(strings.Repeat("b", 600))}},
		{"formatlist", "MaxValueBytes", []cty.Value{str("%s"), strs(10, "abc")}, []cty.Value{str("%s!"), strs(90, "abcdefghijklmnop")}},
		{"indent", "MaxValueBytes", []cty.Value{cty.NumberIntVal(2), str("a\nb\nc")}, []cty.Value{cty.NumberIntVal(100), str(strings.Repeat("\n", 20))}},
		{"replace", "MaxValueBytes", []cty.Value{str("aaaa"), str("a"), str("bb")}, []cty.Value{str(strings.Repeat("a", 100)), str("a"), str(strings.Repeat("b", 20))}},
		{"regexreplace", "MaxValueBytes", []cty.Value{str("aaaa"), str("a"), str("bb")}, []cty.Value{str(strings.Repeat("a", 100)), str("a"), str(strings.Repeat("b", 20))}},
		{"regexall", "MaxValueElements", []cty.Value{str("a"), str(strings.Repeat("a", 50))}, []cty.Value{str("a"), str(strings.Repeat("a", 101))}},
		{"split", "MaxValueElements", []cty.Value{str(","), str(strings.Repeat(",", 50))}, []cty.Value{str(","), str(strings.Repeat(",", 100))}},
		{"jsondecode", "MaxNesting", []cty.Value{str("[[1]]")}, []cty.Value{str(strings.Repeat("[", 9) + strings.Repeat("]", 9))}},
		{"csvdecode", "MaxValueElements", []cty.Value{str("a,b\n1,2")}, []cty.Value{str(strings.Repeat("a,", 100))}},
		{"jsonencode", "MaxValueBytes", []cty.Value{strs(10, "abc")}, []cty.Value{strs(100, "abcdefghij")}},
		{"tonumber", "", []cty.Value{str("12345")}, []cty.Value{str(strings.Repeat("9", maxNumberText+1))}},
		{"parseint", "", []cty.Value{num, cty.NumberIntVal(10)}, []cty.Value{str(num.AsString() + "9"), cty.NumberIntVal(10)}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.fn] = true
		t.Run(tt.fn, func(t *testing.T) {
			pre := prechecks[tt.fn]
			if pre == nil {
				t.Fatalf("no precheck for %s", tt.fn)
			}
			if err := pre(small(), tt.under); err != nil {
				t.Errorf("under the limit: %v", err)
			}
			err := pre(small(), tt.over)
			if err == nil {
				t.Fatal("over the limit: no error")
			}
			var le *limits.Error
			switch {
			case tt.limit == "" && errors.As(err, &le):
				t.Errorf("over: %v names %s, want a plain error", err, le.Limit)
			case tt.limit != "" && (!errors.As(err, &le) || le.Limit != tt.limit):
				t.Errorf("over: %v, want a *limits.Error naming %s", err, tt.limit)
			}
		})
	}
	for name := range prechecks {
		if !seen[name] {
			t.Errorf("the precheck of %s has no case here", name)
		}
	}
}
