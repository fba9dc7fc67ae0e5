package workspace

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/backend"
	gitbackend "github.com/rtctl/rtctl/pkg/backend/git"
	"github.com/rtctl/rtctl/pkg/spec"
)

// BackendChoice is what the person or CI chose for where the account's
// journal lives, with what building it needs from the program. Only they
// choose the remote: a configuration arrives in pull requests, and must
// not be able to send rtctl's pushes, and the runner's git credentials,
// to another host.
type BackendChoice struct {
	// Kind is "local", "git", or "" when they chose none (the
	// configuration's rtctl block may then ask for one); From is what
	// named it (--backend, RTCTL_BACKEND), for the error of a wrong one.
	Kind, From string
	// Remote is the git backend's remote: a URL, or the name of a remote
	// of the configuration's checkout ("" is origin).
	Remote string
	// Getenv reads who runs rtctl (USER, USERNAME) and the CI run
	// (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID), which the
	// shared lock names; Environ is the environment git runs with.
	Getenv  func(string) string
	Environ []string
	// Clock is the git backend's clock.
	Clock func() time.Time
	// Secret is told a password the remote's URL carries, to redact it.
	Secret func(string)
}

// ChooseBackend sets o's backend as c says, for the configuration in dir,
// and how to build the one the configuration's rtctl block asks for when
// c names none. The sandbox keeps its journal locally.
func (o *Options) ChooseBackend(dir string, c BackendChoice) error {
	if o.Account.Sandbox {
		return nil
	}
	o.BackendChosen = c.Kind != ""
	o.ConfigBackend = func(kind string) (backend.Backend, error) {
		fromConfig := c
		fromConfig.Kind, fromConfig.From = kind, "rtctl { backend }"
		return fromConfig.build(dir, o.StateDir)
	}
	if c.Kind == "" {
		// The journal commands never evaluate the configuration: a
		// backend written as a plain string is read without it, so that
		// confirm, adopt or forget never write a local journal that no
		// apply of this configuration reads. (Plan and apply also see
		// one computed from variables, once they have evaluated it.)
		// Only a kind rtctl has: any other is the loader's to report,
		// with its file, line and column.
		if kind := spec.Declared(dir).Backend; kind == "git" || kind == "local" {
			c.Kind, c.From = kind, "rtctl { backend }"
		}
	}
	var err error
	o.Backend, err = c.build(dir, o.StateDir)
	return err
}

// build builds the backend c names for the configuration in dir: nil for
// the local one.
func (c BackendChoice) build(dir, stateDir string) (backend.Backend, error) {
	switch c.Kind {
	case "", "local":
		return nil, nil
	case "git":
	default:
		return nil, fmt.Errorf("%s %q: the backends are local and git", c.From, c.Kind)
	}
	getenv := c.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	remote := c.Remote
	if remote == "" {
		remote = "origin"
	}
	if !looksLikeURL(remote) {
		u, err := checkoutRemote(dir, remote)
		if err != nil {
			return nil, err
		}
		remote = u
	}
	if u, err := url.Parse(remote); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" && c.Secret != nil {
			c.Secret(p)
		}
	}
	if stateDir == "" {
		return nil, errors.New("the git backend keeps its cache repository in the state directory, and there is none: set RTCTL_STATE_DIR")
	}
	host, _ := os.Hostname()
	who := getenv("USER")
	if who == "" {
		who = getenv("USERNAME")
	}
	if who != "" {
		who += "@" + host
	}
	ci := ""
	if s, r, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID"); r != "" && id != "" {
		ci = s + "/" + r + "/actions/runs/" + id
	}
	// How long the lease lasts unrenewed: the default suits a hosted
	// remote; the crash test shortens it to see a stalled holder's lease
	// expire and be taken over within the test.
	var ttl time.Duration
	if v := getenv("RTCTL_BACKEND_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return nil, fmt.Errorf("RTCTL_BACKEND_LEASE=%q: want how long the git backend's lease lasts unrenewed, a duration of at least 1s such as 10m", v)
		}
		ttl = d
	}
	return gitbackend.New(gitbackend.Config{
		Remote: remote,
		Cache:  gitbackend.CacheDir(stateDir, remote),
		Env:    c.Environ,
		Clock:  c.Clock,
		TTL:    ttl,
		Host:   host,
		Who:    who,
		CIRun:  ci,
	})
}

// looksLikeURL tells a URL (or scp-like address) from a remote's name.
func looksLikeURL(s string) bool {
	return strings.Contains(s, "://") || strings.Contains(s, ":") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".")
}

// checkoutRemote reads the URL of the remote called name from the git
// checkout that holds dir, by reading its .git/config as text: git is
// never run in the configuration's repository, whose configuration could
// make it run a program.
func checkoutRemote(dir, name string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		cfg := filepath.Join(d, ".git", "config")
		st, err := os.Lstat(filepath.Join(d, ".git"))
		if err == nil && !st.IsDir() {
			// A worktree's or submodule's .git file points elsewhere;
			// following it is more than this reader does.
			return "", fmt.Errorf("%s is in a git worktree or submodule (.git is not a directory): give the git backend's remote with --backend-remote URL or RTCTL_BACKEND_REMOTE", dir)
		}
		if err == nil {
			u, err := remoteURL(cfg, name)
			if err != nil {
				return "", err
			}
			if u == "" {
				return "", fmt.Errorf("the checkout %s has no remote %q with a url in .git/config: give the git backend's remote with --backend-remote URL or RTCTL_BACKEND_REMOTE", d, name)
			}
			return u, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not in a git checkout (no .git directory above it): give the git backend's remote with --backend-remote URL or RTCTL_BACKEND_REMOTE", dir)
		}
	}
}

// remoteURL reads [remote "name"] url from a git config file.
func remoteURL(path, name string) (string, error) {
	data, err := safefile.ReadFile(path, 1<<20)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	in := false
	want := fmt.Sprintf("[remote %q]", name)
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = line == want
			continue
		}
		if !in {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "url") {
			return strings.Trim(strings.TrimSpace(v), `"`), nil
		}
	}
	return "", nil
}
