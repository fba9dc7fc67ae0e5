package main

import (
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/spec"
)

// reporter shows what an operation reports while it runs on stderr:
// diagnostics as HCL renders them, notices as notes.
type reporter struct {
	e       *env
	noColor bool
}

func (r *reporter) Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	if err := hcldiag.Render(r.e.stderr, files, diags, diagColor(r.e, r.noColor, r.e.stderr)); err != nil {
		fmt.Fprintf(r.e.stderr, "Error: rendering diagnostics: %v\n", err)
	}
	limitHints(r.e.stderr, diags)
}

// limitHints says how to raise each limit the diagnostics report reaching,
// when a person may.
func limitHints(w io.Writer, diags hcl.Diagnostics) {
	seen := map[string]bool{}
	for _, d := range diags {
		le, ok := d.Extra.(spec.LimitExceeded)
		if !ok {
			if p, isPtr := d.Extra.(*spec.LimitExceeded); isPtr && p != nil {
				le, ok = *p, true
			}
		}
		name := spec.LimitName(le.Limit)
		if !ok || name == "" || seen[name] {
			continue
		}
		seen[name] = true
		fmt.Fprintf(w, "Note: if the configuration needs more, raise the limit: --limit %s=%d\n", name, le.Value*2)
	}
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
