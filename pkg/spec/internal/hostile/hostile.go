// Package hostile holds the hostile inputs the loader's and the parser's
// fuzz targets start from. It is imported by tests only.
package hostile

import "strings"

// Seeds are the inputs of the loader's hardening tests, at sizes that
// reach the fuzz targets' small limits: deep nesting of every kind, and expressions whose results or
// work explode.
func Seeds() []string {
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
