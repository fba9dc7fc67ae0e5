package git

import (
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server is a real git remote on loopback: a bare repository served by
// git http-backend behind net/http/cgi, with faults to inject.
type server struct {
	dir string // the bare repository
	srv *httptest.Server
	URL string
	// drop is how many receive-packs still to drop the connection of (curl
	// retries a request whose reused connection died once).
	drop atomic.Int64
	// delay is added to every request (latency of a hosted remote).
	delay time.Duration
	// pushes counts receive-pack POSTs.
	pushes atomic.Int64
}

func gitOrSkip(t testing.TB) string {
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

func newServer(t testing.TB, delay time.Duration) *server {
	t.Helper()
	backend := gitOrSkip(t)
	root := t.TempDir()
	dir := filepath.Join(root, "remote.git")
	run(t, "", "git", "init", "--bare", "--quiet", dir)
	run(t, dir, "git", "config", "http.receivepack", "true")
	s := &server{dir: dir, delay: delay}
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
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.delay > 0 {
			time.Sleep(s.delay) // the latency under test, not a wait for an event
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "git-receive-pack") {
			s.pushes.Add(1)
			if s.drop.Add(-1) >= 0 {
				hj, ok := w.(http.Hijacker)
				if ok {
					if c, _, err := hj.Hijack(); err == nil {
						c.Close()
						return
					}
				}
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL + "/remote.git"
	return s
}

// refuse installs a pre-receive hook on the server that refuses pushes.
func (s *server) refuse(t *testing.T) {
	hook := filepath.Join(s.dir, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho refused by policy >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// ref is the server's value of ref, "" when missing.
func (s *server) ref(t testing.TB, ref string) string {
	out, err := exec.Command("git", "--git-dir="+s.dir, "rev-parse", "--verify", "--quiet", ref).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// file reads name at ref on the server.
func (s *server) file(t testing.TB, ref, name string) string {
	out, err := exec.Command("git", "--git-dir="+s.dir, "cat-file", "blob", ref+":"+name).Output()
	if err != nil {
		t.Fatalf("reading %s:%s on the server: %v", ref, name, err)
	}
	return string(out)
}

func run(t testing.TB, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// unreachable is a loopback URL nobody listens on.
func unreachable(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/remote.git"
}
