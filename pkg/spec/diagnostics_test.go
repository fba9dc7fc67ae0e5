package spec

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

// hostileFileName clears the screen, retitles the terminal, rings the bell
// and returns to the start of the line, as a file committed in a pull
// request may be named.
const hostileFileName = "x\x1b[2J\x1b]0;PWN\a\r.rt.hcl"

// hclColours are the escape sequences HCL's writer itself colours with.
var hclColours = strings.NewReplacer("\x1b[31m", "", "\x1b[33m", "", "\x1b[1;4m", "", "\x1b[0m", "")

func assertPrintable(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\a", "\r", "\u202e", "\u009b"} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered diagnostics hold %q raw:\n%s", bad, out)
		}
	}
}

func TestRenderDiagnosticsEscapesFileNames(t *testing.T) {
	dir := writeConfig(t, map[string]string{
		"main.rt.hcl":   "rtctl {\n  timezone = \"UTC\"\n}\n",
		hostileFileName: "highlight \"a\" {\n  date        = \"x\"\n  description = \"d\"\n}\n",
	})
	cfg, diags := Load(context.Background(), dir, LoadOptions{Now: testNow})
	if !diags.HasErrors() {
		t.Fatal("want the invalid date reported")
	}
	for _, color := range []bool{false, true} {
		var b strings.Builder
		if err := hcldiag.Render(&b, cfg.Files, diags, color); err != nil {
			t.Fatal(err)
		}
		out := hclColours.Replace(b.String())
		assertPrintable(t, out)
		if want := `x\x1b[2J\x1b]0;PWN\a\r.rt.hcl line 2, in highlight "a":`; !strings.Contains(out, want) {
			t.Errorf("color %v: want %q in:\n%s", color, want, out)
		}
		if want := `2:   date        = "x"`; !strings.Contains(out, want) {
			t.Errorf("color %v: the snippet is gone:\n%s", color, out)
		}
	}
	// JSON keeps the name exact: its encoding escapes it.
	r, err := json.Marshal(hcldiag.NewReport(diags))
	if err != nil {
		t.Fatal(err)
	}
	if want := `x\u001b[2J\u001b]0;PWN\u0007\r.rt.hcl"`; !strings.Contains(string(r), want) {
		t.Errorf("want %s in %s", want, r)
	}
}

// A configuration file holding raw control characters shows them escaped
// in the snippet, with the subject still underlined where it is.
func TestRenderDiagnosticsEscapesSnippets(t *testing.T) {
	src := "rtctl {\n  timezone = \"UTC\"\n}\nlocals {\n  x = \"a\x1b]0;T\a\u202e\" \x1b\n}\n"
	dir := writeConfig(t, map[string]string{"main.rt.hcl": src})
	cfg, diags := Load(context.Background(), dir, LoadOptions{Now: testNow})
	if !diags.HasErrors() {
		t.Fatal("want the stray ESC reported")
	}
	var b strings.Builder
	if err := hcldiag.Render(&b, cfg.Files, diags, true); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	assertPrintable(t, hclColours.Replace(out))
	if want := `5:   x = "a\x1b]0;T\a\u202e" ` + "\x1b[1;4m" + `\x1b` + "\x1b[0m"; !strings.Contains(out, want) {
		t.Errorf("want the escaped line with the stray ESC underlined, %q, in:\n%q", want, out)
	}
	if !strings.Contains(out, "line 5, in locals:") {
		t.Errorf("want the context line:\n%s", out)
	}
}

// Summaries and details quote input (a file's name in "File too large", a
// link's target); their line breaks are kept.
func TestRenderDiagnosticsEscapesMessages(t *testing.T) {
	diags := hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Refused \x1b[2Jfile",
		Detail:   "The file " + hostileFileName + " is refused.\n\nRename \u202eit.",
	}}
	var b strings.Builder
	if err := hcldiag.Render(&b, nil, diags, false); err != nil {
		t.Fatal(err)
	}
	want := "Error: Refused \\x1b[2Jfile\n\nThe file x\\x1b[2J\\x1b]0;PWN\\a\\r.rt.hcl is refused.\n\nRename \\u202eit.\n\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}

// Escapes on lines the snippet does not show leave its offsets alone; on
// its own line they move the underline with them.
func TestRenderDiagnosticsEscapesOnlyTheSnippet(t *testing.T) {
	src := "# a comment \x1b[2J with an escape\nrtctl {\n  timezone = \"UTC\"\n}\nhighlight \"h\" {\n  date        = \"\u202e\" # \x1b\n  description = \"d\"\n}\n"
	dir := writeConfig(t, map[string]string{"main.rt.hcl": src})
	cfg, diags := Load(context.Background(), dir, LoadOptions{Now: testNow})
	if !diags.HasErrors() {
		t.Fatal("want the invalid date reported")
	}
	var b strings.Builder
	if err := hcldiag.Render(&b, cfg.Files, diags, true); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	assertPrintable(t, hclColours.Replace(out))
	if want := `6:   date        = ` + "\x1b[1;4m" + `"\u202e"` + "\x1b[0m" + ` # \x1b`; !strings.Contains(out, want) {
		t.Errorf("want %q in:\n%q", want, out)
	}
	if !strings.Contains(out, `line 6, in highlight "h":`) {
		t.Errorf("want the context line:\n%s", out)
	}
}
