package spec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// local is one attribute of a locals {} block.
type local struct {
	Name      string
	Expr      hcl.Expression
	DeclRange hcl.Range
}

// decodeLocalsBlock returns the block's attributes as locals, in source
// order. Locals may appear in any order: evaluation follows references.
func decodeLocalsBlock(block *hcl.Block) ([]*local, hcl.Diagnostics) {
	attrs, diags := block.Body.JustAttributes()
	out := make([]*local, 0, len(attrs))
	for name, a := range attrs {
		diags = append(diags, checkName("local value", name, a.NameRange)...)
		out = append(out, &local{Name: name, Expr: a.Expr, DeclRange: a.Range})
	}
	sortByRange(out, func(l *local) hcl.Range { return l.DeclRange })
	return out, diags
}

func duplicateLocal(l, prev *local) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate local value definition",
		Detail:   fmt.Sprintf("A local value named %q was already defined at %s. Local value names must be unique.", l.Name, prev.DeclRange),
		Subject:  l.DeclRange.Ptr(),
	}
}
