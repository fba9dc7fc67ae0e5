package layers

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/rtctl/rtctl/"

// layerOf places each package of the module, by path below the module: a
// package may import packages of its own layer or of a layer with a larger
// number, never a smaller one. docs/architecture.md draws the same table.
var layerOf = map[string]int{
	// 1. Programs: the command line (flags, choosing a view, calling the
	// operation layer) and the benchmarks' launchers.
	"cmd/rtctl": 1, "bench": 1, "bench/floor": 1, "bench/launch": 1,
	// 2. Views, beside the command line: the only renderer.
	"internal/views": 2, "internal/views/hcldiag": 2, "internal/jsonplan": 2,
	// 3. The operation layer: what a command does, in sequence.
	"pkg/workspace": 3, "pkg/reads": 3, "pkg/authorize": 3, "pkg/sandbox": 3,
	// 4. Planning and applying, the saved plan, where the journal lives.
	"pkg/plan": 4, "pkg/apply": 4, "internal/planfile": 4,
	"pkg/backend": 4, "pkg/backend/git": 4, "pkg/backend/git/gittest": 4,
	// 5. The language and its data sources, the API client and emulator,
	// calendars, the journal.
	"pkg/spec": 5, "pkg/spec/confdir": 5, "pkg/spec/datasource": 5,
	"pkg/spec/datasource/gitlog": 5, "pkg/spec/datasource/ical": 5,
	"pkg/spec/funcs": 5, "pkg/spec/internal/gittest": 5, "pkg/spec/internal/hostile": 5,
	"pkg/spec/limits": 5, "pkg/spec/parse": 5, "pkg/spec/redact": 5,
	"pkg/spec/reference": 5, "pkg/spec/values": 5, "pkg/spec/zones": 5,
	"pkg/calendar": 5, "pkg/rtapi": 5, "pkg/rtapi/emulator": 5, "pkg/journal": 5,
	"internal/hclfmt": 5, "internal/hclgen": 5,
	// 6. Helpers every layer may use: files, time limits, secrets, text.
	"internal/atomicfile": 6, "internal/clip": 6, "internal/ctxtime": 6,
	"internal/dirlist": 6, "internal/safefile": 6, "internal/secretfile": 6,
	"internal/secretscan": 6, "internal/termsafe": 6, "internal/logging": 6,
	"internal/layers": 6,
}

// TestNothingImportsUp lists every package of the module with its imports
// (production code only: a test may reach anywhere) and fails when a
// package imports one of a higher layer, or when a package has no layer.
func TestNothingImportsUp(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the imports: %v", err)
	}
	out, err := exec.Command(gotool, "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		listed[pkg] = true
		from, ok := layerOf[pkg]
		if !ok {
			t.Errorf("%s has no layer: give it one in layerOf and docs/architecture.md", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			dep, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			if to, ok := layerOf[dep]; ok && to < from {
				t.Errorf("%s (layer %d) imports %s (layer %d): nothing below imports up", pkg, from, dep, to)
			}
		}
	}
	if len(listed) < 20 {
		t.Fatalf("go list listed only %d packages", len(listed))
	}
	for pkg := range layerOf {
		if !listed[pkg] {
			t.Errorf("layerOf places %s, which is no longer a package: remove it", pkg)
		}
	}
}
