package main

import (
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/spec"
)

// reporter shows what an operation reports while it runs on stderr:
// diagnostics as HCL renders them, notices as notes.
type reporter struct {
	e       *env
	noColor bool
}

func (r *reporter) Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	if err := spec.RenderDiagnostics(r.e.stderr, files, diags, diagColor(r.e, r.noColor, r.e.stderr)); err != nil {
		fmt.Fprintf(r.e.stderr, "Error: rendering diagnostics: %v\n", err)
	}
}

func (r *reporter) Notice(msg string) {
	fmt.Fprintf(r.e.stderr, "Note: %s\n", msg)
}

// diagColor decides whether output to w is coloured: never with --no-color
// or NO_COLOR set, and only on a terminal.
func diagColor(e *env, noColor bool, w io.Writer) bool {
	return !noColor && e.getenv("NO_COLOR") == "" && e.isTerminal(w)
}
