package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestREADMEReleaseArchives holds the README's description of a release
// against .goreleaser.yaml: a .tar.gz (a .zip for Windows) holding the
// binary, the README, the license, completions in completions/ and man
// pages in man/man1/, and a checksums.txt (issue 24: the README's claims
// are each checked by a test).
func TestREADMEReleaseArchives(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Archives []struct {
			Formats   []string `yaml:"formats"`
			Overrides []struct {
				Goos    string   `yaml:"goos"`
				Formats []string `yaml:"formats"`
			} `yaml:"format_overrides"`
			Files []yaml.Node `yaml:"files"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			Algorithm    string `yaml:"algorithm"`
		} `yaml:"checksum"`
	}
	if err := yaml.Unmarshal(src, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Archives) != 1 {
		t.Fatalf("%d archives, want 1", len(c.Archives))
	}
	a := c.Archives[0]
	if !slices.Equal(a.Formats, []string{"tar.gz"}) || len(a.Overrides) != 1 || a.Overrides[0].Goos != "windows" || !slices.Equal(a.Overrides[0].Formats, []string{"zip"}) {
		t.Errorf("archive formats %v, overrides %+v: the README says .tar.gz, and .zip for Windows", a.Formats, a.Overrides)
	}
	var files []string
	for _, n := range a.Files {
		var f struct {
			Src string `yaml:"src"`
			Dst string `yaml:"dst"`
		}
		if n.Kind == yaml.ScalarNode {
			files = append(files, n.Value)
			continue
		}
		if err := n.Decode(&f); err != nil {
			t.Fatal(err)
		}
		files = append(files, f.Dst)
	}
	for _, want := range []string{"README.md", "LICENSE*", "completions", "man/man1"} {
		if !slices.Contains(files, want) {
			t.Errorf("the archives hold %v, not %s, which the README says they hold", files, want)
		}
	}
	if c.Checksum.NameTemplate != "checksums.txt" || c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum %+v: the README checks checksums.txt with sha256sum", c.Checksum)
	}
}

// TestREADMEInstallFromClone holds the install story of a repository
// without releases yet (issue 24, item 9): the README installs from a
// clone with go install ./cmd/rtctl, and the CI example takes the action
// with version: source, as the README says to until the first tag.
func TestREADMEInstallFromClone(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go install ./cmd/rtctl", "`uses: rtctl/rtctl@main` (better, a commit SHA) with\n`version: source`, as `examples/ci` does"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("the README does not say %q", want)
		}
	}
	src, err := os.ReadFile(filepath.Join(examplesDir, "ci", "rtctl.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Env  map[string]string `yaml:"env"`
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(src, &wf); err != nil {
		t.Fatal(err)
	}
	for name, job := range wf.Jobs {
		for _, s := range job.Steps {
			version := s.With["version"]
			if v, ok := strings.CutPrefix(version, "${{ env."); ok {
				version = wf.Env[strings.TrimSuffix(v, " }}")]
			}
			if strings.HasPrefix(s.Uses, "rtctl/rtctl@") && (s.Uses != "rtctl/rtctl@main" || version != "source") {
				t.Errorf("job %s takes %s with version %q, where the README says rtctl/rtctl@main with version: source until the first release", name, s.Uses, version)
			}
		}
	}
}
