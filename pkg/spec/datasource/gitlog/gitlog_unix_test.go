//go:build unix

package gitlog_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/spec"
)

// TestGitLogSpecialFiles: a named pipe where the repository has a file
// (HEAD, a branch, a pack index) is an error, never a read that blocks the
// load for ever.
func TestGitLogSpecialFiles(t *testing.T) {
	for _, name := range []string{"HEAD", "refs/heads/main", "shallow", "packed-refs"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			repo := makeRepoIn(t, filepath.Join(dir, "repo"), testCommits)
			p := filepath.Join(repo, ".git", name)
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("no named pipes here:", err)
			}
			if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(header+`
data "git_log" "r" {
  path = "repo"
}
`), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, diags := spec.Load(ctx, dir, spec.LoadOptions{Now: testNow})
			if ctx.Err() != nil {
				t.Fatal("the load blocked on the named pipe")
			}
			// Whether the pipe was needed (an error) or not (HEAD
			// named a branch in packed-refs, say), the load ended.
			if diags.HasErrors() && !strings.Contains(diags.Error(), "not a regular file") {
				t.Errorf("diagnostics: %v", diags)
			}
		})
	}
}
