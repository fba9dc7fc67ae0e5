package main

import (
	"os"
	"path/filepath"
	"slices"
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
