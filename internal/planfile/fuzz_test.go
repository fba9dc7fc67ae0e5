package planfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds Read and Restore arbitrary files: a saved plan is input
// like any other (a plan from a pull request, a damaged download), and
// reading it must end in a plan or an error, never a panic. Seeded with
// the plan the views' golden files describe, as a file Write would make.
func FuzzRead(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("..", "views", "testdata", "plan.json"))
	if err != nil {
		f.Fatal(err)
	}
	var p json.RawMessage = golden
	file, err := json.Marshal(map[string]any{
		"format_version": "1.1", "config_dir": ".", "config_hash": "h", "target": "t",
		"inputs":  map[string]any{"vars": map[string]string{"who": "Bob"}, "targets": []string{"highlight.x"}},
		"sources": map[string]string{"file main.rt.hcl": "00"},
		"plan":    p,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(file)
	f.Add([]byte(`{"format_version":"1.0","plan":{"items":[{"address":"x","kind":"offline_time"}]}}`))
	f.Add([]byte(`{"format_version":"1","plan":{"now":"not a time"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.plan")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		pf, err := Read(path)
		if err != nil {
			return
		}
		p, err := pf.Restore()
		if err != nil {
			return
		}
		// A restored plan is one the views and apply can go through.
		_ = p.Summary()
		_ = p.HasChanges()
	})
}
