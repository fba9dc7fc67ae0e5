//go:build unix

package spec

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

// boundaryCanary is the content of a file outside the configuration
// directory; no diagnostic may show it.
const boundaryCanary = "c4n4ry-outside-0123456789abcdef"

// TestLoadRefusesEntriesLeavingTheDirectory holds the directory to be a
// boundary: a configuration or variables file that is a symbolic link out
// of it is refused, naming the link and where it leads, and nothing of the
// target appears in any diagnostic; links that stay inside are read.
func TestLoadRefusesEntriesLeavingTheDirectory(t *testing.T) {
	const settings = "rtctl {\n  timezone = \"UTC\"\n}\nvariable \"x\" {\n  default = \"\"\n}\n"
	tests := []struct {
		name  string
		links map[string]string // entry -> target, relative to the configuration directory
		files map[string]string // besides main.rt.hcl
		want  string            // in an error's detail; "" means no error
	}{
		{name: "configuration file to a sibling", links: map[string]string{"e.rt.hcl": "../secret.env"},
			want: `e.rt.hcl is a symbolic link to "ROOT/secret.env", outside the configuration directory`},
		{name: "variables file to a sibling", links: map[string]string{"v.rtvars.hcl": "../secret.env"},
			want: "v.rtvars.hcl is a symbolic link to"},
		{name: "absolute target", links: map[string]string{"a.rt.hcl": "ABS/secret.env"},
			want: "a.rt.hcl is a symbolic link to"},
		{name: "process environment", links: map[string]string{"p.rtvars.hcl": "/proc/self/environ"},
			want: "p.rtvars.hcl is a symbolic link to"},
		{name: "a chain of links that leaves at its end",
			links: map[string]string{"c.rt.hcl": "sub/hop", "sub/hop": "../../secret.env"},
			files: map[string]string{"sub/keep": ""},
			want:  "c.rt.hcl is a symbolic link to"},
		{name: "the directory itself", links: map[string]string{"d.rt.hcl": "."},
			want: "d.rt.hcl is a directory; only regular files are read"},
		{name: "file() through a link", links: map[string]string{"notes.txt": "../secret.env"},
			files: map[string]string{"use.rt.hcl": "highlight \"h\" {\n  date = \"2026-11-20\"\n  description = file(\"notes.txt\")\n}\n"},
			want:  "cannot read notes.txt: it leads through a symbolic link to"},
		{name: "calendar through a link", links: map[string]string{"cal.ics": "../secret.env"},
			files: map[string]string{"use.rt.hcl": "data \"ical\" \"c\" {\n  path = \"cal.ics\"\n  window_start = \"2026-11-20\"\n  window_end = \"2026-11-21\"\n}\n"},
			want:  "Reading cal.ics for data.ical.c: it leads through a symbolic link to"},
		{name: "inside the directory", links: map[string]string{"i.rtvars.hcl": "sub/vars.txt"},
			files: map[string]string{"sub/vars.txt": "x = \"inside\"\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.WriteFile(filepath.Join(root, "secret.env"), []byte("TOKEN = \""+boundaryCanary+"\"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(root, "conf")
			files := map[string]string{"main.rt.hcl": settings}
			for k, v := range tt.files {
				files[k] = v
			}
			for name, content := range files {
				writeFile(t, filepath.Join(dir, name), content)
			}
			for name, target := range tt.links {
				target = strings.Replace(target, "ABS", root, 1)
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(target, path); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("RTCTL_TEST_CANARY", boundaryCanary)
			cfg, diags := Load(context.Background(), dir, LoadOptions{})
			// The temporary directory may itself be reached through a
			// link (/tmp on macOS).
			realRoot, err := filepath.EvalSymlinks(root)
			if err != nil {
				t.Fatal(err)
			}
			tt.want = strings.ReplaceAll(tt.want, "ROOT", realRoot)
			assertNoCanary(t, cfg, diags)
			if tt.want == "" {
				if diags.HasErrors() {
					t.Fatalf("unexpected errors: %s", diags.Error())
				}
				return
			}
			var found bool
			for _, d := range diags {
				if d.Severity == hcl.DiagError && strings.Contains(d.Detail, tt.want) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no error saying %q; got %s", tt.want, diags.Error())
			}
		})
	}
}

// assertNoCanary fails when the canary appears in a diagnostic, rendered
// with its snippets, or in a file kept for rendering them.
func assertNoCanary(t *testing.T, cfg *Config, diags hcl.Diagnostics) {
	t.Helper()
	var b strings.Builder
	if err := hcldiag.Render(&b, cfg.Files, diags, false); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%+v", hcldiag.NewReport(diags))
	for name, f := range cfg.Files {
		fmt.Fprintf(&b, "%s %s", name, f.Bytes)
	}
	if strings.Contains(b.String(), boundaryCanary) {
		t.Fatalf("the content of a file outside the directory is shown:\n%s", b.String())
	}
}

// TestVarFileFromTheCommandLineIsTrusted: a --var-file is the person's own
// choice and is read wherever it is, through links too; only the
// directory's entries are held to the boundary.
func TestVarFileFromTheCommandLineIsTrusted(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "conf")
	writeFile(t, filepath.Join(dir, "main.rt.hcl"), "rtctl {\n  timezone = \"UTC\"\n}\nvariable \"x\" {\n  default = \"\"\n}\n")
	writeFile(t, filepath.Join(root, "elsewhere", "values.hcl"), "x = \"from the command line\"\n")
	if err := os.Symlink(filepath.Join(root, "elsewhere", "values.hcl"), filepath.Join(root, "link.rtvars.hcl")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(root, "elsewhere", "values.hcl"), filepath.Join(root, "link.rtvars.hcl")} {
		_, diags := Load(context.Background(), dir, LoadOptions{VarFiles: []string{path}})
		if diags.HasErrors() {
			t.Errorf("--var-file %s: %s", path, diags.Error())
		}
	}
}
