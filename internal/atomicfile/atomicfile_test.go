package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesWholeAndPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte("old content, longer than the new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new" {
		t.Fatalf("got %q, %v", got, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("mode %v: readable by others", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left %d files behind, want only the target", len(entries))
	}
}

func TestWriteIntoMissingDirectoryFails(t *testing.T) {
	if err := Write(filepath.Join(t.TempDir(), "no", "such", "file"), []byte("x")); err == nil {
		t.Fatal("want an error")
	}
}

// plan -out, the OAuth token file and the sandbox state are written here: a
// link at the path is refused, not replaced and not followed.
func TestWriteRefusesSymlink(t *testing.T) {
	target := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	link := filepath.Join(dir, "plan.json")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	err := Write(link, []byte("new"))
	if err == nil || !strings.Contains(err.Error(), "refusing to write through the symbolic link "+link) {
		t.Fatalf("got %v, want a refusal naming the link", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("target changed: %q", b)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", info, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left %d files behind", len(entries))
	}
}

func TestWriteRefusesSymlinkedStateDir(t *testing.T) {
	elsewhere := t.TempDir()
	state := filepath.Join(t.TempDir(), ".rtctl")
	if err := os.Symlink(elsewhere, state); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	err := Write(filepath.Join(state, "sandbox.json"), []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "refusing to write through the symbolic link "+state) {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("wrote %d files through the link", len(entries))
	}
}
