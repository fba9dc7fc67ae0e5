package spec

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/rtctl/rtctl/pkg/spec/parse"
)

// Format returns src in canonical layout, as terraform fmt writes HCL. It
// refuses source with syntax errors rather than guess at its layout, and
// source past the limits (size, nesting) before a parser sees it: HCL's
// parsers recurse, and 100,000 nested parentheses would overflow the stack.
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	if diags := parse.CheckSource(src, filename, Limits{}); diags.HasErrors() {
		return nil, diags
	}
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	return hclwrite.Format(src), nil
}

// IsFormattable reports whether a file name is one rtctl fmt rewrites when
// it formats a directory.
func IsFormattable(name string) bool {
	return strings.HasSuffix(name, ConfigFileSuffix) || strings.HasSuffix(name, VarsFileSuffix)
}

// FormattableFiles lists the configuration and variables files of dir, in
// lexical order.
func FormattableFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && IsFormattable(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}
