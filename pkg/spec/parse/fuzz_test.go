package parse

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/rtctl/rtctl/pkg/spec/funcs"
	"github.com/rtctl/rtctl/pkg/spec/internal/hostile"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// evalLimits are small limits for evaluating what CheckSource lets
// through, as the loader's fuzz targets use, so that the fuzzer keeps its
// pace.
var evalLimits = limits.Limits{
	MaxNesting:       64,
	MaxValueElements: 20000,
	MaxValueBytes:    256 << 10,
	MaxEvalSteps:     20000,
	MaxEvalBytes:     1 << 20,
	MaxReadFileBytes: 64 << 10,
	MaxDateRange:     100,
}

// FuzzCheckSource checks the nesting estimate against HCL's parser: what
// CheckSource lets through, the parser (whose recursion it bounds) must
// parse, and the evaluator must evaluate, without running out of stack. A
// wrong estimate would show as a fatal stack overflow.
func FuzzCheckSource(f *testing.F) {
	for _, s := range hostile.Seeds() {
		f.Add([]byte("x = " + s + "\n"))
	}
	f.Add([]byte("a {\n  b {\n    c = <<EOT\n${x}\nEOT\n  }\n}\n"))
	f.Add([]byte(`x = "%{if a}%{for b in c}${d}%{endfor}%{else}e%{endif}"` + "\n"))
	f.Add([]byte("x = [a.b[0], \"${f(1 + 2)}\"] # ((( \n"))
	f.Add([]byte("x = { for k, v in m : k => v if v != 0 }\ny = a >= b ? \"\\\"\" : c\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		// The quick pass may only let through what checkNesting would.
		tokens, _ := hclsyntax.LexConfig(src, "fuzz.hcl", hcl.InitialPos)
		for _, max := range []int{2, 5, 20} {
			if shallow(src, max, nil) && checkNesting(tokens, max) != nil {
				t.Fatalf("shallow(%q, %d) passed what checkNesting refuses", src, max)
			}
		}
		lim := limits.Limits{MaxNesting: 2000, MaxFileBytes: 1 << 20}
		if diags := CheckSource(src, "fuzz.hcl", lim); diags.HasErrors() {
			for _, d := range diags {
				if d.Subject == nil && !strings.Contains(d.Summary, "too large") {
					t.Errorf("a refusal without a location: %v", d)
				}
			}
			return
		}
		file, _ := hclsyntax.ParseConfig(src, "fuzz.hcl", hcl.InitialPos)
		if file == nil {
			return
		}
		// Instrumented, so that what is evaluated stays small.
		g := funcs.NewGuard(evalLimits.WithDefaults())
		g.Instrument(file.Body.(*hclsyntax.Body))
		attrs, _ := file.Body.JustAttributes()
		for _, a := range attrs {
			_, _ = a.Expr.Value(&hcl.EvalContext{Functions: g.Hooks()})
			_ = a.Expr.Variables()
		}
	})
}

// TestShallowNeverUnderestimates holds the quick nesting pass to
// checkNesting on many random strings of the fragments that matter to
// either (the fuzzer's mutations rarely build them): what shallow lets
// through, checkNesting must let through.
func TestShallowNeverUnderestimates(t *testing.T) {
	fragments := []string{`"`, `${`, `%{`, `}`, `{`, `[`, `]`, `(`, `)`, `#`, `//`, `/*`, `*/`, "\n", `\`, `\"`,
		`=`, `==`, `=>`, `!=`, `<=`, `>=`, `<`, `>`, `!`, `,`, `.`, `-`, `+`, `*`, `%`, `$`, `$$`, `?`, `:`,
		`a`, `1`, ` `, `~`, `<<EOT`, "EOT\n", `&&`, `||`, `for`, `if`, `endif`, "\r\n"}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	var b strings.Builder
	for range n {
		b.Reset()
		for range 1 + rng.IntN(24) {
			b.WriteString(fragments[rng.IntN(len(fragments))])
		}
		src := []byte(b.String())
		tokens, _ := hclsyntax.LexConfig(src, "t.hcl", hcl.InitialPos)
		for _, max := range []int{1, 3, 6} {
			if shallow(src, max, nil) && checkNesting(tokens, max) != nil {
				t.Fatalf("shallow(%q, %d) passed what checkNesting refuses", src, max)
			}
		}
	}
}
