package spec

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// Bounds of what loading one of the hostile configurations here may cost:
// resident memory (where Linux tells), and allocations in all (most of
// them garbage as soon as made).
const (
	maxPeakRSS  = 1 << 30
	maxAllocate = 8 << 30
)

// loadReport loads files with opts and returns the diagnostics and their
// rendering, failing the test if loading grew the process past maxPeakRSS
// or allocated more than maxAllocate: the inputs here are built to exhaust
// memory, stack or time, and must instead end in an error.
func loadReport(t *testing.T, files map[string]string, opts LoadOptions) (hcl.Diagnostics, string) {
	t.Helper()
	dir := writeConfig(t, files)
	runtime.GC()
	peakKnown := resetPeakRSS()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cfg, diags := Load(context.Background(), dir, opts)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > maxAllocate {
		t.Errorf("loading allocated %d MiB, more than %d MiB", got>>20, maxAllocate>>20)
	}
	if peak, ok := peakRSS(); peakKnown && ok && peak > maxPeakRSS {
		t.Errorf("loading grew the process to %d MiB, more than %d MiB", peak>>20, maxPeakRSS>>20)
	}
	text, _ := render(t, cfg, diags)
	return diags, text
}

// resetPeakRSS resets the peak resident size Linux keeps for the process,
// reporting whether it could.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the peak resident size of the process since resetPeakRSS.
func peakRSS() (uint64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb uint64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
				return kb << 10, true
			}
		}
	}
	return 0, false
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
			diags, text := loadReport(t, map[string]string{"main.rt.hcl": src}, LoadOptions{})
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
		diags, text := loadReport(t, files, LoadOptions{})
		if !diags.HasErrors() || !strings.Contains(text, "Nested too deeply") || !strings.Contains(text, "x.rtvars.hcl line 1") {
			t.Errorf("want a nesting error in the variables file, got:\n%.2000s", text)
		}
	})
	t.Run("--var", func(t *testing.T) {
		files := map[string]string{"main.rt.hcl": utcSettings + "variable \"x\" {\n  type = list(any)\n}\n"}
		diags, text := loadReport(t, files, LoadOptions{Vars: map[string]string{"x": nested(n, "[", "1", "]")}})
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
		diags, text := loadReport(t, files, LoadOptions{Getenv: getenv})
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
			diags, text := loadReport(t, tt.files, tt.opts)
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

// doublings is a locals block of n locals, each made of two copies of the
// one before through expr (which refers to it as PREV).
func doublings(n int, first, expr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "locals {\n  d0 = %s\n", first)
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  d%d = %s\n", i, strings.ReplaceAll(expr, "PREV", fmt.Sprintf("local.d%d", i-1)))
	}
	b.WriteString("}\n")
	return b.String()
}

