package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// symlink makes a link or skips the test where the OS does not let us
// (Windows without the privilege).
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpenFileRefusesLinkAtPath(t *testing.T) {
	target := filepath.Join(t.TempDir(), "victim")
	mustWrite(t, target, "keep me")
	dir := t.TempDir()
	link := filepath.Join(dir, "journal.jsonl")
	symlink(t, target, link)

	for name, open := range map[string]func() (*os.File, error){
		"append": func() (*os.File, error) { return OpenAppend(link, 0o600) },
		"rdwr":   func() (*os.File, error) { return OpenFile(link, os.O_RDWR|os.O_CREATE, 0o600) },
		"trunc":  func() (*os.File, error) { return OpenFile(link, os.O_WRONLY|os.O_TRUNC, 0o600) },
	} {
		f, err := open()
		if err == nil {
			f.Close()
			t.Fatalf("%s: opened through the link", name)
		}
		var le *LinkError
		if !errors.As(err, &le) || le.Path != link {
			t.Errorf("%s: got %v, want a LinkError naming %s", name, err, link)
		}
		want := "refusing to write through the symbolic link " + link + "; remove it"
		if err.Error() != want {
			t.Errorf("%s: message %q, want %q", name, err, want)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("target changed: %q", b)
	}
	// A dangling link is refused too: O_CREATE would create its target.
	dangling := filepath.Join(dir, "lock")
	missing := filepath.Join(t.TempDir(), "created-elsewhere")
	symlink(t, missing, dangling)
	if f, err := OpenAppend(dangling, 0o600); err == nil {
		f.Close()
		t.Fatal("opened a dangling link")
	}
	if _, err := os.Lstat(missing); err == nil {
		t.Error("created the file a dangling link names")
	}
}

func TestStateDirLinkIsRefused(t *testing.T) {
	elsewhere := t.TempDir()
	root := t.TempDir()
	state := filepath.Join(root, StateDirName)
	symlink(t, elsewhere, state)
	path := filepath.Join(state, "journal.jsonl")

	checks := map[string]func() error{
		"OpenAppend": func() error {
			f, err := OpenAppend(path, 0o600)
			if err == nil {
				f.Close()
			}
			return err
		},
		"Check":         func() error { return Check(path) },
		"MkdirAll":      func() error { return MkdirAll(state, 0o700) },
		"MkdirAll deep": func() error { return MkdirAll(filepath.Join(state, "sub"), 0o700) },
	}
	for name, f := range checks {
		err := f()
		var le *LinkError
		if !errors.As(err, &le) || le.Path != state || !le.Dir {
			t.Errorf("%s: got %v, want a LinkError for the state directory", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "refusing to write through the symbolic link "+state) {
			t.Errorf("%s: message %q", name, err)
		}
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("%d entries created through the link", len(entries))
	}
}

// Directories other than .rtctl are the user's choice (e.g. /tmp is a link
// on macOS): they are followed.
func TestOtherDirectoryLinksAreFollowed(t *testing.T) {
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "tmp")
	symlink(t, real, link)
	f, err := OpenAppend(filepath.Join(link, "plan.json"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := MkdirAll(filepath.Join(link, "a", StateDirName), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(real, "a", StateDirName)); err != nil {
		t.Fatal(err)
	}
}

func TestMkdirAllCreatesPrivateStateDir(t *testing.T) {
	state := filepath.Join(t.TempDir(), "cfg", StateDirName)
	if err := MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(state)
	if err != nil || !info.IsDir() {
		t.Fatalf("%v, %v", info, err)
	}
	// A file where the directory should be is named.
	file := filepath.Join(t.TempDir(), StateDirName)
	mustWrite(t, file, "")
	var nr *NotRegularError
	if err := MkdirAll(file, 0o700); !errors.As(err, &nr) {
		t.Errorf("state dir that is a file: %v", err)
	}
}

func TestOpenFileRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "journal.jsonl")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := OpenAppend(sub, 0o600)
	var nr *NotRegularError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), "is a directory, not a regular file") {
		t.Errorf("directory: %v", err)
	}
}

func TestReadFile(t *testing.T) {
	if runtime.GOOS != "windows" {
		var nr *NotRegularError
		if _, err := ReadFile("/dev/zero", 1<<20); !errors.As(err, &nr) {
			t.Errorf("/dev/zero: %v", err)
		}
	}
	path := filepath.Join(t.TempDir(), "state.json")
	mustWrite(t, path, "0123456789")
	if b, err := ReadFile(path, 10); err != nil || string(b) != "0123456789" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(path, 9); !errors.As(err, &tl) || !strings.Contains(err.Error(), "larger than 9 bytes") {
		t.Errorf("over the limit: %v", err)
	}
	// Reading follows a link to a regular file.
	link := filepath.Join(t.TempDir(), "link")
	symlink(t, path, link)
	if b, err := ReadFile(link, 100); err != nil || string(b) != "0123456789" {
		t.Errorf("through a link: %q, %v", b, err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{64 << 10: "64 KiB", 16 << 20: "16 MiB", 300: "300 bytes", 1 << 30: "1 GiB", 1500: "1500 bytes"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// A .rtctl that is a file, where a directory belongs, is named for what it
// is and what it should be ("a regular file, not a regular file" said
// neither).
func TestStateDirThatIsAFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), StateDirName)
	if err := os.WriteFile(state, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := state + " is a regular file, not a directory; remove it or choose another path"
	for name, err := range map[string]error{
		"Check":    Check(filepath.Join(state, "token.txt")),
		"MkdirAll": MkdirAll(filepath.Join(state, "sub"), 0o700),
	} {
		var nr *NotRegularError
		if !errors.As(err, &nr) || err.Error() != want {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
}
