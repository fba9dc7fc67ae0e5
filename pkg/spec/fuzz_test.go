package spec

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/rtctl/rtctl/pkg/spec/funcs"
)

// fuzzLimits are small limits, so that inputs built to exhaust memory or
// time reach them in milliseconds and the fuzzer keeps its pace.
var fuzzLimits = Limits{
	MaxFileBytes:     256 << 10,
	MaxSourceBytes:   256 << 10,
	MaxNesting:       64,
	MaxDeclarations:  1000,
	MaxInstances:     1000,
	MaxValueElements: 20000,
	MaxValueBytes:    256 << 10,
	MaxEvalSteps:     20000,
	MaxEvalBytes:     1 << 20,
	MaxReadFileBytes: 64 << 10,
	MaxCalendarBytes: 64 << 10,
	MaxDateRange:     100,
}

// hostileSeeds are the inputs of the hardening tests, at sizes that reach
// fuzzLimits: deep nesting of every kind, and expressions whose results or
// work explode.
func hostileSeeds() []string {
	const n = 300
	deep := func(open, inner, close string) string {
		return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
	}
	return []string{
		deep("(", "1", ")"),
		deep("[", "1", "]"),
		deep("{a=", "1", "}"),
		deep(`"${`, "1", `}"`),
		`"` + deep("%{if true}", "x", "%{endif}") + `"`,
		`"` + deep("%{for v in [1]}", "x", "%{endfor}") + `"`,
		strings.Repeat("!", n) + "true",
		strings.Repeat("-", n) + "1",
		strings.Repeat("1+", n) + "1",
		strings.Repeat("true ? 1 : ", n) + "2",
		"[1]" + strings.Repeat("[0]", n),
		deep("abs(", "1", ")"),
		deep("[for v in ", "[1]", " : v]"),
		`setproduct(range(1000), range(1000), range(1000))`,
		`join(",", [for i in range(1000) : join(",", [for j in range(1000) : "xxxxxxxx"])])`,
		`[for i in range(100) : [for j in range(100) : [for k in range(100) : 1]]]`,
		`[for i in range(100) : [for j in range(100) : [for k in range(100) : 1 if false]]]`,
		`"%{for i in range(100)}%{for j in range(100)}%{for k in range(100)}x%{endfor}%{endfor}%{endfor}"`,
		`format("%999999999d", 1)`,
		`formatlist("%099999999d", range(100))`,
		`indent(1000000000, "a\nb")`,
		`replace("aaaaaaaaaaaaaaaa", "a", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")`,
		`replace("aaaaaaaaaaaaaaaa", "/a*?/", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")`,
		`regexreplace("aaaaaaaaaaaaaaaa", "(a+)", "$1$1$1$1$1$1$1$1$1$1$1$1")`,
		`split("", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")`,
		`regexall("", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")`,
		`concat(range(1000), range(1000), range(1000))`,
		`jsondecode(join("", [for i in range(100) : "[[[["]))`,
		`jsonencode([for i in range(100) : "<<<<<<<<<<"])`,
		`"${1e600000000}"`,
		`tonumber("1e600000000") + 1`,
		`"99999999999999999999999999999999999999999" * 1e999`,
		`[1]["99999999999999999999999999999999999999999999"]`,
		`toset([for i in range(1000) : "k${i}"])`,
		`tomap({ for i in range(1000) : "k${i}" => i })`,
		`flatten([for i in range(100) : [for j in range(100) : "${i}-${j}"]])`,
		`[for i in range(100) : range(100) == range(100)]`,
		`file("/proc/self/environ")`,
		`file("../../../../../../../../etc/passwd")`,
		`env("RESCUETIME_API_KEY")`,
	}
}

