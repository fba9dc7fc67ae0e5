// Package git keeps the journal of each account, and its lock, on refs of
// a git remote that every machine applying the account already reaches:
// the journal on refs/rtctl/journal/<account>, the lock a lease on
// refs/rtctl/lock/<account>. Neither is a branch, so applying makes no
// commit on main and needs no working tree.
//
// Every change is a compare-and-swap push (--force-with-lease with the
// value last seen): the lock is created only where there is none, renewed
// and released only while it is still ours, and taken over only when its
// lease expired. The journal ref is the fencing token: taking the lock
// moves it, so a holder whose lease was taken over fails its next journal
// push, and apply stops sending. An expired holder's intents are on the
// remote, so the next run settles them as it settles a crashed run's.
//
// git is run through os/exec, never inside the configuration's repository
// (which arrives in pull requests and whose config could run programs):
// only inside a private bare repository under the state directory, which
// fetches from and pushes to the remote URL the person or CI gave. What is
// untrusted is the configuration's directory, and git never reads it; the
// person's own git configuration (global and system) and environment are
// theirs, and are read as git push reads them, so that their credential
// helpers, SSH configuration, proxies and certificates work. Over them,
// every run turns off what rtctl's pushes never need and what would run
// a program on rtctl's behalf: hooks, fsmonitor, the ext transport. Only a
// fixed list of the environment's variables is passed on (no GIT_DIR, no
// GIT_CONFIG_PARAMETERS, no tracing).
//
// A password or token in the remote's URL (CI gives the job's token so)
// is never in git's arguments, which any process listing shows: git is
// given the URL without it, and the credential as an Authorization header
// in its environment (GIT_CONFIG_COUNT with http.<url>.extraHeader, as
// actions/checkout does). Errors never show it.
package git

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/backend"
	"github.com/rtctl/rtctl/pkg/journal"
)

// DefaultTTL is how long a lease lasts without renewal: long enough for a
// slow push or a stalled network, short enough that a CI run killed while
// holding it blocks the next scheduled run only briefly.
const DefaultTTL = 10 * time.Minute

// DefaultBatch is how many intents one push covers: see docs/BENCHMARKS.md
// for the measurement it is chosen from.
const DefaultBatch = 20

// Config configures a Store.
type Config struct {
	// Remote is the URL pushed to and fetched from. Only the person or CI
	// chooses it (flag, environment, the checkout's own remote), never the
	// configuration.
	Remote string
	// Cache is the private bare repository (created when missing).
	Cache string
	// Env is the environment git's credential helpers and SSH may need
	// (os.Environ()); only a fixed list of its variables is passed on.
	Env []string
	// Git is the git program ("git" on PATH when empty).
	Git string
	// Clock is the time leases are written and judged by.
	Clock func() time.Time
	// TTL is how long a lease lasts (DefaultTTL when zero).
	TTL time.Duration
	// After is the timer renewal waits on (time.After when nil); tests
	// pass one they fire by hand.
	After func(time.Duration) <-chan time.Time
	// Batch is how many intents one push should cover (DefaultBatch when
	// zero): each push is a round trip to the remote.
	Batch int
	// Host, Who and CIRun fill the lock info.
	Host, Who, CIRun string
}

// Store is a git remote holding journals and locks.
type Store struct {
	cfg Config
	// remote is cfg.Remote without its password; auth its credential, as
	// the git configuration that carries it (empty without one).
	remote string
	auth   []string
	// secrets are what no error may show: the password and its forms.
	secrets  []string
	initOnce sync.Once
	initErr  error
	// mu serialises git runs in the cache: a renewal and a journal push
	// must not race on its refs.
	mu sync.Mutex
	// trace, when set, is given the argv of every git run: tests check
	// that none holds a secret.
	trace func(argv []string)
}

var (
	_ backend.Backend = (*Store)(nil)
	_ backend.Lister  = (*Store)(nil)
	_ backend.Waiter  = (*Store)(nil)
)

