package spec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/rtctl/rtctl/pkg/spec/internal/hostile"
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
	for _, s := range hostile.Seeds() {
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
	for _, s := range hostile.Seeds() {
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