// doublingSeeds are configurations of locals that each double the one
// before, in text, lists and numbers.
func doublingSeeds() []string {
	var out []string
	for _, expr := range []string{`"${PREV}${PREV}"`, `join("", [PREV, PREV])`, `[PREV, PREV]`, `PREV * PREV`} {
		var b strings.Builder
		b.WriteString("locals {\n  d0 = \"xxxxxxxx\"\n")
		if expr == `PREV * PREV` {
			b.Reset()
			b.WriteString("locals {\n  d0 = 1e10\n")
		}
		for i := 1; i < 40; i++ {
			b.WriteString("  d" + itoa(i) + " = " + strings.ReplaceAll(expr, "PREV", "local.d"+itoa(i-1)) + "\n")
		}
		b.WriteString("}\n")
		out = append(out, b.String())
	}
	return out
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// FuzzLoad feeds arbitrary source to the loader: whatever the input, it
// must return diagnostics, never panic, run out of stack or memory, and
// never quote more than a few thousand bytes of input in one. The seed
// corpus is every fixture and example, and the hostile inputs of the
// hardening tests.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	for _, p := range seeds {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ConfigFileSuffix) {
				f.Add(file.Data)
			}
		}
	}
	examples, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*"+ConfigFileSuffix))
	for _, p := range examples {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range hostileSeeds() {
		f.Add([]byte(utcSettings + "locals {\n  x = " + s + "\n}\n"))
		f.Add([]byte(utcSettings + "highlight \"h\" {\n  for_each    = toset([" + s + "])\n  date        = \"2026-11-20\"\n  description = \"x\"\n}\n"))
	}
	for _, s := range doublingSeeds() {
		f.Add([]byte(utcSettings + s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		l := newLoader(context.Background(), t.TempDir(), LoadOptions{Limits: fuzzLimits})
		l.load([]source{{name: "fuzz.rt.hcl", src: src}}, nil)
		diags := finishDiagnostics(l.diags, l.guard)
		if !diags.HasErrors() && l.cfg.Hash == "" {
			t.Error("valid configuration without a hash")
		}
		checkFuzzDiagnostics(t, diags)
	})
}

// FuzzEvaluate evaluates one arbitrary expression as a local value, and
// uses it as a for_each and in a template: the paths of functions,
// conversions, for expressions and templates that the limits guard.
func FuzzEvaluate(f *testing.F) {
	for _, s := range hostileSeeds() {
		f.Add(s)
	}
	for _, s := range []string{`"a"`, `[1, 2, 3]`, `{a = 1}`, `range(10)`, `[for i in range(3) : i * 2]`,
		`jsondecode("[1,2,{\"a\":[3]}]")`, `csvdecode("a,b\n1,2\n")`, `merge({a = 1}, {b = 2})`,
		`distinct(["a", "b", "a"])`, `chunklist(range(10), 3)`, `setunion(["a"], ["b"])`, `formatdate("YYYY", "2026-01-01T00:00:00Z")`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		src := utcSettings + "locals {\n  x = " + expr + "\n}\n" +
			"highlight \"h\" {\n  for_each    = try(toset([for v in local.x : tostring(v)]), {})\n  date        = \"2026-11-20\"\n  description = \"${each.key} ${jsonencode(local.x)}\"\n}\n"
		l := newLoader(context.Background(), t.TempDir(), LoadOptions{Limits: fuzzLimits})
		l.load([]source{{name: "fuzz.rt.hcl", src: []byte(src)}}, nil)
		checkFuzzDiagnostics(t, finishDiagnostics(l.diags, l.guard))
	})
}

// FuzzCheckSource checks the nesting estimate against HCL's parser: what
// CheckSource lets through, the parser (whose recursion it bounds) must
// parse, and the evaluator must evaluate, without running out of stack. A
// wrong estimate would show as a fatal stack overflow.
func FuzzCheckSource(f *testing.F) {
	for _, s := range hostileSeeds() {
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
		limits := Limits{MaxNesting: 2000, MaxFileBytes: 1 << 20}
		if diags := CheckSource(src, "fuzz.hcl", limits); diags.HasErrors() {
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
		g := funcs.NewGuard(fuzzLimits.WithDefaults())
		g.Instrument(file.Body.(*hclsyntax.Body))
		attrs, _ := file.Body.JustAttributes()
		for _, a := range attrs {
			_, _ = a.Expr.Value(&hcl.EvalContext{Functions: g.Hooks()})
			_ = a.Expr.Variables()
		}
	})
}

// checkFuzzDiagnostics checks what every load must give: diagnostics with
// a summary, none quoting more than a few thousand bytes.
func checkFuzzDiagnostics(t *testing.T, diags hcl.Diagnostics) {
	t.Helper()
	for _, d := range diags {
		if d.Summary == "" {
			t.Errorf("diagnostic without a summary: %#v", d)
		}
		if n := len(d.Summary) + len(d.Detail); n > 2*maxDetail {
			t.Errorf("a diagnostic of %d bytes: %.200s", n, d.Detail)
		}
	}
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