// New returns a Store; it runs nothing yet.
func New(cfg Config) (*Store, error) {
	if cfg.Remote == "" {
		return nil, errors.New("the git backend needs the URL of a remote to keep the journal on (--backend-remote or RTCTL_BACKEND_REMOTE)")
	}
	if strings.HasPrefix(cfg.Remote, "ext::") || strings.HasPrefix(cfg.Remote, "-") {
		return nil, fmt.Errorf("the git backend's remote %q is not a URL rtctl pushes to (ext:: and option-like URLs are refused)", cfg.Remote)
	}
	if cfg.Cache == "" {
		return nil, errors.New("the git backend needs a directory for its cache repository")
	}
	if cfg.Git == "" {
		cfg.Git = "git"
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	st := &Store{cfg: cfg}
	st.remote, st.auth, st.secrets = splitCredential(cfg.Remote)
	return st, nil
}

// splitCredential takes the password out of an http(s) remote URL: the
// URL without it, the git configuration (key, value) that sends it as a
// basic Authorization header to that URL only, and the forms of it no
// output may show. A URL with a user name alone keeps it: the person's
// credential helper answers for that user, as it does for git push.
func splitCredential(remote string) (string, []string, []string) {
	u, err := url.Parse(remote)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User == nil {
		return remote, nil, nil
	}
	pass, ok := u.User.Password()
	if !ok {
		return remote, nil, nil
	}
	user := u.User.Username()
	raw := u.User.String()
	u.User = nil
	clean := u.String()
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	secrets := []string{raw, basic}
	if pass != "" {
		secrets = append(secrets, pass, url.QueryEscape(pass), url.PathEscape(pass))
	}
	return clean, []string{"http." + clean + ".extraHeader", "Authorization: Basic " + basic}, secrets
}

// CacheDir is where the cache repository for remote lives under stateDir:
// one per remote, named by a digest of its URL without its password (a
// new token each CI run is still the same remote).
func CacheDir(stateDir, remote string) string {
	remote, _, _ = splitCredential(remote)
	sum := sha256.Sum256([]byte(remote))
	return filepath.Join(stateDir, "git", hex.EncodeToString(sum[:8])+".git")
}

// Wait waits d on the store's timer (Config.After), or until ctx ends.
func (s *Store) Wait(ctx context.Context, d time.Duration) error {
	select {
	case <-s.cfg.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Batch is how many intents one journal write should cover.
func (s *Store) Batch() int { return s.cfg.Batch }

// Kind is "git".
func (s *Store) Kind() string { return "git" }

// JournalRef and LockRef are the refs of an account.
func JournalRef(name string) string { return "refs/rtctl/journal/" + name }
func LockRef(name string) string    { return "refs/rtctl/lock/" + name }

// cacheRef is where the cache keeps what it fetched of ref.
func cacheRef(ref string) string { return "refs/cache/" + strings.TrimPrefix(ref, "refs/") }

const (
	journalFile = "journal.jsonl"
	lockFile    = "lock.json"
)

// passEnv are the variables of the person's environment git may need to
// reach their remote as git push does: where their git configuration is,
// credentials, SSH, proxies, certificates.
var passEnv = []string{
	"PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR",
	"GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM",
	"SSH_AUTH_SOCK", "SSH_AGENT_PID", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT", "GIT_ASKPASS", "SSH_ASKPASS",
	"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "ALL_PROXY", "all_proxy",
	"GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
	"SYSTEMROOT", "APPDATA", "USERPROFILE", "LOCALAPPDATA", "ProgramData",
}

// passEnvPrefixes are families of variables credential helpers read (Git
// Credential Manager's settings).
var passEnvPrefixes = []string{"GCM_"}

// env is the fixed environment git runs with. The person's system and
// global git configuration are read (GIT_CONFIG_NOSYSTEM is theirs to
// set): they are where credential helpers and SSH settings live.
func (s *Store) env() []string {
	var out []string
	for _, kv := range s.cfg.Env {
		k, _, _ := strings.Cut(kv, "=")
		if slices.Contains(passEnv, k) || slices.ContainsFunc(passEnvPrefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			out = append(out, kv)
		}
	}
	if len(s.auth) == 2 {
		out = append(out, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0="+s.auth[0], "GIT_CONFIG_VALUE_0="+s.auth[1])
	}
	return append(out,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_NO_REPLACE_OBJECTS=1",
		"GIT_AUTHOR_NAME=rtctl", "GIT_AUTHOR_EMAIL=rtctl@localhost",
		"GIT_COMMITTER_NAME=rtctl", "GIT_COMMITTER_EMAIL=rtctl@localhost",
		"LC_ALL=C",
	)
}

// hardening are the settings every git run gets, over whatever the
// person's own configuration says.
var hardening = []string{
	"-c", "core.hooksPath=/dev/null",
	"-c", "core.fsmonitor=false",
	"-c", "protocol.allow=never",
	"-c", "protocol.https.allow=always",
	"-c", "protocol.http.allow=always",
	"-c", "protocol.ssh.allow=always",
	"-c", "protocol.git.allow=always",
	"-c", "protocol.file.allow=always",
	"-c", "gc.auto=0",
	"-c", "maintenance.auto=false",
	"-c", "transfer.fsckObjects=true",
	"-c", "push.gpgSign=false",
	"-c", "commit.gpgSign=false",
}

// git runs git in the cache repository.
func (s *Store) git(ctx context.Context, stdin []byte, args ...string) (string, error) {
	full := append(append([]string{"--git-dir=" + s.cfg.Cache}, hardening...), args...)
	if s.trace != nil {
		s.trace(append([]string{s.cfg.Git}, full...))
	}
	cmd := exec.CommandContext(ctx, s.cfg.Git, full...)
	cmd.Env = s.env()
	cmd.Dir = s.cfg.Cache
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), &Error{Args: args, Stderr: s.scrub(strings.TrimSpace(errb.String())), Stdout: s.scrub(out.String()), Err: err}
	}
	return out.String(), nil
}

// scrub removes the remote's password from a text git wrote.
func (s *Store) scrub(text string) string {
	for _, sec := range s.secrets {
		if sec != "" {
			text = strings.ReplaceAll(text, sec, "***")
		}
	}
	return text
}

// Error is a git run that failed.
type Error struct {
	Args           []string
	Stdout, Stderr string
	Err            error
}

func (e *Error) Error() string {
	// The URL is never shown: it may carry a token.
	msg := e.Stderr
	if i := strings.LastIndex(msg, "\n"); i >= 0 && len(msg) > 400 {
		msg = msg[i+1:]
	}
	out := fmt.Sprintf("git %s: %v: %s", e.Args[0], e.Err, redactURLs(msg))
	if strings.Contains(e.Stderr, "terminal prompts disabled") || strings.Contains(e.Stderr, "Authentication failed") {
		out += " (the remote asked for credentials it was not given, or refused them: rtctl's git finds them as git push does, in your credential helper or SSH configuration, or in the URL given with --backend-remote or RTCTL_BACKEND_REMOTE; it never prompts)"
	}
	return out
}

func (e *Error) Unwrap() error { return e.Err }

// redactURLs drops user information from URLs in git's messages.
func redactURLs(s string) string {
	var b strings.Builder
	for _, f := range strings.SplitAfter(s, " ") {
		if i := strings.Index(f, "://"); i >= 0 {
			if at := strings.Index(f[i+3:], "@"); at >= 0 {
				f = f[:i+3] + "***@" + f[i+3+at+1:]
			}
		}
		b.WriteString(f)
	}
	return b.String()
}

// ErrConflict is a compare-and-swap push the remote refused: the ref was
// not what this run last saw.
var ErrConflict = errors.New("the remote ref moved since this run read it")

func (s *Store) init(ctx context.Context) error {
	s.initOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(s.cfg.Cache, "HEAD")); err == nil {
			return
		}
		if err := safefile.MkdirAll(s.cfg.Cache, 0o700); err != nil {
			s.initErr = fmt.Errorf("creating the git backend's cache %s: %w", s.cfg.Cache, err)
			return
		}
		argv := append(append([]string{}, hardening...), "init", "--bare", "--quiet", s.cfg.Cache)
		if s.trace != nil {
			s.trace(append([]string{s.cfg.Git}, argv...))
		}
		cmd := exec.CommandContext(ctx, s.cfg.Git, argv...)
		cmd.Env = s.env()
		// Beside the cache, not wherever rtctl was started (perhaps the
		// configuration's repository).
		cmd.Dir = filepath.Dir(s.cfg.Cache)
		if out, err := cmd.CombinedOutput(); err != nil {
			s.initErr = fmt.Errorf("creating the git backend's cache %s: %v: %s", s.cfg.Cache, err, s.scrub(string(bytes.TrimSpace(out))))
		}
	})
	return s.initErr
}

