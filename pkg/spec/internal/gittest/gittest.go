// Package gittest makes git repositories for the tests of the loader and
// of data "git_log": fixed dates and identities, whatever the machine's git
// configuration. It is imported by tests only.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Commit is one commit MakeRepo creates.
type Commit struct {
	Date, Author, File, Subject string // Date: RFC 3339; Author: "Name <email>"
}

// MakeRepo creates a git repository whose commits have fixed dates and
// identities, independent of the machine's git configuration.
func MakeRepo(t testing.TB, commits []Commit) string {
	t.Helper()
	return MakeRepoIn(t, t.TempDir(), commits)
}

// MakeRepoIn is MakeRepo in dir, which may exist.
func MakeRepoIn(t testing.TB, dir string, commits []Commit) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	git := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_GLOBAL="+filepath.Join(home, "none"), "GIT_CONFIG_NOSYSTEM=1",
			"GIT_COMMITTER_NAME=CI", "GIT_COMMITTER_EMAIL=ci@example.com")
		cmd.Env = append(cmd.Env, env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(nil, "init", "-q")
	git(nil, "symbolic-ref", "HEAD", "refs/heads/main")
	for i, c := range commits {
		name, email, _ := strings.Cut(c.Author, " <")
		email = strings.TrimSuffix(email, ">")
		file := c.File
		if file == "" {
			file = "notes.txt"
		}
		p := filepath.Join(dir, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Repeat("x", i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
		git(nil, "add", file)
		git([]string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + c.Date, "GIT_COMMITTER_DATE=" + c.Date},
			"commit", "-q", "--no-gpg-sign", "-m", c.Subject)
	}
	return dir
}

// Commits are the commits most tests read: one too old for the window,
// two on one day in Berlin, one after midnight there, one after now
// (2026-11-20T18:00:00Z).
func Commits() []Commit {
	return []Commit{
		{Date: "2026-10-01T10:00:00Z", Author: "Ann <ann@example.com>", File: "", Subject: "Too old"},
		{Date: "2026-11-18T08:00:00Z", Author: "Ann <ann@example.com>", File: "src/a.go", Subject: "Add parser"},
		{Date: "2026-11-18T22:30:00Z", Author: "Bob <bob@example.com>", File: "docs/x.md", Subject: "Document it"}, // 23:30 in Berlin
		{Date: "2026-11-18T23:30:00Z", Author: "Ann <ann@example.com>", File: "src/b.go", Subject: "Fix parser"},   // 00:30 on the 19th in Berlin
		{Date: "2026-11-20T09:00:00Z", Author: "Ann <ann@example.com>", File: "src/c.go", Subject: "Ship it"},
		{Date: "2026-11-20T19:00:00Z", Author: "Ann <ann@example.com>", File: "src/d.go", Subject: "After now"},
	}
}