// A few lines of configuration asked for billions of values or gigabytes of
// text: setproduct(range(1000), range(1000), range(1000)) or nested joins
// ran out of memory within a second. Every function result, and the work
// all expressions of a load do together, is now bounded, so each of these
// ends in an error naming the limit, within bounded memory.
func TestEvaluationExplosionsAreErrors(t *testing.T) {
	const thousand = "locals {\n  k = range(1000)\n}\n"
	tests := []struct {
		name  string
		src   string // locals and blocks, after the rtctl block
		want  string // in the rendered diagnostics
		limit string // the LimitExceeded's Limit, "" when none is expected
	}{
		{"setproduct", `locals { x = setproduct(range(1000), range(1000), range(1000)) }`,
			"setproduct would build 1000000000 combinations", "MaxValueElements"},
		{"nested join", `locals { x = join(",", [for i in range(1000) : join(",", [for j in range(1000) : join(",", [for k in range(1000) : "xxxxxxxx"])])]) }`,
			"more than", "MaxEvalSteps"},
		{"join doubling", doublings(40, `"xxxxxxxx"`, `join("", [PREV, PREV])`),
			"join would build up to", "MaxValueBytes"},
		{"template doubling", doublings(40, `"xxxxxxxx"`, `"${PREV}${PREV}"`),
			"bytes of text, the most one value may hold", "MaxValueBytes"},
		{"template repeating", doublings(2, `"`+strings.Repeat("x", 1<<20)+`"`, `"`+strings.Repeat("${PREV}", 2000)+`"`),
			"bytes of text", "MaxEvalBytes"},
		{"list doubling", doublings(40, `[1]`, `[PREV, PREV]`),
			"more than 1000000 elements", "MaxValueElements"},
		{"nested for expressions", thousand + `locals { x = [for i in local.k : [for j in local.k : [for l in local.k : 1]]] }`,
			"steps, the most one load may take", "MaxEvalSteps"},
		{"nested for expressions, filtered out", thousand + `locals { x = [for i in local.k : [for j in local.k : [for l in local.k : 1 if false]]] }`,
			"steps, the most one load may take", "MaxEvalSteps"},
		{"template directives", thousand + `locals { x = "%{for i in local.k}%{for j in local.k}%{for l in local.k}x%{endfor}%{endfor}%{endfor}" }`,
			"the most one load may take", "MaxEvalSteps"},
		{"format width", `locals { x = format("%999999999d", 1) }`,
			"format would build up to", "MaxValueBytes"},
		{"formatlist", thousand + `locals { x = formatlist("%099999999d", local.k) }`,
			"formatlist would build up to", "MaxValueBytes"},
		{"indent", `locals { x = indent(1000000000, "a\nb") }`,
			"indent would build up to", "MaxValueBytes"},
		{"replace", `locals { x = replace("` + strings.Repeat("a", 100000) + `", "a", "` + strings.Repeat("b", 1000) + `") }`,
			"replace would build up to", "MaxValueBytes"},
		{"replace regex", `locals { x = replace("` + strings.Repeat("a", 100000) + `", "/a*?/", "` + strings.Repeat("b", 1000) + `") }`,
			"replace would build up to", "MaxValueBytes"},
		{"regexreplace references", `locals {
  a = "` + strings.Repeat("a", 100000) + `"
  x = regexreplace(local.a, "(a+)", "` + strings.Repeat("$1", 500) + `")
}`, "regexreplace would build up to", "MaxValueBytes"},
		{"split", `locals {
  a = "` + strings.Repeat("a", 1<<20) + `"
  b = "${local.a}${local.a}"
  x = split("", local.b)
}`, "split would build 2097152 strings", "MaxValueElements"},
		{"regexall", `locals {
  a = "` + strings.Repeat("a", 1<<20) + `"
  b = "${local.a}${local.a}"
  x = regexall("", local.b)
}`, "regexall would find 1000001 matches", "MaxValueElements"},
		{"concat", thousand + `locals { x = concat(` + strings.Repeat("local.k, ", 2000) + `) }`,
			"concat would build a collection of 2000000 elements", "MaxValueElements"},
		{"jsondecode deep", `locals {
  open = join("", [for i in range(1000) : join("", [for j in range(100) : "["])])
  x    = jsondecode(local.open)
}`, "the JSON nests more than 256 levels deep", "MaxNesting"},
		{"jsonencode", `locals {
  a = "` + strings.Repeat("<", 1<<20) + `"
  b = [for i in range(10) : local.a]
  x = jsonencode(local.b)
}`, "jsonencode would build up to", "MaxValueBytes"},
		{"number literal", `locals { x = "${1e600000000}" }`,
			"numbers must lie between 1e-1000 and 1e1000 in size", ""},
		{"number doubling", doublings(40, `1e10`, `PREV * PREV`),
			"numbers must lie between 1e-1000 and 1e1000 in size", ""},
		{"number from text", `locals { x = tonumber("1e600000000") + 1 }`,
			"numbers must lie between 1e-1000 and 1e1000 in size", ""},
		{"long number text", `locals {
  a = "` + strings.Repeat("9", 1<<20) + `"
  x = local.a + 1
}`, "too long to be a number", ""},
		{"long number text to a function", `locals {
  a = "` + strings.Repeat("9", 1<<20) + `"
  x = abs(local.a)
}`, "too long to be a number", ""},
		{"long index", `locals {
  a = "` + strings.Repeat("9", 1<<20) + `"
  x = [1][local.a]
}`, "too long to be a number", ""},
		{"comparisons", `locals {
  big = [for i in range(1000) : [for j in range(500) : j]]
  x   = [for i in range(1000) : local.big == local.big]
}`, "steps, the most one load may take", "MaxEvalSteps"},
		{"a set gone through in every instance", `locals { s = toset([for i in range(1000) : "k${i}"]) }
highlight "h" {
  for_each    = local.s
  date        = "2026-11-20"
  description = "${each.key} ${substr(jsonencode(local.s), 0, 10)}"
}`, "steps, the most one load may take", "MaxEvalSteps"},
		{"a large map looked up in every instance", `locals {
  m = { for i in range(1000) : "k${i}" => { for j in range(100) : "a${j}" => j } }
}
highlight "h" {
  for_each    = local.m
  date        = "2026-11-20"
  description = "${each.key} ${length(lookup(local.m, each.key, {}))}"
}`, "steps, the most one load may take", "MaxEvalSteps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Those that run into the step budget are slow at full size.
			var opts LoadOptions
			if tt.limit == "MaxEvalSteps" {
				opts.Limits = hardeningLimits()
			}
			diags, text := loadReport(t, map[string]string{"main.rt.hcl": utcSettings + tt.src + "\n"}, opts)
			if !diags.HasErrors() || !strings.Contains(flat(text), tt.want) {
				t.Errorf("want an error saying %q, got:\n%.3000s", tt.want, text)
			}
			if tt.limit != "" && !hasLimit(diags, tt.limit) {
				t.Errorf("no diagnostic carries LimitExceeded{%s}:\n%.3000s", tt.limit, text)
			}
			for _, d := range diags {
				// The source snippet shows what the author wrote; what
				// is said about it must be short.
				if len(d.Summary)+len(d.Detail) > 5000 {
					t.Errorf("a diagnostic of %d bytes: %.300s", len(d.Summary)+len(d.Detail), d.Detail)
				}
			}
		})
	}
}

