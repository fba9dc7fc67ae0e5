package main

import (
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
)

// cmdGitRemote starts a real git remote on loopback for the script (git
// http-backend behind net/http/cgi) and sets the variable VAR to its URL:
// git-remote [-refuse-pushes] [-read-only] [-auth USER:PASSWORD] VAR.
// With -refuse-pushes the remote answers fetches and its pre-receive hook
// refuses every push; with -read-only it answers every push 403, as a
// hosted remote answers a credential that may only read. With -auth every request needs basic
// authentication as USER with PASSWORD: VAR is then the URL with them in
// it, as CI gives it, VAR_NOAUTH the URL without them, and VAR_HOSTPATH
// the URL without its scheme (to give other credentials).
func cmdGitRemote(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: git-remote [-refuse-pushes] [-read-only] [-auth USER:PASSWORD] VAR"
	if neg {
		ts.Fatalf("%s (no !)", usage)
	}
	var refuse, readOnly bool
	var auth string
	for len(args) > 1 {
		switch args[0] {
		case "-refuse-pushes":
			refuse, args = true, args[1:]
		case "-read-only":
			readOnly, args = true, args[1:]
		case "-auth":
			auth, args = args[1], args[2:]
		default:
			ts.Fatalf("%s", usage)
		}
	}
	if len(args) != 1 {
		ts.Fatalf("%s", usage)
	}
	t := scriptT{ts}
	srv := gittest.NewServer(t, 0)
	if refuse {
		srv.Refuse(t)
	}
	if readOnly {
		srv.ReadOnly()
	}
	if auth == "" {
		ts.Setenv(args[0], srv.URL)
		return
	}
	user, pass, ok := strings.Cut(auth, ":")
	if !ok {
		ts.Fatalf("%s", usage)
	}
	srv.RequireAuth(user, pass)
	ts.Setenv(args[0], strings.Replace(srv.URL, "http://", "http://"+auth+"@", 1))
	ts.Setenv(args[0]+"_NOAUTH", srv.URL)
	ts.Setenv(args[0]+"_HOSTPATH", strings.TrimPrefix(srv.URL, "http://"))
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
