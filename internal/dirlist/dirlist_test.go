package dirlist

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFiles(t *testing.T) {
	root := t.TempDir()
	// Names of directories that are patterns, and a sibling each would
	// match as one.
	for _, d := range []string{"x*", "xa", "a[b", "q?"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{
		"xa/journal.jsonl", "x*/journal-1.jsonl", "x*/journal.jsonl.lock", "x*/other.jsonl",
		"x*/journal", "x*/journal.jsonl.jsonl", "a[b/journal.jsonl",
	} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "x*", "journal-dir.jsonl"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir, prefix, suffix string
		want                []string
	}{
		{"x*", "journal", ".jsonl", []string{"x*/journal-1.jsonl", "x*/journal.jsonl.jsonl"}},
		{"a[b", "journal", ".jsonl", []string{"a[b/journal.jsonl"}},
		{"xa", "", ".rt.hcl", nil},
		{"q?", "", "", nil},
		{"absent", "journal", ".jsonl", nil},
		// "journal" does not both start with "journal" and end with
		// ".jsonl" on its own.
		{"x*", "journal", "l", []string{"x*/journal-1.jsonl", "x*/journal.jsonl.jsonl"}},
	}
	for _, tt := range tests {
		got, err := Files(filepath.Join(root, tt.dir), tt.prefix, tt.suffix)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, w := range tt.want {
			want = append(want, filepath.Join(root, w))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Files(%q, %q, %q) (-want +got):\n%s", tt.dir, tt.prefix, tt.suffix, diff)
		}
	}
}
