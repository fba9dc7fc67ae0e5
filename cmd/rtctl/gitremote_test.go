package main

import (
	"os"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
)

// cmdGitRemote starts a real git remote on loopback for the script (git
// http-backend behind net/http/cgi) and sets the variable VAR to its URL:
// git-remote [-refuse-pushes] VAR. With -refuse-pushes the remote answers
// fetches and refuses every push, as a clone without push access sees it.
func cmdGitRemote(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: git-remote [-refuse-pushes] VAR (no !)")
	}
	refuse := len(args) == 2 && args[0] == "-refuse-pushes"
	if refuse {
		args = args[1:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: git-remote [-refuse-pushes] VAR")
	}
	t := scriptT{ts}
	srv := gittest.NewServer(t, 0)
	if refuse {
		srv.Refuse(t)
	}
	ts.Setenv(args[0], srv.URL)
}

// scriptT adapts a script to what gittest needs of a test.
type scriptT struct{ ts *testscript.TestScript }

func (scriptT) Helper()                             {}
func (s scriptT) Skip(args ...any)                  { s.ts.Fatalf("git is needed: %v", args) }
func (s scriptT) Fatalf(format string, args ...any) { s.ts.Fatalf(format, args...) }
func (s scriptT) Cleanup(f func())                  { s.ts.Defer(f) }
func (s scriptT) TempDir() string {
	d, err := os.MkdirTemp("", "rtctl-git-remote-")
	if err != nil {
		s.ts.Fatalf("%v", err)
	}
	s.ts.Defer(func() { os.RemoveAll(d) })
	return d
}
