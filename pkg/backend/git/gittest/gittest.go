// Package gittest serves a real git remote on loopback for tests: a bare
// repository behind git http-backend and net/http/cgi, with latency and
// faults (a push refused, its connection dropped, the server gone) to
// inject.
package gittest

import (
	"bytes"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a real git remote on loopback: a bare repository served by
// git http-backend behind net/http/cgi, with faults to inject.
type Server struct {
	Dir string // the bare repository
	Srv *httptest.Server
	URL string
	// Drop is how many receive-packs still to drop the connection of (curl
	// retries a request whose reused connection died once).
	Drop atomic.Int64
	// delay is added to every push (latency of a hosted remote), in
	// nanoseconds: SetDelay changes it while clients push.
	delay atomic.Int64
	// pushes counts receive-pack POSTs.
	Pushes atomic.Int64

	// handler and addr serve the repository again after Stop (Start).
	handler http.Handler
	addr    string
	// mu guards Srv against Stop and Start, and onPush.
	mu     sync.Mutex
	onPush func(carriedOut bool)
	// busy counts the requests being served, for WaitIdle.
	busyMu sync.Mutex
	idle   *sync.Cond
	busy   int
	// auth is "user:password" when every request must carry them (basic
	// authentication), as a hosted remote asks of a private repository.
	auth     atomic.Pointer[string]
	readOnly atomic.Bool
}

// ReadOnly makes the server answer every push 403, as a hosted remote
// answers a credential that may only read (a fork's token, a deploy key
// without write access).
func (s *Server) ReadOnly() { s.readOnly.Store(true) }

// RequireAuth makes every request need basic authentication with user and
// password; others are answered 401, as a hosted remote answers them.
func (s *Server) RequireAuth(user, password string) {
	v := user + ":" + password
	s.auth.Store(&v)
}

// T is what the helpers need of a test: *testing.T and *testing.B are
// one, and a testscript command can adapt its script to it.
type T interface {
	Helper()
	Skip(args ...any)
	Fatalf(format string, args ...any)
	TempDir() string
	Cleanup(func())
}

// GitOrSkip skips the test when git or its http-backend is missing.
func GitOrSkip(t T) string {
	t.Helper()
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skip("git is not installed")
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		t.Skip("git http-backend is not installed")
	}
	return backend
}

// NewServer starts a remote with delay added to every push (zero in
// tests; the benchmark's hosted-remote latency).
func NewServer(t T, delay time.Duration) *Server {
	t.Helper()
	backend := GitOrSkip(t)
	root := t.TempDir()
	dir := filepath.Join(root, "remote.git")
	run(t, "", "git", "init", "--bare", "--quiet", dir)
	run(t, dir, "git", "config", "http.receivepack", "true")
	s := &Server{Dir: dir}
	s.delay.Store(int64(delay))
	s.idle = sync.NewCond(&s.busyMu)
	h := &cgi.Handler{
		Path: backend,
		Root: "/",
		Env: []string{
			"GIT_PROJECT_ROOT=" + root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"HOME=" + root,
		},
	}
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.enter()
		defer s.leave()
		if want := s.auth.Load(); want != nil {
			u, p, ok := r.BasicAuth()
			if !ok || u+":"+p != *want {
				w.Header().Set("WWW-Authenticate", `Basic realm="gittest"`)
				http.Error(w, "authentication required", http.StatusUnauthorized)
				return
			}
		}
		if s.readOnly.Load() && (strings.HasSuffix(r.URL.Path, "git-receive-pack") || r.URL.Query().Get("service") == "git-receive-pack") {
			http.Error(w, "Write access to repository not granted.", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "git-receive-pack") {
			s.Pushes.Add(1)
			if d := time.Duration(s.delay.Load()); d > 0 {
				time.Sleep(d) // the latency under test, not a wait for an event
			}
			if s.Drop.Add(-1) >= 0 {
				hj, ok := w.(http.Hijacker)
				if ok {
					if c, _, err := hj.Hijack(); err == nil {
						c.Close()
						return
					}
				}
			}
			if s.servePush(w, r, h) {
				return
			}
		}
		h.ServeHTTP(w, r)
	})
	s.Srv = httptest.NewServer(s.handler)
	t.Cleanup(s.Stop)
	s.addr = s.Srv.Listener.Addr().String()
	s.URL = s.Srv.URL + "/remote.git"
	return s
}

// Refuse installs a pre-receive hook on the server that refuses pushes.
func (s *Server) Refuse(t T) {
	hook := filepath.Join(s.Dir, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho refused by policy >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatalf("%v", err)
	}
}

// Ref is the server's value of ref, "" when missing.
func (s *Server) Ref(t T, ref string) string {
	out, err := exec.Command("git", "--git-dir="+s.Dir, "rev-parse", "--verify", "--quiet", ref).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// File reads name at ref on the server.
func (s *Server) File(t T, ref, name string) string {
	out, err := exec.Command("git", "--git-dir="+s.Dir, "cat-file", "blob", ref+":"+name).Output()
	if err != nil {
		t.Fatalf("reading %s:%s on the server: %v", ref, name, err)
	}
	return string(out)
}

// SetFile makes ref on the server a commit holding one file, name with
// data, as another rtctl (or a person) could have pushed it: tests damage
// a journal on the remote with it.
func (s *Server) SetFile(t T, ref, name string, data []byte) {
	t.Helper()
	git := func(stdin []byte, args ...string) string {
		cmd := exec.Command("git", append([]string{"--git-dir=" + s.Dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir(),
			"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@localhost", "GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@localhost")
		if stdin != nil {
			cmd.Stdin = bytes.NewReader(stdin)
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v on the server: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	blob := git(data, "hash-object", "-w", "--stdin")
	tree := git([]byte("100644 blob "+blob+"\t"+name+"\n"), "mktree")
	args := []string{"commit-tree", tree, "-m", "set by the test"}
	if old := s.Ref(t, ref); old != "" {
		args = append(args, "-p", old)
	}
	git(nil, "update-ref", ref, git(nil, args...))
}

func run(t T, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// Unreachable is a loopback URL nobody listens on.
func Unreachable(t T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("%v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/remote.git"
}
