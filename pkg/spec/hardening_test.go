package spec

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// loadReport loads files with opts and returns the rendered diagnostics,
// failing the test if loading allocated more than maxAlloc bytes: the
// inputs here are built to exhaust memory, stack or time, and must instead
// end in an error.
func loadReport(t *testing.T, files map[string]string, opts LoadOptions, maxAlloc uint64) (hcl.Diagnostics, string) {
	t.Helper()
	dir := writeConfig(t, files)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cfg, diags := Load(context.Background(), dir, opts)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; maxAlloc > 0 && got > maxAlloc {
		t.Errorf("loading allocated %d MiB, more than %d MiB", got>>20, maxAlloc>>20)
	}
	text, _ := render(t, cfg, diags)
	return diags, text
}

const utcSettings = "rtctl {\n  timezone = \"UTC\"\n}\n"

// nested is n copies of open, then inner, then n copies of close.
func nested(n int, open, inner, close string) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

// Deep nesting used to overflow the parser's stack and kill the process:
// 100,000 "(" in a 200 KB file was a Go fatal error. Every way of nesting
// is now refused with its location before the parser sees it, in
// configuration files, variables files and --var values alike.
func TestDeepNestingIsAnError(t *testing.T) {
	const n = 100000
	chain := func(item, sep string) string {
		return strings.TrimSuffix(strings.Repeat(item+sep, n), sep)
	}
	tests := []struct {
		name string
		src  string // the value of local.x
	}{
		{"parentheses", nested(n, "(", "1", ")")},
		{"brackets", nested(n, "[", "1", "]")},
		{"objects", nested(n, "{a=", "1", "}")},
		{"templates", nested(n, `"${`, "1", `}"`)},
		{"directives", `"` + nested(n, "%{if true}", "x", "%{endif}") + `"`},
		{"for directives", `"` + nested(n/2, "%{for v in [1]}", "x", "%{endfor}") + `"`},
		{"negations", strings.Repeat("!", n) + "true"},
		{"unary minus", strings.Repeat("-", n) + "1"},
		{"sums", chain("1", "+")},
		{"conjunctions", chain("true", "&&")},
		{"conditionals", strings.Repeat("true ? 1 : ", n) + "2"},
		{"indexes", "[1]" + strings.Repeat("[0]", n)},
		{"function calls", nested(n, "abs(", "1", ")")},
		{"for expressions", nested(n, "[for v in ", "[1]", " : v]")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := utcSettings + "locals {\n  x = " + tt.src + "\n}\n"
			diags, text := loadReport(t, map[string]string{"main.rt.hcl": src}, LoadOptions{}, 1<<30)
			if !diags.HasErrors() || !strings.Contains(text, "Nested too deeply") || !strings.Contains(text, "main.rt.hcl line 5") {
				t.Errorf("want a nesting error on line 5, got:\n%.2000s", text)
			}
		})
	}

	t.Run("variables file", func(t *testing.T) {
		files := map[string]string{
			"main.rt.hcl":  utcSettings + "variable \"x\" {\n  type = any\n}\n",
			"x.rtvars.hcl": "x = " + nested(n, "[", "1", "]") + "\n",
		}
		diags, text := loadReport(t, files, LoadOptions{}, 1<<30)
		if !diags.HasErrors() || !strings.Contains(text, "Nested too deeply") || !strings.Contains(text, "x.rtvars.hcl line 1") {
			t.Errorf("want a nesting error in the variables file, got:\n%.2000s", text)
		}
	})
	t.Run("--var", func(t *testing.T) {
		files := map[string]string{"main.rt.hcl": utcSettings + "variable \"x\" {\n  type = list(any)\n}\n"}
		diags, text := loadReport(t, files, LoadOptions{Vars: map[string]string{"x": nested(n, "[", "1", "]")}}, 1<<30)
		if !diags.HasErrors() || !strings.Contains(text, "Nested too deeply") || !strings.Contains(text, "var.x from --var") {
			t.Errorf("want a nesting error for --var, got:\n%.2000s", text)
		}
	})
	t.Run("environment", func(t *testing.T) {
		files := map[string]string{"main.rt.hcl": utcSettings + "variable \"x\" {\n  type = list(any)\n}\n"}
		deep := nested(n, "[", "1", "]")
		getenv := func(k string) string {
			if k == VarEnvPrefix+"x" {
				return deep
			}
			return ""
		}
		diags, text := loadReport(t, files, LoadOptions{Getenv: getenv}, 1<<30)
		if !diags.HasErrors() || !strings.Contains(text, "Nested too deeply") {
			t.Errorf("want a nesting error for RTCTL_VAR_x, got:\n%.2000s", text)
		}
	})
}

