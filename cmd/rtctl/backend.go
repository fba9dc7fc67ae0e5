package main

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/backend"
	gitbackend "github.com/rtctl/rtctl/pkg/backend/git"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// backendFlags choose where the account's journal lives. Only the person
// or CI chooses the remote: a configuration arrives in pull requests, and
// must not be able to send rtctl's pushes, and the runner's git
// credentials, to another host.
type backendFlags struct {
	kind   string
	remote string
}

func (b *backendFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&b.kind, "backend", "", "where the account's journal and lock live: local (.rtctl and the state directory) or git (refs on a git remote every machine reaches); default $RTCTL_BACKEND, else local")
	f.StringVar(&b.remote, "backend-remote", "", "the git backend's remote: a URL, or the name of a remote of the configuration's checkout (default $RTCTL_BACKEND_REMOTE, else origin)")
}

// setBackend sets the backend of opts as the flags and the environment
// choose it for the configuration in dir, and how to build the one the
// configuration's rtctl block asks for when they choose none.
func setBackend(e *env, dir string, b *backendFlags, opts *workspace.Options) error {
	if opts.Account.Sandbox {
		return nil
	}
	kind, from := b.kind, "--backend"
	if kind == "" {
		kind, from = e.getenv("RTCTL_BACKEND"), "RTCTL_BACKEND"
	}
	opts.BackendChosen = kind != ""
	opts.ConfigBackend = func(kind string) (backend.Backend, error) {
		return backendFor(e, dir, kind, "rtctl { backend }", b.remote, opts.StateDir)
	}
	var err error
	opts.Backend, err = backendFor(e, dir, kind, from, b.remote, opts.StateDir)
	return err
}

// backendFor builds the backend of kind for the configuration in dir:
// nil for the local one.
func backendFor(e *env, dir, kind, from, remoteFlag, stateDir string) (backend.Backend, error) {
	switch kind {
	case "", "local":
		return nil, nil
	case "git":
	default:
		return nil, fmt.Errorf("%s %q: the backends are local and git", from, kind)
	}
	remote := remoteFlag
	if remote == "" {
		remote = e.getenv("RTCTL_BACKEND_REMOTE")
	}
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
		if p, ok := u.User.Password(); ok && p != "" {
			e.secrets.Add(p)
		}
	}
	if stateDir == "" {
		return nil, errors.New("the git backend keeps its cache repository in the state directory, and there is none: set RTCTL_STATE_DIR")
	}
	host, _ := os.Hostname()
	who := e.getenv("USER")
	if who == "" {
		who = e.getenv("USERNAME")
	}
	if who != "" {
		who += "@" + host
	}
	ci := ""
	if s, r, id := e.getenv("GITHUB_SERVER_URL"), e.getenv("GITHUB_REPOSITORY"), e.getenv("GITHUB_RUN_ID"); r != "" && id != "" {
		ci = s + "/" + r + "/actions/runs/" + id
	}
	// How long the lease lasts unrenewed: the default suits a hosted
	// remote; the crash test shortens it to see a stalled holder's lease
	// expire and be taken over within the test.
	var ttl time.Duration
	if v := e.getenv("RTCTL_BACKEND_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return nil, fmt.Errorf("RTCTL_BACKEND_LEASE=%q: want how long the git backend's lease lasts unrenewed, a duration of at least 1s such as 10m", v)
		}
		ttl = d
	}
	return gitbackend.New(gitbackend.Config{
		Remote: remote,
		Cache:  gitbackend.CacheDir(stateDir, remote),
		Env:    os.Environ(),
		Clock:  e.now,
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

func newForceUnlockCmd(e *env) *cobra.Command {
	var jf journalFlags
	cmd := &cobra.Command{
		Use:   "force-unlock ID [DIR]",
		Short: "Remove the account's lock on a shared backend, left by a run that is gone",
		Long: `Force-unlock removes the lock of the account's journal on a shared backend
(--backend git) when its ID is ID, as Terraform's force-unlock does. The ID is
in the message of the apply that found the lock held. Only do this when the
run that holds it is gone (a CI job cancelled, a laptop closed): a run still
going stops at its next journal update, and what it sent is settled by the
next apply. The lock also expires on its own.

The local backend's locks are released by the operating system when their
process ends: there is nothing to force-unlock.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWorkspace(e, dirArg(args[1:]), &jf.cf, &jf.acct)
			if err != nil {
				return err
			}
			if err := ws.ForceUnlock(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "The lock %s was removed: the next apply can take it.\n", args[0])
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	return cmd
}

func newJournalMigrateCmd(e *env) *cobra.Command {
	var (
		jf journalFlags
		to string
	)
	cmd := &cobra.Command{
		Use:   "migrate --to git|local [DIR]",
		Short: "Move the account's journal between the local backend and a git remote",
		Long: `Migrate moves the account's journal to the git backend (--to git: from
.rtctl to refs/rtctl/journal/<account> on the remote; the local file is kept
beside it, renamed *.migrated) or back (--to local). It holds the account's
locks, local and remote, while it does, and refuses when the destination
already holds a different journal of the account. Choose the remote as
apply does: --backend-remote URL, RTCTL_BACKEND_REMOTE, else the checkout's
origin.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to != "git" && to != "local" {
				return fmt.Errorf("--to %q: give --to git or --to local", to)
			}
			if jf.cf.backend.kind == "" && e.getenv("RTCTL_BACKEND") == "" {
				jf.cf.backend.kind = "git" // the shared backend, whichever way the journal goes
			}
			ws, err := openWorkspace(e, dirArg(args), &jf.cf, &jf.acct)
			if err != nil {
				return err
			}
			res, err := ws.MigrateJournal(cmd.Context(), to)
			if err != nil {
				return err
			}
			if res.Same {
				fmt.Fprintf(e.stdout, "%s already holds this journal (%d lines): nothing to move.\n", res.To, res.Entries)
				return nil
			}
			fmt.Fprintf(e.stdout, "Moved the journal (%d lines) from %s to %s.\n", res.Entries, res.From, res.To)
			if to == "local" {
				fmt.Fprintln(e.stdout, "The remote keeps its copy: machines that still apply with --backend git use it, and no longer see what this one applies. Switch them all.")
			}
			return nil
		},
	}
	jf.register(cmd)
	jf.cf.backend.register(cmd)
	cmd.Flags().StringVar(&to, "to", "", "the backend to move the journal to: git or local")
	return cmd
}
