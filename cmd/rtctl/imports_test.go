package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// modulePath is this module's path: imports under it are rtctl's layers.
const modulePath = "github.com/rtctl/rtctl/"

// allowedImports are the packages of rtctl that any file of cmd/rtctl may
// import (DESIGN.md, "Layout": cmd reaches the account only through the
// operation layer and writes only through views), with why.
var allowedImports = map[string]string{
	"pkg/workspace":          "the operation layer",
	"pkg/reads":              "the read commands' operations, a sibling of pkg/workspace",
	"pkg/authorize":          "rtctl auth's OAuth2 flow, a sibling of pkg/workspace",
	"internal/views":         "the only renderer",
	"internal/views/hcldiag": "the renderer of HCL diagnostics, a part of views",
	// What main wires in: the operation layer takes them as options.
	"internal/logging": "the run's logger, and the redactor every output passes",
	"pkg/sandbox":      "the built-in account behind --sandbox, wired into workspace.Options.Sandbox",
}

// fileImports are what one file may import beyond allowedImports: what the
// file is, each with its reason (issue 23 moved the rest). A new
// entry needs as good a reason.
var fileImports = map[string]map[string]string{
	// rtctl emulator IS the emulator, served.
	"emulator.go": {"pkg/rtapi/emulator": "rtctl emulator serves it"},
	// rtctl gendocs writes the cobra tree's man pages and completions,
	// installed docs rather than anything of an account.
	"gendocs.go": {"internal/atomicfile": "writes the generated docs"},
}

// TestImportsOnlyTheOperationLayerAndViews fails when a file of cmd/rtctl
// imports one of rtctl's packages outside allowedImports and its own
// fileImports: the command line parses flags, chooses a view and calls the
// operation layer, nothing else. It reads the files themselves, whatever
// their build constraints, so that a Windows-only file counts too.
func TestImportsOnlyTheOperationLayerAndViews(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			pkg, ok := strings.CutPrefix(path, modulePath)
			if !ok {
				continue
			}
			if used[name] == nil {
				used[name] = map[string]bool{}
			}
			used[name][pkg] = true
			if _, ok := allowedImports[pkg]; ok {
				continue
			}
			if _, ok := fileImports[name][pkg]; ok {
				continue
			}
			t.Errorf("%s imports %s: cmd/rtctl reaches rtctl only through the operation layer (pkg/workspace, pkg/reads, pkg/authorize) and writes only through internal/views; move what it needs there, or add it to this test's lists with the reason", name, pkg)
		}
	}
	// An exception nobody needs any more is removed, so that the lists
	// say what is left.
	for name, pkgs := range fileImports {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("fileImports names %s, which is not a file of cmd/rtctl", name)
			continue
		}
		for pkg := range pkgs {
			if !used[name][pkg] {
				t.Errorf("fileImports lets %s import %s, which it no longer does: remove the entry", name, pkg)
			}
		}
	}
	if len(used) == 0 || !slices.ContainsFunc(files, func(f string) bool { return f == "main.go" }) {
		t.Fatalf("read no file of cmd/rtctl (%d files)", len(files))
	}
}
