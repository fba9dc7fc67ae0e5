package main

import (
	"io"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

// reporter shows what an operation reports while it runs on stderr:
// diagnostics as HCL renders them, notices as notes.
type reporter struct {
	e       *env
	noColor bool
}

func (r *reporter) Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	hcldiag.Show(r.e.stderr, files, diags, diagColor(r.e, r.noColor, r.e.stderr))
}

func (r *reporter) Notice(msg string) {
	// A notice may name a file of the directory: the view escapes it.
	r.e.out().Note(msg)
}

// diagColor decides whether output to w is coloured: never with --no-color
// or NO_COLOR set, and only on a terminal that shows escape sequences.
func diagColor(e *env, noColor bool, w io.Writer) bool {
	return !noColor && e.getenv("NO_COLOR") == "" && e.ansiTerminal(w)
}
