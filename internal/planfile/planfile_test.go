package planfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/plan"
)

func TestWriteRead(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg")
	if err := os.MkdirAll(cfg, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "main.rt.hcl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Now: time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC), Location: time.UTC, Lookback: 24 * time.Hour}
	path := filepath.Join(dir, "out", "x.plan")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, p, Meta{ConfigDir: cfg, ConfigHash: "h", Target: "t"}); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.ConfigDir != cfg || f.ConfigHash != "h" || f.Target != "t" {
		t.Errorf("read back %+v", f.Meta)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("saved plan mode %v, want 0600", st.Mode().Perm())
	}
}

func TestReadRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := filepath.Join(dir, "big.plan")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct {
		name, path, want string
	}{
		{"not a plan", write("a.plan", "hello"), "is not a saved rtctl plan"},
		{"too large", big, "larger than"},
		{"a directory", dir, "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if len(err.Error()) > 500 {
				t.Errorf("the error echoes %d characters of input", len(err.Error()))
			}
		})
	}
}

// TestHoldsConfigTakesNamesLiterally: a directory's name is not a pattern.
// "x*" holds no configuration although "xa" beside it does, and "a[b" is
// an ordinary name, not a malformed pattern.
func TestHoldsConfigTakesNamesLiterally(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"x*", "xa", "a[b"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"xa/main.rt.hcl", "a[b/main.rt.hcl"} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for dir, want := range map[string]bool{"x*": false, "xa": true, "a[b": true} {
		if got := holdsConfig(filepath.Join(root, dir)); got != want {
			t.Errorf("holdsConfig(%q) = %v, want %v", dir, got, want)
		}
	}
}