// keyList is a variables file setting keys to n distinct strings.
func keyList(n int) string {
	var b strings.Builder
	b.WriteString("keys = [")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%q,", fmt.Sprintf("k%d", i))
	}
	b.WriteString("]\n")
	return b.String()
}

// for_each over a set of 50,000 strings took 49 seconds, and 1,000,000 keys
// did not finish in 39 minutes: converting a tuple to a set or list
// compared its elements' types pairwise, before the instance limit was
// looked at. Conversions are now linear, and a million keys end in the
// instance limit (or the evaluation budget), whichever way they are built.
func TestLargeForEach(t *testing.T) {
	lim, k := hardeningLimits(), hardeningScale()
	highlight := func(forEach string) string {
		return "highlight \"h\" {\n  for_each    = " + forEach + "\n  date        = \"2026-11-20\"\n  description = each.key\n}\n"
	}
	generated := func(outer int) string {
		return `toset(flatten([for i in range(` + fmt.Sprint(outer) + `) : [for j in range(1000) : "k${i}-${j}"]]))`
	}
	with := func(f func(*Limits)) LoadOptions {
		l := lim
		f(&l)
		return LoadOptions{Limits: l}
	}
	tests := []struct {
		name      string
		files     map[string]string
		opts      LoadOptions
		instances int    // when it loads
		limit     string // when it must not
	}{
		{name: "50,000 generated keys (scaled)", files: map[string]string{"main.rt.hcl": utcSettings + highlight(generated(50/k))},
			opts: LoadOptions{Limits: lim}, instances: 50000 / k},
		{name: "50,000 keys from a variables file, as a list (scaled)", opts: LoadOptions{Limits: lim}, instances: 50000 / k, files: map[string]string{
			"main.rt.hcl":  utcSettings + "variable \"keys\" {\n  type = list(string)\n}\n" + highlight("toset(var.keys)"),
			"k.rtvars.hcl": keyList(50000 / k)}},
		{name: "a map of 50,000 keys (scaled)", opts: LoadOptions{Limits: lim}, instances: 50000 / k, files: map[string]string{
			"main.rt.hcl": utcSettings + "locals {\n  " + keyList(50000/k) + "}\n" + highlight("tomap({ for k in local.keys : k => k })")}},
		{name: "1,000,000 generated keys (scaled)", files: map[string]string{"main.rt.hcl": utcSettings + highlight(generated(1000/k))},
			opts: LoadOptions{Limits: lim}, limit: "MaxEvalSteps"},
		{name: "200,000 generated keys, budget raised (scaled)", files: map[string]string{"main.rt.hcl": utcSettings + highlight(generated(200/k))},
			opts: with(func(l *Limits) { l.MaxEvalSteps = 5000000 / int64(k) }), limit: "MaxInstances"},
		{name: "1,000,000 counted", files: map[string]string{"main.rt.hcl": utcSettings + "highlight \"h\" {\n  count = 1000000\n  date = \"2026-11-20\"\n  description = \"x\"\n}\n"},
			limit: "MaxInstances"},
		{name: "instance limit raised (scaled)", files: map[string]string{"main.rt.hcl": utcSettings + highlight(generated(120/k))},
			opts: with(func(l *Limits) { l.MaxInstances = 150000 / k }), instances: 120000 / k},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeConfig(t, tt.files)
			cfg, diags := Load(context.Background(), dir, tt.opts)
			text, _ := render(t, cfg, diags)
			if tt.limit != "" {
				if !diags.HasErrors() || !hasLimit(diags, tt.limit) {
					t.Errorf("want an error of the limit %s, got:\n%.3000s", tt.limit, text)
				}
				return
			}
			if diags.HasErrors() || len(cfg.Highlights) != tt.instances {
				t.Errorf("got %d highlights, want %d; diagnostics:\n%.3000s", len(cfg.Highlights), tt.instances, text)
			}
		})
	}
}