// Nesting below the limit, as deep as anyone writes by hand and more, still
// loads; so does nesting inside string literals and comments, which the
// parser does not recurse on.
func TestModerateNestingLoads(t *testing.T) {
	src := utcSettings + `
locals {
  parens = ` + nested(100, "(", "1", ")") + `
  lists  = ` + nested(100, "[", "1", "]") + `
  chain  = ` + strings.Repeat("1 + ", 100) + `1
  text   = "` + strings.Repeat("((([[[{{{", 1000) + `"
  # ` + strings.Repeat("((((", 1000) + `
  heredoc = <<EOT
` + strings.Repeat("(((( [[[[ {{{{\n", 100) + `EOT
}
highlight "h" {
  date        = "2026-11-20"
  description = "${local.parens + local.chain} ${length(local.lists)} ${strlen(local.text)} ${strlen(local.heredoc)}"
}
`
	cfg := mustLoad(t, map[string]string{"main.rt.hcl": src}, LoadOptions{})
	if got, want := cfg.Highlights[0].Description, "102 1 9000 1500"; got != want {
		t.Errorf("description = %q, want %q", got, want)
	}
}

// manyLocals is a locals block of n short locals, each referring to the one
// before, about 20 bytes apiece.
func manyLocals(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n  l0 = 0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  l%d = local.l%d\n", i, i-1)
	}
	b.WriteString("}\n")
	return b.String()
}

// A 50 MB configuration of 1.2 million locals ran out of memory after 35
// seconds. Files and declarations are now bounded before anything is
// evaluated, and a limit can be raised for the configuration that needs it.
func TestSourceSizeLimits(t *testing.T) {
	big := utcSettings + manyLocals(1200000)
	if len(big) < 25<<20 {
		t.Fatalf("the configuration is only %d bytes", len(big))
	}
	comment := "# " + strings.Repeat("x", 1<<20-100) + "\n"
	tests := []struct {
		name   string
		files  map[string]string
		opts   LoadOptions
		want   string // in the rendered diagnostics
		limit  string // the LimitExceeded's Limit; "" for none
		errors bool
	}{
		{name: "1.2 million locals", files: map[string]string{"main.rt.hcl": big},
			want: "is larger than 2097152 bytes, the most a configuration file may hold", limit: "MaxFileBytes", errors: true},
		{name: "too many locals", files: map[string]string{"main.rt.hcl": utcSettings + manyLocals(60000)},
			want: "more than 50000 blocks, local values and variables", limit: "MaxDeclarations", errors: true},
		{name: "too many locals, limit raised", files: map[string]string{"main.rt.hcl": utcSettings + manyLocals(60000)},
			opts: LoadOptions{Limits: Limits{MaxDeclarations: 70000}}},
		{name: "too many blocks", files: map[string]string{"main.rt.hcl": utcSettings + strings.Repeat("locals {}\n", 50001)},
			want: "Too many declarations", limit: "MaxDeclarations", errors: true},
		{name: "variables file too large", files: map[string]string{"main.rt.hcl": utcSettings, "big.rtvars.hcl": comment + comment + comment},
			want: "the most a variables file may hold", limit: "MaxFileBytes", errors: true},
		{name: "all files together too large", files: map[string]string{
			"a.rt.hcl": utcSettings + comment + comment, "b.rt.hcl": comment + comment, "c.rt.hcl": comment + comment,
			"d.rt.hcl": comment + comment, "e.rt.hcl": comment},
			want: "more than 8388608 bytes together", limit: "MaxSourceBytes", errors: true},
		{name: "file limit raised", files: map[string]string{"main.rt.hcl": utcSettings + comment + comment + comment},
			opts: LoadOptions{Limits: Limits{MaxFileBytes: 4 << 20}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags, text := loadReport(t, tt.files, tt.opts, 2<<30)
			if diags.HasErrors() != tt.errors || !strings.Contains(flat(text), tt.want) {
				t.Errorf("want errors=%v and %q, got:\n%.2000s", tt.errors, tt.want, text)
			}
			if tt.limit != "" && !hasLimit(diags, tt.limit) {
				t.Errorf("no diagnostic carries LimitExceeded{%s}", tt.limit)
			}
		})
	}
}

// hasLimit reports whether a diagnostic reports reaching the named limit.
func hasLimit(diags hcl.Diagnostics, name string) bool {
	for _, d := range diags {
		if le, ok := d.Extra.(*LimitExceeded); ok && le.Limit == name {
			return true
		}
	}
	return false
}
