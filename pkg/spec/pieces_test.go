package spec

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/spec/parse"
)

// bigSource is a configuration of n blocks of the shapes parse.Pieces must
// cut between: comments, strings holding braces and escaped quotes,
// templates, and lists over several lines.
func bigSource(n int) string {
	var b strings.Builder
	b.WriteString("rtctl {\n  timezone = \"UTC\"\n}\n\n")
	for i := range n {
		fmt.Fprintf(&b, "# block %d {\n", i)
		fmt.Fprintf(&b, "highlight \"h%d\" {\n  date        = \"2026-11-%02d\" // a comment }\n  description = \"x { \\\"%d\\\" } ${\"y\"}\"\n  tags = [\n    1,\n    %d,\n  ]\n}\n\n", i, 1+i%28, i, i)
	}
	return b.String()
}

// Cut into pieces, a file parses to the same blocks and attributes, at the
// same positions, as parsed whole.
func TestParsePiecesIsTheWholeParse(t *testing.T) {
	src := []byte(bigSource(3000))
	var ends []int
	if diags := parse.CheckSourceEnds(src, "big.rt.hcl", Limits{}, &ends); diags.HasErrors() || len(ends) == 0 {
		t.Fatalf("CheckSourceEnds: %v, %d ends", diags, len(ends))
	}
	pieces, whole, ok := parse.Pieces(src, "big.rt.hcl", ends)
	if !ok || len(pieces) < 3 {
		t.Fatalf("Pieces: ok %v, %d pieces; want several", ok, len(pieces))
	}
	ref, diags := hclsyntax.ParseConfig(src, "big.rt.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var got []*hclsyntax.Block
	for _, p := range pieces {
		got = append(got, p.Body.(*hclsyntax.Body).Blocks...)
	}
	want := ref.Body.(*hclsyntax.Body).Blocks
	if len(got) != len(want) {
		t.Fatalf("%d blocks in pieces, %d whole", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Type != w.Type || strings.Join(g.Labels, ",") != strings.Join(w.Labels, ",") || g.DefRange() != w.DefRange() || g.Range() != w.Range() {
			t.Fatalf("block %d: %s %v at %v, want %s %v at %v", i, g.Type, g.Labels, g.Range(), w.Type, w.Labels, w.Range())
		}
		for name, wa := range w.Body.Attributes {
			ga := g.Body.Attributes[name]
			if ga == nil || ga.SrcRange != wa.SrcRange {
				t.Fatalf("block %d attribute %s: %v, want at %v", i, name, ga, wa.SrcRange)
			}
			gv, _ := ga.Expr.Value(nil)
			wv, _ := wa.Expr.Value(nil)
			if !gv.RawEquals(wv) {
				t.Fatalf("block %d attribute %s = %#v, want %#v", i, name, gv, wv)
			}
		}
	}
	if whole.Bytes == nil || len(whole.Bytes) != len(src) {
		t.Fatal("the whole file's bytes are not kept for diagnostics")
	}
	// The block around an offset deep in the file, as the diagnostic
	// writer names it.
	last := want[len(want)-1]
	if got, want := whole.Nav.(interface{ ContextString(int) string }).ContextString(last.Body.Attributes["date"].SrcRange.Start.Byte), `highlight "h2999"`; got != want {
		t.Errorf("ContextString = %q, want %q", got, want)
	}
}

// A piece that does not parse cleanly sends the file to the whole parse,
// so that its diagnostics are exactly HCL's.
func TestParsePiecesGivesUpOnErrors(t *testing.T) {
	src := []byte(bigSource(3000) + "highlight \"bad\" {\n  date = \n}\n")
	var ends []int
	parse.CheckSourceEnds(src, "big.rt.hcl", Limits{}, &ends)
	if _, _, ok := parse.Pieces(src, "big.rt.hcl", ends); ok {
		t.Fatal("Pieces accepted a file with a syntax error")
	}
	if _, _, ok := parse.Pieces([]byte(bigSource(3)), "small.rt.hcl", nil); ok {
		t.Fatal("Pieces cut a small file")
	}
}

// Loaded in pieces, a large configuration gives every item at its place,
// and reports its diagnostics as a whole one would, with the block around
// each.
func TestLoadLargeConfiguration(t *testing.T) {
	valid := strings.ReplaceAll(bigSource(3000), "  tags = [\n    1,\n", "  # tags = [\n  #  1,\n")
	valid = strings.ReplaceAll(valid, "  ]\n}", "  # ]\n}")
	valid = regexp.MustCompile(`(?m)^    \d+,\n`).ReplaceAllString(valid, "")
	cfg := mustLoad(t, map[string]string{"main.rt.hcl": valid}, LoadOptions{Now: testNow})
	if len(cfg.Highlights) != 3000 {
		t.Fatalf("%d highlights, want 3000", len(cfg.Highlights))
	}
	line := strings.Count(valid[:strings.Index(valid, `highlight "h2999"`)], "\n") + 1
	found := false
	for _, h := range cfg.Highlights {
		if h.Address == "highlight.h2999" {
			found = true
			if h.Range.Start.Line != line {
				t.Errorf("h2999 at line %d, want %d", h.Range.Start.Line, line)
			}
		}
	}
	if !found {
		t.Error("no highlight.h2999")
	}

	cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": bigSource(3000)}), LoadOptions{Now: testNow})
	if !diags.HasErrors() {
		t.Fatal("want errors: tags is no attribute of a highlight")
	}
	var b strings.Builder
	if err := hcldiag.Render(&b, cfg.Files, diags[len(diags)-1:], false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `, in highlight "h2999":`) || !strings.Contains(b.String(), "tags = [") {
		t.Errorf("the last diagnostic lacks its block or snippet:\n%s", b.String())
	}
}

// A key pasted deep into a large file is reported at its own line, not at
// its line within the piece that holds it.
func TestKeyInALargeFileIsReportedWhereItIs(t *testing.T) {
	src := bigSource(3000) + "locals {\n  k = \"AbCdEfGh1234567890AbCdEfGh1234567890ab\"\n}\n"
	_, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": src}), LoadOptions{Now: testNow})
	want := strings.Count(src, "\n") - 1
	for _, d := range diags {
		if d.Summary == "API key in configuration" {
			if d.Subject == nil || d.Subject.Start.Line != want {
				t.Fatalf("reported at %v, want line %d", d.Subject, want)
			}
			return
		}
	}
	t.Fatalf("no API key diagnostic in %v", diags)
}
