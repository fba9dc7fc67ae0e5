package spec

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

// updateGolden is the one switch that rewrites every golden file of the
// module (README, "Developing rtctl"): RTCTL_UPDATE_GOLDEN=1.
var updateGolden = os.Getenv("RTCTL_UPDATE_GOLDEN") != ""

// goldenSection is the archive member holding the expected rendering of the
// diagnostics; every other member is written into the configuration
// directory.
const goldenSection = "want.golden"

// TestFixtures loads each testdata/{invalid,warning,valid}/*.txtar and
// compares the rendered diagnostics with the archive's want.golden section.
// The archive's comment may set options, one per line:
//
//	var: name=value
//	var-file: path
//	env: NAME=value
//
// Invalid fixtures must produce an error, warning fixtures warnings and no
// error, valid fixtures nothing at all. Run with
// RTCTL_UPDATE_GOLDEN=1 to rewrite the golden sections.
func TestFixtures(t *testing.T) {
	for _, kind := range []string{"invalid", "warning", "valid"} {
		paths, err := filepath.Glob(filepath.Join("testdata", kind, "*.txtar"))
		if err != nil {
			t.Fatal(err)
		}
		if kind == "invalid" && len(paths) < 30 {
			t.Errorf("only %d invalid fixtures; the corpus should hold at least 30", len(paths))
		}
		for _, path := range paths {
			t.Run(kind+"/"+strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
				runFixture(t, kind, path)
			})
		}
	}
}

func runFixture(t *testing.T, kind, path string) {
	path, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := map[string]string{}
	opts := LoadOptions{Vars: map[string]string{}, Getenv: func(k string) string { return env[k] }}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		key, val, ok := strings.Cut(line, ": ")
		switch {
		case !ok:
		case key == "var":
			n, v, err := ParseVarArg(val)
			if err != nil {
				t.Fatal(err)
			}
			opts.Vars[n] = v
		case key == "var-file":
			opts.VarFiles = append(opts.VarFiles, val)
		case key == "env":
			n, v, _ := strings.Cut(val, "=")
			env[n] = v
		}
	}
	var want []byte
	for _, f := range ar.Files {
		if f.Name == goldenSection {
			want = f.Data
			continue
		}
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Loading "." from inside the directory keeps file names in messages
	// short and the golden text independent of where the test runs.
	t.Chdir(dir)
	cfg, diags := Load(context.Background(), ".", opts)
	var buf bytes.Buffer
	if err := hcldiag.Render(&buf, cfg.Files, diags, false); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()

	switch kind {
	case "invalid":
		if !diags.HasErrors() {
			t.Errorf("no error reported")
		}
	case "warning":
		if diags.HasErrors() || len(diags) == 0 {
			t.Errorf("want warnings only, got %d diagnostics with errors=%v", len(diags), diags.HasErrors())
		}
	case "valid":
		if len(diags) > 0 {
			t.Errorf("want no diagnostics, got %d", len(diags))
		}
	}
	if updateGolden {
		var files []txtar.File
		for _, f := range ar.Files {
			if f.Name != goldenSection {
				files = append(files, f)
			}
		}
		if len(got) > 0 {
			files = append(files, txtar.File{Name: goldenSection, Data: got})
		}
		ar.Files = files
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("diagnostics differ (-want +got):\n%s", diff)
	}
}
