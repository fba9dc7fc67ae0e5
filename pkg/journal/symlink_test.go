package journal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A repository can commit symbolic links inside .rtctl; git stores them.
// Nothing rtctl writes there may follow one.

// victim is a file outside .rtctl that a committed link points at.
func victim(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "precious.txt")
	content := []byte("someone's precious file\n")
	must(t, os.WriteFile(path, content, 0o600))
	return path, content
}

// symlink makes a link or skips where the OS does not let us (Windows
// without the privilege).
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
}

func checkUntouched(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("the file behind the link changed: %q, want %q", got, want)
	}
}

func checkLinkRefusal(t *testing.T, err error, link string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error: wrote through the link")
	}
	if !strings.Contains(err.Error(), "symbolic link") || !strings.Contains(err.Error(), link) {
		t.Errorf("error does not name the link %s: %v", link, err)
	}
}

func TestLockRefusesSymlinkedLockFile(t *testing.T) {
	target, content := victim(t)
	dir := filepath.Join(t.TempDir(), ".rtctl")
	must(t, os.MkdirAll(dir, 0o700))
	jpath := filepath.Join(dir, "journal.jsonl")
	link := LockPath(jpath)
	symlink(t, target, link)
	l, err := Acquire(context.Background(), jpath, AcquireOptions{Now: fixedNow})
	if err == nil {
		l.Release()
	}
	checkLinkRefusal(t, err, link)
	checkUntouched(t, target, content)
}

func TestWriterRefusesSymlinkedJournal(t *testing.T) {
	target, content := victim(t)
	dir := filepath.Join(t.TempDir(), ".rtctl")
	must(t, os.MkdirAll(dir, 0o700))
	jpath := filepath.Join(dir, "journal.jsonl")
	symlink(t, target, jpath)
	w, err := OpenWriter(locked(t, jpath), jpath, fixedNow, "run-1", testAccount)
	if err == nil {
		w.Append(Entry{Type: Intent, Key: "k"})
		w.Close()
	}
	checkLinkRefusal(t, err, jpath)
	checkUntouched(t, target, content)
}

// A .rtctl that is itself a link would put every file rtctl writes
// wherever it points.
func TestSymlinkedStateDirIsRefused(t *testing.T) {
	elsewhere := t.TempDir()
	root := t.TempDir()
	link := filepath.Join(root, ".rtctl")
	symlink(t, elsewhere, link)
	jpath := filepath.Join(link, "journal.jsonl")

	// Acquire refuses the link (below), so no writer could hold this
	// journal's lock; a lock made to cover it shows that the writer
	// checks for itself.
	held := locked(t, filepath.Join(root, "journal.jsonl"))
	held.journal = absPath(jpath)
	w, err := OpenWriter(held, jpath, fixedNow, "run-1", testAccount)
	if err == nil {
		w.Close()
	}
	checkLinkRefusal(t, err, link)
	l, err := Acquire(context.Background(), jpath, AcquireOptions{Now: fixedNow})
	if err == nil {
		l.Release()
	}
	checkLinkRefusal(t, err, link)
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("wrote %d files through the linked directory", len(entries))
	}
}

func TestLockRefusesSymlinkedHolderFile(t *testing.T) {
	target, content := victim(t)
	dir := filepath.Join(t.TempDir(), ".rtctl")
	must(t, os.MkdirAll(dir, 0o700))
	jpath := filepath.Join(dir, "journal.jsonl")
	link := HolderPath(LockPath(jpath))
	symlink(t, target, link)
	l, err := Acquire(context.Background(), jpath, AcquireOptions{Now: fixedNow})
	if err == nil {
		l.Release()
	}
	checkLinkRefusal(t, err, link)
	checkUntouched(t, target, content)
	// The refusal released the lock.
	must(t, os.Remove(link))
	l, err = Acquire(context.Background(), jpath, AcquireOptions{Now: fixedNow})
	must(t, err)
	must(t, l.Release())
}

func TestReadRefusesDevicesAndDirectories(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "is a directory, not a regular file") {
		t.Errorf("directory: %v", err)
	}
	if _, err := os.Stat("/dev/urandom"); err != nil {
		return
	}
	link := filepath.Join(dir, "journal.jsonl")
	symlink(t, "/dev/urandom", link)
	if _, err := Read(link); err == nil || !strings.Contains(err.Error(), "character device") {
		t.Errorf("link to /dev/urandom: %v", err)
	}
}
