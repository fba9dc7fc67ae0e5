package spec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzLoad feeds arbitrary source to the loader: whatever the input, it
// must return diagnostics, never panic. The seed corpus is every fixture and
// example.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	for _, p := range seeds {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ConfigFileSuffix) {
				f.Add(file.Data)
			}
		}
	}
	examples, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*"+ConfigFileSuffix))
	for _, p := range examples {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		l := newLoader(context.Background(), t.TempDir(), LoadOptions{})
		l.load([]source{{name: "fuzz.rt.hcl", src: src}}, nil)
		if !l.diags.HasErrors() && l.cfg.Hash == "" {
			t.Error("valid configuration without a hash")
		}
		for _, d := range l.diags {
			if d.Summary == "" {
				t.Errorf("diagnostic without a summary: %#v", d)
			}
		}
	})
}