// remoteRefs reads the remote's values of refs ("" for a missing one).
func (s *Store) remoteRefs(ctx context.Context, refs ...string) (map[string]string, error) {
	out, err := s.git(ctx, nil, append([]string{"ls-remote", "--refs", "--", s.remote}, refs...)...)
	if err != nil {
		return nil, fmt.Errorf("reading the remote: %w", err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		sha, ref, ok := strings.Cut(line, "\t")
		if ok {
			got[ref] = sha
		}
	}
	return got, nil
}

// fetch brings the remote's refs into the cache and returns their values
// ("" for a missing one). A ref that moves between the listing and the
// fetch is read as fetched: that too is a value the remote held.
func (s *Store) fetch(ctx context.Context, refs ...string) (map[string]string, error) {
	if err := s.init(ctx); err != nil {
		return nil, err
	}
	got, err := s.remoteRefs(ctx, refs...)
	if err != nil {
		return nil, err
	}
	var specs []string
	for _, r := range refs {
		if sha := got[r]; sha != "" {
			if _, err := s.git(ctx, nil, "cat-file", "-e", sha+"^{commit}"); err == nil {
				if _, err := s.git(ctx, nil, "update-ref", cacheRef(r), sha); err != nil {
					return nil, err
				}
				continue
			}
			specs = append(specs, "+"+r+":"+cacheRef(r))
		}
	}
	if len(specs) > 0 {
		if _, err := s.git(ctx, nil, append([]string{"fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", s.remote}, specs...)...); err != nil {
			return nil, fmt.Errorf("fetching from the remote: %w", err)
		}
		for _, r := range refs {
			if got[r] == "" {
				continue
			}
			sha, err := s.git(ctx, nil, "rev-parse", "--verify", cacheRef(r))
			if err != nil {
				return nil, err
			}
			got[r] = strings.TrimSpace(sha)
		}
	}
	return got, nil
}

// commit makes a commit with one file named name holding data, on parent
// ("" for none).
func (s *Store) commit(ctx context.Context, name string, data []byte, parent, msg string) (string, error) {
	blob, err := s.git(ctx, data, "hash-object", "-w", "--no-filters", "--stdin")
	if err != nil {
		return "", err
	}
	tree, err := s.git(ctx, []byte(fmt.Sprintf("100644 blob %s\t%s\n", strings.TrimSpace(blob), name)), "mktree")
	if err != nil {
		return "", err
	}
	args := []string{"commit-tree", strings.TrimSpace(tree), "-m", msg}
	if parent != "" {
		args = append(args, "-p", parent)
	}
	sha, err := s.git(ctx, nil, args...)
	return strings.TrimSpace(sha), err
}

// cas sets the remote's ref from old ("" for absent) to new ("" to
// delete), failing with ErrConflict when the remote's is not old.
func (s *Store) cas(ctx context.Context, ref, old, new string) error {
	src := new
	if new != "" {
		if _, err := s.git(ctx, nil, "update-ref", cacheRef(ref), new); err != nil {
			return err
		}
	}
	_, err := s.git(ctx, nil, "push", "--porcelain", "--quiet", "--no-verify",
		"--force-with-lease="+ref+":"+old, "--", s.remote, src+":"+ref)
	var ge *Error
	// "stale info" is the lease failing on the remote's advertised value;
	// "cannot lock ref" the remote's own check failing when another push
	// changed the ref in between. Both mean another run moved it. A hook's
	// refusal is not a conflict.
	if errors.As(err, &ge) && (strings.Contains(ge.Stdout, "[rejected]") || strings.Contains(ge.Stdout, "stale info") ||
		strings.Contains(ge.Stderr, "stale info") || strings.Contains(ge.Stderr, "cannot lock ref")) {
		return fmt.Errorf("pushing %s: %w", ref, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("pushing %s to the remote failed (the git backend needs push access to refs/rtctl/ on it: a clone that can only read can plan, not apply): %w", ref, err)
	}
	return nil
}

// readFile reads name from the commit sha ("" and no error when sha is
// "" or has no such file).
func (s *Store) readFile(ctx context.Context, sha, name string) ([]byte, error) {
	if sha == "" {
		return nil, nil
	}
	out, err := s.git(ctx, nil, "cat-file", "blob", sha+":"+name)
	if err != nil {
		if _, terr := s.git(ctx, nil, "cat-file", "-e", sha+":"+name); terr != nil {
			return nil, nil
		}
		return nil, err
	}
	return []byte(out), nil
}

func (s *Store) readLock(ctx context.Context, sha string) (backend.LockInfo, error) {
	var info backend.LockInfo
	b, err := s.readFile(ctx, sha, lockFile)
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("reading the lock on the remote (%s): %w", sha, err)
	}
	return info, nil
}

// Lock takes the account's lease: creates the lock ref where there is
// none, or takes over one whose lease expired; then moves the journal ref
// (the fence) and brings the journal to acct.Local.
func (s *Store) Lock(ctx context.Context, acct backend.Account, info backend.LockInfo) (backend.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if info.ID == "" {
		info.ID = newID()
	}
	if info.Host == "" {
		info.Host = s.cfg.Host
	}
	if info.Host == "" {
		info.Host, _ = os.Hostname()
	}
	if info.Who == "" {
		info.Who = s.cfg.Who
	}
	if info.CIRun == "" {
		info.CIRun = s.cfg.CIRun
	}
	lref, jref := LockRef(acct.Name), JournalRef(acct.Name)
	var lockSHA string
	for attempt := 0; ; attempt++ {
		refs, err := s.fetch(ctx, lref, jref)
		if err != nil {
			return nil, err
		}
		old := refs[lref]
		if old != "" {
			held, err := s.readLock(ctx, old)
			if err != nil {
				return nil, err
			}
			if s.cfg.Clock().Before(held.Expires) {
				return nil, &backend.LockedError{Info: held}
			}
		}
		info.Created = s.cfg.Clock().UTC()
		info.Expires = info.Created.Add(s.cfg.TTL)
		b, _ := json.MarshalIndent(info, "", "  ")
		sha, err := s.commit(ctx, lockFile, append(b, '\n'), "", "rtctl lock "+info.ID)
		if err != nil {
			return nil, err
		}
		err = s.cas(ctx, lref, old, sha)
		if errors.Is(err, ErrConflict) && attempt < 2 {
			continue // another run moved it: read it again
		}
		if err != nil {
			return nil, fmt.Errorf("taking the lock on the remote: %w", err)
		}
		lockSHA = sha
		break
	}
	l := &lease{s: s, acct: acct, info: info, lockSHA: lockSHA, done: make(chan struct{})}
	if err := l.pullAndFence(ctx); err != nil {
		_ = s.cas(context.WithoutCancel(ctx), lref, lockSHA, "")
		return nil, err
	}
	l.ctx, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	l.publish()
	go l.keepAlive()
	return l, nil
}

// lease is a held lock on the remote.
type lease struct {
	s       *Store
	acct    backend.Account
	info    backend.LockInfo
	lockSHA string
	// journalSHA is the journal ref's value as this run last set it: every
	// push expects it.
	journalSHA string
	// lost is why the lease can no longer write (taken over, released).
	lost error
	// confirmed is when the remote last showed this run holding the
	// fence (a push of the journal or the lock that succeeded).
	confirmed time.Time
	// seen is lost, the lease's expiry and confirmed as of the last
	// change, under a lock of its own: a POST asks it without waiting for
	// the push that holds the store's.
	seenMu sync.Mutex
	seen   leaseSeen
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func (l *lease) ID() string { return l.info.ID }

// pullAndFence writes the remote's journal to the local copy and moves the
// journal ref, so that a holder before this one fails its next push.
func (l *lease) pullAndFence(ctx context.Context) error {
	s := l.s
	jref := JournalRef(l.acct.Name)
	refs, err := s.fetch(ctx, jref)
	if err != nil {
		return err
	}
	cur := refs[jref]
	data, err := s.readFile(ctx, cur, journalFile)
	if err != nil {
		return err
	}
	if cur != "" || !fileExists(l.acct.Local) {
		if err := writeCopy(l.acct.Local, data, s.cfg.Clock()); err != nil {
			return err
		}
	}
	if cur == "" {
		// A journal only this machine has (no remote one yet) is kept:
		// rtctl journal migrate is how it reaches the remote, and apply
		// refuses until then.
		if local, _ := safefile.ReadFile(l.acct.Local, journal.MaxSize); len(bytes.TrimSpace(local)) > 0 {
			return fmt.Errorf("the remote holds no journal for this account, but %s has one: run rtctl journal migrate --to git to put it there first", l.acct.Local)
		}
	}
	started := s.cfg.Clock() // as in push: the fence held as of before the push
	sha, err := s.commit(ctx, journalFile, data, cur, "rtctl lease "+l.info.ID)
	if err != nil {
		return err
	}
	if err := s.cas(ctx, jref, cur, sha); err != nil {
		return fmt.Errorf("fencing the journal on the remote: %w", err)
	}
	l.journalSHA, l.confirmed = sha, started
	return nil
}

type leaseSeen struct {
	lost               error
	expires, confirmed time.Time
}

// publish makes the lease's state as it is now what sendable sees; it is
// called, with the store's lock held, after each change.
func (l *lease) publish() {
	l.seenMu.Lock()
	defer l.seenMu.Unlock()
	l.seen = leaseSeen{lost: l.lost, expires: l.info.Expires, confirmed: l.confirmed}
}

func (l *lease) lastSeen() leaseSeen {
	l.seenMu.Lock()
	defer l.seenMu.Unlock()
	return l.seen
}

// push puts the local copy on the remote, expecting the journal ref to be
// where this lease left it.
func (l *lease) push() error {
	s := l.s
	s.mu.Lock()
	defer s.mu.Unlock()
	defer l.publish()
	if l.lost != nil {
		return l.lost
	}
	data, err := safefile.ReadFile(l.acct.Local, journal.MaxSize)
	if err != nil {
		return fmt.Errorf("reading the journal's copy to push it: %w", err)
	}
	jref := JournalRef(l.acct.Name)
	// The push proves the fence held when the remote carried it out,
	// somewhere between now and its answer: a run stalled after the
	// remote answered (a process stopped, a laptop asleep) must not count
	// from the moment it read the answer.
	started := s.cfg.Clock()
	sha, err := s.commit(l.ctx, journalFile, data, l.journalSHA, "rtctl "+l.info.ID)
	if err != nil {
		return err
	}
	if err := s.cas(l.ctx, jref, l.journalSHA, sha); err != nil {
		if errors.Is(err, ErrConflict) {
			l.lost = fmt.Errorf("this run's lease on the journal (%s) was taken over by another run: it stops sending, and that run settles what this one sent: %w", l.info.ID, err)
			return l.lost
		}
		return fmt.Errorf("the journal could not reach the remote, so nothing more is sent: %w", err)
	}
	l.journalSHA, l.confirmed = sha, started
	_ = writeFetched(l.acct.Local, s.cfg.Clock())
	return nil
}

// renew extends the lease; a lease no longer ours is lost.
func (l *lease) renew() error {
	s := l.s
	s.mu.Lock()
	defer s.mu.Unlock()
	defer l.publish()
	if l.lost != nil {
		return l.lost
	}
	info := l.info
	started := s.cfg.Clock() // as in push: the fence held as of before the push
	info.Expires = started.UTC().Add(s.cfg.TTL)
	b, _ := json.MarshalIndent(info, "", "  ")
	sha, err := s.commit(l.ctx, lockFile, append(b, '\n'), l.lockSHA, "rtctl renew "+info.ID)
	if err != nil {
		return err
	}
	if err := s.cas(l.ctx, LockRef(l.acct.Name), l.lockSHA, sha); err != nil {
		if errors.Is(err, ErrConflict) {
			l.lost = fmt.Errorf("this run's lease (%s) was taken over or removed: %w", info.ID, err)
			return l.lost
		}
		return err
	}
	// The lock still ours proves no run took the lease over.
	l.lockSHA, l.info, l.confirmed = sha, info, started
	return nil
}

// confirmWithin is how long after the remote last showed this run holding
// the fence a POST may be sent without asking it again: a run stalled
// longer (a process stopped, a laptop asleep) may have been taken over.
const confirmWithin = time.Second

// sendable reports whether a POST may be sent under the lease now: not once
// it is lost, not past its expiry by this machine's clock (with a tenth
// of the lease to spare, for a run stalled past it that another took
// over), and, where the remote last showed this run holding the fence
// more than confirmWithin ago, only once the remote still shows it.
func (l *lease) sendable() error {
	s := l.s
	seen := l.lastSeen()
	if seen.lost != nil {
		return seen.lost
	}
	now := s.cfg.Clock()
	expired := !now.Before(seen.expires.Add(-s.cfg.TTL / 10))
	if !expired && now.Sub(seen.confirmed) < confirmWithin {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer l.publish()
	if l.lost != nil {
		return l.lost
	}
	if expired {
		l.lost = fmt.Errorf("this run's lease on the journal (%s) ran out at %s (the run was stalled, or could not renew it): it sends nothing more, and the run that takes the lease over settles what this one sent", l.info.ID, l.info.Expires.UTC().Format(time.RFC3339))
		return l.lost
	}
	if now := s.cfg.Clock(); now.Sub(l.confirmed) < confirmWithin {
		return nil // confirmed while this waited for the store
	}
	jref := JournalRef(l.acct.Name)
	asked := s.cfg.Clock() // as in push: the answer holds as of the asking
	refs, err := s.remoteRefs(l.ctx, jref)
	if err != nil {
		return fmt.Errorf("the remote could not be asked whether this run still holds the journal's lease, so nothing more is sent: %w", err)
	}
	if refs[jref] != l.journalSHA {
		l.lost = fmt.Errorf("this run's lease on the journal (%s) was taken over by another run: it stops sending, and that run settles what this one sent", l.info.ID)
		return l.lost
	}
	l.confirmed = asked
	return nil
}

// keepAlive renews the lease a third of the way through it until the
// lease is released.
func (l *lease) keepAlive() {
	defer close(l.done)
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-l.s.cfg.After(l.s.cfg.TTL / 3):
		}
		if err := l.renew(); err != nil && l.usable() != nil {
			return
		}
	}
}

// Renew renews the lease now (for tests and long pauses).
func Renew(l backend.Lease) error {
	gl, ok := l.(*lease)
	if !ok {
		return errors.New("not a git lease")
	}
	return gl.renew()
}

// Push puts the local copy on the remote.
func (l *lease) Push(context.Context) error { return l.push() }

func (l *lease) Writer(jw *journal.Writer) backend.Writer { return &writer{jw: jw, l: l} }

// Release deletes the lock ref, if it is still ours.
func (l *lease) Release(ctx context.Context) error {
	var err error
	l.once.Do(func() {
		l.cancel()
		<-l.done
		s := l.s
		s.mu.Lock()
		defer s.mu.Unlock()
		defer l.publish()
		if l.lost != nil {
			return
		}
		l.lost = errors.New("the journal's lease was released")
		err = s.cas(ctx, LockRef(l.acct.Name), l.lockSHA, "")
		if errors.Is(err, ErrConflict) {
			err = nil // taken over or force-unlocked: not ours to remove
		}
	})
	return err
}

// writer appends to the local copy, then pushes it.
type writer struct {
	jw *journal.Writer
	l  *lease
}

func (w *writer) Append(entries ...journal.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	if err := w.l.usable(); err != nil {
		return err
	}
	if err := w.jw.Append(entries...); err != nil {
		return err
	}
	return w.l.push()
}

func (w *writer) Close() error { return w.jw.Close() }

// Sendable says whether a POST whose intent this writer recorded may
// still be sent (apply.Fenced).
func (w *writer) Sendable() error { return w.l.sendable() }

func (l *lease) usable() error {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	return l.lost
}

// Read refreshes the local copy from the remote, without the lock.
func (s *Store) Read(ctx context.Context, acct backend.Account) (backend.Copy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	jref := JournalRef(acct.Name)
	refs, err := s.fetch(ctx, jref)
	if err == nil {
		var data []byte
		if data, err = s.readFile(ctx, refs[jref], journalFile); err == nil {
			now := s.cfg.Clock()
			if err = writeCopy(acct.Local, data, now); err == nil {
				return backend.Copy{Fetched: now}, nil
			}
		}
	}
	fetched := readFetched(acct.Local)
	if fetched.IsZero() {
		return backend.Copy{}, fmt.Errorf("the journal of this account could not be read from the remote, and there is no copy of it here: %w", err)
	}
	return backend.Copy{Fetched: fetched, Offline: err.Error()}, nil
}

// ForceUnlock removes the lock when its ID is id.
func (s *Store) ForceUnlock(ctx context.Context, acct backend.Account, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	lref := LockRef(acct.Name)
	refs, err := s.fetch(ctx, lref)
	if err != nil {
		return err
	}
	if refs[lref] == "" {
		return fmt.Errorf("the account's journal is not locked on the remote")
	}
	held, err := s.readLock(ctx, refs[lref])
	if err != nil {
		return err
	}
	if held.ID != id {
		return fmt.Errorf("the lock on the remote is %s, not %s: nothing was removed", held, id)
	}
	return s.cas(ctx, lref, refs[lref], "")
}

// Holder is the lock on the remote, if any.
func (s *Store) Holder(ctx context.Context, acct backend.Account) (*backend.LockInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lref := LockRef(acct.Name)
	refs, err := s.fetch(ctx, lref)
	if err != nil || refs[lref] == "" {
		return nil, err
	}
	info, err := s.readLock(ctx, refs[lref])
	return &info, err
}

// Accounts are the names of the accounts whose journals the remote holds.
func (s *Store) Accounts(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.init(ctx); err != nil {
		return nil, err
	}
	refs, err := s.remoteRefs(ctx, JournalRef("*"))
	if err != nil {
		return nil, err
	}
	var names []string
	for ref := range refs {
		if name, ok := strings.CutPrefix(ref, JournalRef("")); ok && name != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// RemoteJournal reads the account's journal on the remote (nil when there
// is none), without the lock.
func (s *Store) RemoteJournal(ctx context.Context, acct backend.Account) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	jref := JournalRef(acct.Name)
	refs, err := s.fetch(ctx, jref)
	if err != nil {
		return nil, err
	}
	return s.readFile(ctx, refs[jref], journalFile)
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// writeCopy replaces the local copy with data and records when it was
// fetched.
func writeCopy(path string, data []byte, now time.Time) error {
	if err := safefile.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating the directory of the journal's copy: %w", err)
	}
	if err := atomicfile.Write(path, data); err != nil {
		return fmt.Errorf("writing the journal's copy %s: %w", path, err)
	}
	return writeFetched(path, now)
}

func fetchedPath(local string) string { return local + ".fetched" }

func writeFetched(local string, now time.Time) error {
	return atomicfile.Write(fetchedPath(local), []byte(now.UTC().Format(time.RFC3339Nano)+"\n"))
}

func readFetched(local string) time.Time {
	b, err := safefile.ReadFile(fetchedPath(local), 128)
	if err != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b)))
	return t
}
