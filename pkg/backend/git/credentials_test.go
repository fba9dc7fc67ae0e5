package git

import (
	"context"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/backend"
	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
)

// helperScript is a git credential helper that answers alice's password.
func helperScript(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "helper")
	script := "#!/bin/sh\n[ \"$1\" = get ] && printf 'username=alice\\npassword=s3cret-helper\\n'\nexit 0\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPersonsCredentialHelpersAreUsed serves a remote that needs basic
// authentication: the person's own credential helper, configured where a
// person configures one (their ~/.gitconfig, the file GIT_CONFIG_GLOBAL
// names, the system's configuration as GIT_CONFIG_SYSTEM names it), lets
// rtctl's git take the lease and push the journal, as it lets git push.
func TestPersonsCredentialHelpersAreUsed(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setup writes the helper's configuration and returns the
		// environment that points git at it.
		setup func(t *testing.T, home, config string) []string
	}{
		{"~/.gitconfig", func(t *testing.T, home, config string) []string {
			writeFile(t, filepath.Join(home, ".gitconfig"), config)
			return nil
		}},
		{"GIT_CONFIG_GLOBAL", func(t *testing.T, _, config string) []string {
			p := filepath.Join(t.TempDir(), "global")
			writeFile(t, p, config)
			return []string{"GIT_CONFIG_GLOBAL=" + p}
		}},
		{"system configuration", func(t *testing.T, _, config string) []string {
			p := filepath.Join(t.TempDir(), "system")
			writeFile(t, p, config)
			return []string{"GIT_CONFIG_SYSTEM=" + p}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := gittest.NewServer(t, 0)
			srv.RequireAuth("alice", "s3cret-helper")
			clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
			home := t.TempDir()
			env := tc.setup(t, home, "[credential]\n\thelper = "+helperScript(t)+"\n")
			m := newMachineEnv(t, srv.URL, clock, "laptop", home, env...)
			_, w, done := m.open(t)
			defer done()
			if err := w.Append(intent("a")); err != nil {
				t.Fatalf("Append with the person's credential helper: %v", err)
			}
			if _, ok := remoteState(t, srv, m.acct.Name).Lookup("a"); !ok {
				t.Error("the intent is not on the remote")
			}
		})
	}
	t.Run("no helper", func(t *testing.T) {
		srv := gittest.NewServer(t, 0)
		srv.RequireAuth("alice", "s3cret-helper")
		m := newMachine(t, srv.URL, &fakeClock{t: time.Now()}, "laptop")
		if _, err := m.store.Lock(context.Background(), m.acct, backend.LockInfo{}); err == nil {
			t.Fatal("Lock on a remote that needs credentials succeeded without any")
		}
	})
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPersonsSSHConfigurationIsUsed reaches the remote over ssh:// with the
// ssh command the person's ~/.gitconfig names (here one that runs git's
// end of the connection locally, as sshd would on the server): rtctl's git
// uses it, as git push does.
func TestPersonsSSHConfigurationIsUsed(t *testing.T) {
	srv := gittest.NewServer(t, 0)
	home := t.TempDir()
	ran := filepath.Join(t.TempDir(), "ssh-ran")
	ssh := filepath.Join(t.TempDir(), "fake-ssh")
	// git asks an ssh it does not know whether it is OpenSSH (-G); then
	// runs "ssh [options] host command": the command is the last argument.
	script := "#!/bin/sh\n[ \"$1\" = -G ] && exit 0\necho \"$@\" >> " + ran + "\nfor last; do :; done\nexec sh -c \"$last\"\n"
	writeFile(t, ssh, script)
	if err := os.Chmod(ssh, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, ".gitconfig"), "[core]\n\tsshCommand = "+ssh+"\n")
	m := newMachineEnv(t, "ssh://git.example/"+srv.Dir, &fakeClock{t: time.Now()}, "laptop", home)
	_, w, done := m.open(t)
	defer done()
	if err := w.Append(intent("a")); err != nil {
		t.Fatalf("Append over the person's ssh: %v", err)
	}
	if b, err := os.ReadFile(ran); err != nil || !strings.Contains(string(b), "git-receive-pack") {
		t.Errorf("the person's ssh command did not carry the push: %q, %v", b, err)
	}
}

// TestTokenInTheURLIsNeverInArgvNorShown gives the remote as CI does, with
// the job's token in the URL: git authenticates with it, but no git
// process is given it in its arguments (which any process listing shows),
// no file of the cache holds it, and an error (a wrong token) shows
// neither it nor the header carrying it.
func TestTokenInTheURLIsNeverInArgvNorShown(t *testing.T) {
	const user, token = "x-access-token", "t0k3n-Zq8Wm2Xv9Lp4"
	srv := gittest.NewServer(t, 0)
	srv.RequireAuth(user, token)
	withToken := func(tok string) string {
		return strings.Replace(srv.URL, "http://", "http://"+user+":"+tok+"@", 1)
	}
	secrets := func(tok string) []string {
		return []string{tok, base64.StdEncoding.EncodeToString([]byte(user + ":" + tok))}
	}
	var mu sync.Mutex
	var argvs [][]string
	trace := func(argv []string) {
		mu.Lock()
		defer mu.Unlock()
		argvs = append(argvs, argv)
	}
	clock := &fakeClock{t: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	m := newMachine(t, withToken(token), clock, "ci")
	m.store.trace = trace
	_, w, done := m.open(t)
	if err := w.Append(intent("a")); err != nil {
		t.Fatalf("Append with the token in the URL: %v", err)
	}
	done()
	if _, ok := remoteState(t, srv, m.acct.Name).Lookup("a"); !ok {
		t.Error("the intent is not on the remote")
	}

	wrong := newMachine(t, withToken("t0k3n-Wr0ngWr0ng77"), clock, "ci")
	wrong.store.trace = trace
	_, err := wrong.store.Lock(context.Background(), wrong.acct, backend.LockInfo{})
	if err == nil {
		t.Fatal("Lock with a wrong token succeeded")
	}
	for _, s := range append(secrets(token), secrets("t0k3n-Wr0ngWr0ng77")...) {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error shows %q: %v", s, err)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	if len(argvs) < 5 {
		t.Fatalf("%d git runs traced, want every run", len(argvs))
	}
	for _, argv := range argvs {
		joined := strings.Join(argv, " ")
		for _, s := range append(secrets(token), secrets("t0k3n-Wr0ngWr0ng77")...) {
			if strings.Contains(joined, s) {
				t.Errorf("git was run with %q in its arguments: %s", s, joined)
			}
		}
	}
	for _, dir := range []string{m.store.cfg.Cache, wrong.store.cfg.Cache} {
		if strings.Contains(dir, token) {
			t.Errorf("the cache's path holds the token: %s", dir)
		}
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, _ := os.ReadFile(p)
			for _, s := range secrets(token) {
				if strings.Contains(string(b), s) {
					t.Errorf("%s holds %q", p, s)
				}
			}
			return nil
		})
	}
}
