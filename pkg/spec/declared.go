package spec

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/zones"

	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Declarations are the names a configuration declares, read from its
// files without evaluating anything: for shell completion, which must be
// quick and must not fetch a calendar or run git.
type Declarations struct {
	// Resources are the addresses of the resource blocks, such as
	// highlight.release (an instance's key is known only once evaluated).
	Resources []string
	// Variables are the declared variables' names.
	Variables []string
	// Timezone is rtctl.timezone when it is written as a plain string
	// (the read commands read the account's times in it); "" otherwise.
	Timezone string
	// Backend is rtctl.backend when it is written as a plain string:
	// every command, not only plan and apply, must keep the journal
	// where the configuration says; "" otherwise.
	Backend string
}

// Declared reads the declarations of the *.rt.hcl files of dir, with the
// same rules as Load (regular files inside dir, within DefaultLimits); a
// file that cannot be read or parsed is skipped.
func Declared(dir string) Declarations {
	var d Declarations
	entries, err := os.ReadDir(dir)
	if err != nil {
		return d
	}
	limits := DefaultLimits()
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ConfigFileSuffix) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, diag := confdir.ReadSource(dir, path, "configuration file", limits.MaxFileBytes)
		if diag != nil {
			continue
		}
		f, diags := hclsyntax.ParseConfig(b, path, hcl.InitialPos)
		if diags.HasErrors() {
			continue
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, blk := range body.Blocks {
			switch {
			case blk.Type == "rtctl" && len(blk.Labels) == 0:
				d.Timezone = literalString(blk.Body, "timezone", d.Timezone)
				d.Backend = literalString(blk.Body, "backend", d.Backend)
			case blk.Type == "variable" && len(blk.Labels) == 1:
				d.Variables = append(d.Variables, blk.Labels[0])
			case (blk.Type == KindOfflineTime || blk.Type == KindHighlight || blk.Type == KindFocusSession) && len(blk.Labels) == 1:
				d.Resources = append(d.Resources, blk.Type+"."+blk.Labels[0])
			}
		}
	}
	sort.Strings(d.Resources)
	sort.Strings(d.Variables)
	return d
}

// literalString is body's attribute name when it is a plain string, else
// otherwise.
func literalString(body *hclsyntax.Body, name, otherwise string) string {
	if a, ok := body.Attributes[name]; ok {
		if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			return v.AsString()
		}
	}
	return otherwise
}

// ZoneNames are the IANA time zone names rtctl knows, sorted.
func ZoneNames() []string { return zones.Names() }
