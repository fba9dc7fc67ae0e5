package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// docsEnv is an env with a pinned clock and output captured in out.
func docsEnv(out *bytes.Buffer) *env {
	return &env{
		stdin: strings.NewReader(""), stdout: out, stderr: out,
		getenv:     func(string) string { return "" },
		now:        func() time.Time { return time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) },
		isTerminal: func(any) bool { return false },
	}
}

func TestGenDocsWritesManPagesAndCompletions(t *testing.T) {
	dir := t.TempDir()
	man, compl := filepath.Join(dir, "man"), filepath.Join(dir, "completions")
	var out bytes.Buffer
	if code := run([]string{"__gendocs", "--man", man, "--completions", compl}, docsEnv(&out)); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}

	// One page per command a person can run, and none for hidden ones.
	var want []string
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		want = append(want, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				visit(sub)
			}
		}
	}
	root := newRootCmd(docsEnv(&out))
	root.InitDefaultCompletionCmd()
	visit(root)
	for _, name := range append(want, "rtctl-completion-bash.1") {
		b, err := os.ReadFile(filepath.Join(man, name))
		if err != nil {
			t.Errorf("no man page %s: %v", name, err)
			continue
		}
		if !bytes.HasPrefix(b, []byte(".nh\n.TH ")) || !bytes.Contains(b, []byte(".SH NAME")) {
			t.Errorf("%s is not a man page:\n%.200s", name, b)
		}
	}
	entries, _ := os.ReadDir(man)
	if len(entries) != len(want) {
		t.Errorf("%d man pages, want %d (one per visible command)", len(entries), len(want))
	}
	if _, err := os.Stat(filepath.Join(man, "rtctl-__gendocs.1")); err == nil {
		t.Error("the hidden __gendocs command got a man page")
	}
	page, _ := os.ReadFile(filepath.Join(man, "rtctl-plan.1"))
	if !bytes.Contains(page, []byte(`"Nov 2026"`)) || bytes.Contains(page, []byte("Auto generated")) {
		t.Errorf("rtctl-plan.1 should carry the build's date and no generator line:\n%.300s", page)
	}

	for name, marker := range map[string]string{
		"rtctl.bash": "bash completion V2 for rtctl",
		"_rtctl":     "#compdef rtctl",
		"rtctl.fish": "complete -c rtctl",
		"rtctl.ps1":  "Register-ArgumentCompleter",
	} {
		b, err := os.ReadFile(filepath.Join(compl, name))
		if err != nil || !bytes.Contains(b, []byte(marker)) {
			t.Errorf("completion %s lacks %q (err %v)", name, marker, err)
		}
		if st, err := os.Stat(filepath.Join(compl, name)); err == nil && st.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644 like installed docs", name, st.Mode().Perm())
		}
	}
}

// A symlink in the way is refused with its name, never written through.
func TestGenDocsNeverWritesThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	if err := os.WriteFile(outside, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	compl := filepath.Join(dir, "completions")
	if err := os.Mkdir(compl, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(compl, "rtctl.bash")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	var out bytes.Buffer
	if code := run([]string{"__gendocs", "--completions", compl}, docsEnv(&out)); code == 0 || !strings.Contains(out.String(), "refusing to write through the symbolic link") {
		t.Fatalf("exit %d, want a refusal naming the link:\n%s", code, out.String())
	}
	if b, _ := os.ReadFile(outside); string(b) != "keep me" {
		t.Errorf("wrote through the symlink: outside now holds %.80q", b)
	}
}

func TestGenDocsIsHidden(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"--help"}, docsEnv(&out)); code != 0 || strings.Contains(out.String(), "__gendocs") {
		t.Errorf("--help (exit %d) mentions __gendocs:\n%s", code, out.String())
	}
	out.Reset()
	run([]string{"__complete", "__"}, docsEnv(&out))
	if strings.Contains(out.String(), "__gendocs") {
		t.Errorf("completion offers __gendocs:\n%s", out.String())
	}
}
