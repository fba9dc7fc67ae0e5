package secretfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const secret = "s3cr3t-KEY-abc123"

func write(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

func TestReadTrims(t *testing.T) {
	for name, content := range map[string]string{
		"bare":         secret,
		"newline":      secret + "\n",
		"CRLF":         secret + "\r\n",
		"spaces":       "  " + secret + " \t\n\n",
		"byte order":   "\ufeff" + secret + "\r\n",
		"at the limit": secret + strings.Repeat(" ", MaxBytes-len(secret)),
	} {
		path := write(t, "key", content, 0o600)
		got, warning, err := Read(path)
		if err != nil || got != secret || warning != "" {
			t.Errorf("%s: %q, %q, %v", name, got, warning, err)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		path string
		want string
	}{
		"directory": {dir, "is a directory, not a regular file"},
		"empty":     {write(t, "empty", " \n\t", 0o600), "is empty"},
		"two lines": {write(t, "two", secret+"\n"+secret+"\n", 0o600), "holds more than one line"},
		"NUL":       {write(t, "nul", secret+"\x00x", 0o600), "holds control characters"},
		"too big":   {write(t, "big", strings.Repeat("k", MaxBytes+1), 0o600), "is larger than 64 KiB"},
	}
	if runtime.GOOS != "windows" {
		cases["/dev/zero"] = struct{ path, want string }{"/dev/zero", "is a character device, not a regular file"}
	}
	for name, c := range cases {
		_, _, err := Read(c.path)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), c.path+" ") {
			t.Errorf("%s: got %v, want %q", name, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error shows the content: %v", name, err)
		}
	}
	_, _, err := Read(filepath.Join(dir, "missing"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestPermissionWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no mode bits")
	}
	for mode, want := range map[os.FileMode]string{
		0o600: "",
		0o400: "",
		0o644: "can be read by other users (mode 0644); run: chmod 600 ",
		0o640: "can be read by other users (mode 0640)",
		0o620: "can be changed by other users (mode 0620)",
	} {
		path := write(t, "key", secret, mode)
		_, warning, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if (want == "") != (warning == "") || !strings.Contains(warning, want) {
			t.Errorf("mode %04o: warning %q, want %q", mode, warning, want)
		}
		if warning != "" && !strings.HasSuffix(warning, "chmod 600 "+path) {
			t.Errorf("mode %04o: the advice does not name the file: %q", mode, warning)
		}
	}
	odd := filepath.Join(t.TempDir(), "it's a key")
	if err := os.WriteFile(odd, []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(odd, 0o644)
	if _, warning, _ := Read(odd); !strings.HasSuffix(warning, `chmod 600 '`+filepath.Dir(odd)+`/it'\''s a key'`) {
		t.Errorf("quoting: %q", warning)
	}
}

// A link to a regular file is followed: secret stores mount secrets so.
func TestReadFollowsLinks(t *testing.T) {
	target := write(t, "key", secret+"\n", 0o600)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	if got, _, err := Read(link); err != nil || got != secret {
		t.Errorf("%q, %v", got, err)
	}
}
