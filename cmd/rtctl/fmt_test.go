package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFmtRewritesAtomicallyKeepingMode checks that fmt replaces a file
// through a temporary file and a rename (nothing is left beside it) and that
// the file keeps its permissions.
func TestFmtRewritesAtomicallyKeepingMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "main.rt.hcl")
	if err := os.WriteFile(path, []byte("rtctl {\ntimezone=\"UTC\"\n}\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }, now: time.Now, isTerminal: func(any) bool { return false }}
	if code := run([]string{"fmt", dir}, e); code != 0 {
		t.Fatalf("fmt exited %d: %s", code, out.String())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "rtctl {\n  timezone = \"UTC\"\n}\n"; string(got) != want {
		t.Errorf("formatted to %q, want %q", got, want)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Mode().Perm() != 0o640 {
		t.Errorf("mode %v after fmt, want 0640", after.Mode().Perm())
	}
	if os.SameFile(before, after) {
		t.Error("the file was rewritten in place, not replaced by a rename")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("fmt left files beside the configuration: %v", entries)
	}
}