// A calendar's 100 KB TZID, or a 100 KB value where a date belongs, was
// quoted whole in the diagnostic; now about a hundred characters of it are.
func TestHugeInputsAreClippedInDiagnostics(t *testing.T) {
	huge := strings.Repeat("x", 100000)
	ics := strings.Replace(testICS, "END:VCALENDAR", "BEGIN:VEVENT\r\nUID:tz\r\nDTSTART;TZID="+huge+":20261120T090000\r\nDTEND;TZID=Europe/Berlin:20261120T100000\r\nEND:VEVENT\r\nEND:VCALENDAR", 1)
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"calendar TZID", map[string]string{"work.ics": ics, "main.rt.hcl": icalHeader + `
data "ical" "work" {
  path         = "work.ics"
  window_start = "2026-11-20"
  window_end   = "2026-11-21"
}
`}, "unknown time zone"},
		{"date", map[string]string{"big.txt": huge, "main.rt.hcl": utcSettings + `
highlight "h" {
  date        = file("big.txt")
  description = "x"
}
`}, "is not a date in the form YYYY-MM-DD"},
		{"function error", map[string]string{"big.txt": huge, "main.rt.hcl": utcSettings + `
locals { x = tobool(file("big.txt")) }
`}, "cannot convert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := Load(context.Background(), writeConfig(t, tt.files), LoadOptions{Now: testNow})
			text, js := render(t, cfg, diags)
			if !diags.HasErrors() || !strings.Contains(flat(text), tt.want) {
				t.Errorf("want an error saying %q, got:\n%.2000s", tt.want, text)
			}
			if len(text) > 5000 || len(js) > 5000 {
				t.Errorf("the diagnostics are %d bytes (JSON %d):\n%.2000s", len(text), len(js), text)
			}
		})
	}
}

// cty turns a panic in a function into an error holding the goroutine's
// stack; a diagnostic never shows one.
func TestNoStackInDiagnostics(t *testing.T) {
	diags := finishDiagnostics(hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Error in function call",
		Detail:   "Call to function \"x\" failed: panic in function implementation: boom\ngoroutine 21 [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e",
	}}, nil)
	if d := diags[0].Detail; strings.Contains(d, "goroutine") || strings.Contains(d, ".go:") || !strings.Contains(d, "internal error") {
		t.Errorf("detail = %q", d)
	}
}

// hardeningScale is how much smaller than the defaults the hostile-input
// tests run: 10 in the suite, which keeps it fast while every limit is still
// reached the same way; RTCTL_HARDENING_FULL=1 runs them at full size, as
// the issue reported them.
func hardeningScale() int {
	if os.Getenv("RTCTL_HARDENING_FULL") != "" {
		return 1
	}
	return 10
}

// hardeningLimits are the default limits divided by hardeningScale, for the
// ones that bound work (steps, elements, instances, text).
func hardeningLimits() Limits {
	l, k := DefaultLimits(), hardeningScale()
	l.MaxInstances /= k
	l.MaxValueElements /= k
	l.MaxEvalSteps /= int64(k)
	l.MaxEvalBytes /= int64(k)
	return l
}

// TestFormatChecksNestingFirst: rtctl fmt parses with hclwrite, which
// overflowed the stack on deep nesting like the loader's parser did.
func TestFormatChecksNestingFirst(t *testing.T) {
	src := []byte("locals {\n  x = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + "\n}\n")
	_, diags := Format(src, "deep.rt.hcl")
	if !diags.HasErrors() || !hasLimit(diags, "MaxNesting") {
		t.Fatalf("want the nesting limit, got %v", diags)
	}
}
