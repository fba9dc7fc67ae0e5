package planfile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds Read and Restore arbitrary files: a saved plan is input
// like any other (a plan from a pull request, a damaged download), and
// reading it must end in a plan or an error, never a panic. Seeded with a
// file Write made of a plan with every kind of action, the same with its
// checksum left unchecked (the mutator rarely keeps a checksum right, and
// the body's decoding and the plan's checks must be reached too), and a
// plan of the old format.
func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), nil, 0o644); err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, "seed.plan")
	meta := Meta{ConfigDir: dir, ConfigHash: "h", Target: "t", Sources: map[string]string{"file main.rt.hcl": "00"},
		Inputs: Inputs{Vars: map[string]string{"who": "Bob"}, Targets: []string{"highlight.x"}}}
	if err := Write(path, testPlan(f), meta); err != nil {
		f.Fatal(err)
	}
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, true)
	f.Add(seed, false)
	f.Add([]byte(`{"format_version":"1.1","plan":{"actions":[{"address":"x","kind":"offline_time"}]}}`), true)
	f.Add([]byte(Magic+" "+Version+" sha256:00\n{\"plan\":{\"timezone\":\"UTC\",\"actions\":[{\"status\":\"create\",\"kind\":\"x\"}]}}"), false)
	f.Fuzz(func(t *testing.T, data []byte, checked bool) {
		path := filepath.Join(t.TempDir(), "fuzz.plan")
		if !checked {
			data = withChecksum(data)
		}
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

// withChecksum gives data's body (what follows its first line) the header
// of this version with the body's right checksum.
func withChecksum(data []byte) []byte {
	_, body, ok := cutLine(data)
	if !ok {
		body = data
	}
	return append(header(body), body...)
}
