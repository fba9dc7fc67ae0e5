package workspace

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/dirlist"
	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/backend"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// JournalAccount is the account the workspace works on, as its journal
// names it: no secret, only the endpoint and a fingerprint of the
// credential. The fingerprint is slow to compute by design, so it is
// computed once.
func (w *Workspace) JournalAccount() (journal.Account, error) {
	w.acctOnce.Do(func() {
		a := w.opts.Account
		if a.Sandbox {
			w.acct = journal.SandboxAccount
			return
		}
		var secret, kind string
		switch c := a.Credentials.(type) {
		case rtapi.APIKey:
			secret, kind = string(c), "api_key"
		case rtapi.AccessToken:
			secret, kind = string(c), "access_token"
		default:
			w.acctErr = ErrNoCredentials
			return
		}
		endpoint := a.Endpoint
		if endpoint == "" {
			endpoint = rtapi.DefaultBaseURL
		}
		fingerprint := journal.Fingerprint
		if w.opts.Fingerprint != nil {
			fingerprint = w.opts.Fingerprint
		}
		w.acct = journal.Account{Endpoint: journal.NormalizeEndpoint(endpoint), Fingerprint: fingerprint(secret), Credential: kind}
	})
	return w.acct, w.acctErr
}

// stateDir is the configuration's .rtctl directory.
func (w *Workspace) stateDir() string { return filepath.Join(w.dir, ".rtctl") }

// JournalPath is where the journal of the workspace's account lives: the
// sandbox's own; the one Options.JournalPath names; else, among the
// configuration's journals (.rtctl/journal*.jsonl), the one bound to this
// account, or .rtctl/journal.jsonl while no account has one. A
// configuration whose journals all belong to other accounts is refused
// (*UnknownAccountError): this may be a rotated key of one of them, whose
// journal must then follow it (rtctl journal rotate-key), or another
// account, which needs a journal of its own (rtctl journal new-account).
func (w *Workspace) JournalPath() (string, error) {
	if w.shared() {
		acct, err := w.JournalAccount()
		if err != nil {
			return "", err
		}
		return w.sharedCopyPath(acct), nil
	}
	return w.localJournalPath()
}

// localJournalPath is JournalPath with the local backend.
func (w *Workspace) localJournalPath() (string, error) {
	switch {
	case w.opts.Account.Sandbox:
		return SandboxJournalPath(w.dir), nil
	case w.opts.JournalPath != "":
		return w.opts.JournalPath, nil
	}
	bound, unbound, err := w.journals()
	if err != nil {
		return "", err
	}
	if len(bound) == 0 {
		// No account to tell apart: the fingerprint, a deliberately slow
		// hash, is left for the apply that binds the journal.
		return journal.DefaultPath(w.dir), nil
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return "", err
	}
	for _, j := range bound {
		if j.Account.Same(acct) {
			return j.Path, nil
		}
	}
	return "", &UnknownAccountError{Using: acct, Journals: bound, Unbound: unbound}
}

// BoundJournal is a journal and the account it belongs to.
type BoundJournal struct {
	Path    string
	Account journal.Account
	Since   time.Time
}

// journals lists the configuration's journals: those bound to an account,
// and the paths of those not bound yet (older format, or empty).
func (w *Workspace) journals() (bound []BoundJournal, unbound []string, err error) {
	paths, err := dirlist.Files(w.stateDir(), "journal", ".jsonl")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(paths)
	for _, p := range paths {
		acct, ok, err := journal.Binding(p)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			bound = append(bound, BoundJournal{Path: p, Account: acct})
		} else {
			unbound = append(unbound, p)
		}
	}
	return bound, unbound, nil
}

// UnknownAccountError is a configuration whose journals all belong to
// accounts other than the one a run uses.
type UnknownAccountError struct {
	Using    journal.Account
	Journals []BoundJournal
	// Unbound are journals that name no account (an older rtctl's).
	Unbound []string
	// Backend names the shared backend whose journals these are ("" for
	// the configuration's own .rtctl).
	Backend string
}

func (e *UnknownAccountError) Error() string {
	var names []string
	for _, j := range e.Journals {
		names = append(names, fmt.Sprintf("%s (%s)", j.Account, filepath.Base(j.Path)))
	}
	for _, p := range e.Unbound {
		names = append(names, fmt.Sprintf("an account it does not name (%s, from an older rtctl)", filepath.Base(p)))
	}
	whose := "this configuration's journal belongs to"
	if e.Backend != "" {
		whose = fmt.Sprintf("the %s backend holds no journal of this key; its journals belong to", e.Backend)
	}
	return fmt.Sprintf("%s %s, and this run uses %s. "+
		"If you rotated your API key, run rtctl journal rotate-key with the new key, so that the journal follows it; "+
		"if this is another account, run rtctl journal new-account with its key, so that it gets a journal of its own",
		whose, strings.Join(names, ", "), e.Using)
}

// checkBinding refuses a journal bound to another account, and says when
// one in the older format will be bound by the next apply.
func (w *Workspace) checkBinding(path string, st *journal.State) error {
	bound, ok := st.Account()
	if !ok && st.Len() == 0 {
		return nil // an empty journal: nothing to check, no fingerprint to compute
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return err
	}
	switch {
	case ok && !bound.Same(acct):
		return &journal.AccountError{Path: path, Journal: bound, Using: acct}
	case !ok && st.Len() > 0:
		w.opts.Reporter.Notice(fmt.Sprintf("the journal %s does not say which account it belongs to (it was written by an older rtctl); the next apply binds it to %s. If it was written for another account, stop and move it away.", path, acct))
	}
	return nil
}

// readJournal reads the account's journal and checks it belongs to it.
func (w *Workspace) readJournal() (string, *journal.State, error) {
	path, err := w.JournalPath()
	if err != nil {
		return "", nil, err
	}
	st, err := journal.Read(path)
	if err != nil {
		return path, st, err
	}
	return path, st, w.checkBinding(path, st)
}

// ReadJournal reads the journal rtctl journal shows (ShownJournalPath): a
// damaged journal is returned with its *journal.DamagedError.
func (w *Workspace) ReadJournal() (string, *journal.State, error) {
	path, err := w.ShownJournalPath()
	if err != nil {
		return "", nil, err
	}
	st, err := journal.Read(path)
	return path, st, err
}

// Locks are the locks that keep two runs on one account apart, each named
// for what it guards. Journal is the one every journal writer takes
// (journal.OpenWriter and the others refuse to write without it); taking
// it is never optional. Release lets them all go.
type Locks struct {
	// StateDir is the account's lock in the person's state directory,
	// shared by every checkout of the configuration. It is the only
	// optional one: nil for the sandbox, and when there is no state
	// directory or its lock could not be taken for another reason than
	// another holder (Unshared says which).
	StateDir *journal.Lock
	// Config is the account's lock in the configuration's .rtctl, whatever
	// journal a run was given; nil for the sandbox, whose journal is its
	// account.
	Config *journal.Lock
	// Journal is the journal's own lock.
	Journal *journal.Lock

	// Unshared says why StateDir is not held, "" when it is (or for the
	// sandbox, which lives in the configuration).
	Unshared string

	// lease is the backend's lock, taken after the local ones: a no-op
	// with the local backend.
	lease backend.Lease
}

// Release releases every lock, the last taken first.
func (ls *Locks) Release() {
	if ls == nil {
		return
	}
	if ls.lease != nil {
		// The lease outlives a cancelled run just long enough to be given
		// back; should that fail, it expires on its own.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = ls.lease.Release(ctx)
		cancel()
	}
	for _, l := range []*journal.Lock{ls.Journal, ls.Config, ls.StateDir} {
		_ = l.Release()
	}
}

// LockFiles are the files Workspace.lock takes (each with ".lock" added),
// in the order it takes them; StateDir and Config are empty for the
// sandbox, and StateDir when there is no state directory.
type LockFiles struct {
	StateDir, Config, Journal string
}

// lock takes the locks of the workspace's account and its journal; see
// lockJournal.
func (w *Workspace) lock(ctx context.Context, timeout time.Duration, command string) (*Locks, error) {
	jpath, err := w.JournalPath()
	if err != nil {
		return nil, err
	}
	return w.lockJournal(ctx, jpath, timeout, command)
}

// lockJournal takes the locks that keep two runs on one account apart: the
// account's in the person's state directory when there is one (other
// checkouts of the configuration), the account's in the configuration's
// .rtctl (whatever journal path a run was given), and the journal's own,
// for the journal at jpath. They are always taken in that order, so two
// runs never wait on each other in a circle.
func (w *Workspace) lockJournal(ctx context.Context, jpath string, timeout time.Duration, command string) (*Locks, error) {
	files, err := w.lockFiles(jpath)
	if err != nil {
		return nil, err
	}
	held, err := w.lockAccount(ctx, files, timeout, command)
	if err != nil {
		return nil, err
	}
	if held.Journal, err = w.acquire(ctx, files.Journal, timeout, command); err != nil {
		held.Release()
		return nil, err
	}
	if held.lease, err = w.takeLease(ctx, jpath, timeout, command); err != nil {
		held.Release()
		return nil, err
	}
	return held, nil
}

func (w *Workspace) acquire(ctx context.Context, path string, timeout time.Duration, command string) (*journal.Lock, error) {
	return journal.Acquire(ctx, path, journal.AcquireOptions{Timeout: timeout, Command: command, Now: w.opts.Clock})
}

// lockAccount takes the account's locks of files (StateDir, then Config),
// not the journal's own.
func (w *Workspace) lockAccount(ctx context.Context, files LockFiles, timeout time.Duration, command string) (*Locks, error) {
	acquire := func(p string) (*journal.Lock, error) { return w.acquire(ctx, p, timeout, command) }
	var err error
	held := &Locks{}
	switch {
	case w.opts.Account.Sandbox:
	case files.StateDir == "":
		held.Unshared = "there is no state directory (RTCTL_STATE_DIR is not set and there is no user cache directory)"
	default:
		l, err := acquire(files.StateDir)
		switch {
		case errors.Is(err, journal.ErrLocked) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			return nil, err
		case err != nil:
			// The state directory is a second line of defence (another
			// checkout of the configuration); the configuration's own
			// lock still keeps this checkout safe, and the run says so.
			held.Unshared = fmt.Sprintf("the lock in the state directory %s could not be taken: %v", w.opts.StateDir, err)
		default:
			held.StateDir = l
		}
	}
	if files.Config != "" {
		if held.Config, err = acquire(files.Config); err != nil {
			held.Release()
			return nil, err
		}
	}
	return held, nil
}

// unsharedNotice says, when the state directory's lock is not held, that
// only the configuration's lock keeps another run of this account away.
func (w *Workspace) unsharedNotice(ls *Locks) {
	if ls.Unshared == "" {
		return
	}
	w.opts.Reporter.Notice(fmt.Sprintf("only this configuration's lock is held for the account: %s. "+
		"Another checkout of this configuration, with its own .rtctl, could apply to the same account at the same time and post its items again; "+
		"set RTCTL_STATE_DIR to a directory every checkout on this machine shares", ls.Unshared))
}

// LockPaths are the files lock takes for the workspace's account and
// journal (see LockFiles).
func (w *Workspace) LockPaths() (LockFiles, error) {
	jpath, err := w.JournalPath()
	if err != nil {
		return LockFiles{}, err
	}
	return w.lockFiles(jpath)
}

func (w *Workspace) lockFiles(jpath string) (LockFiles, error) {
	if w.opts.Account.Sandbox {
		return LockFiles{Journal: jpath}, nil
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return LockFiles{}, err
	}
	return w.accountLockFiles(acct, jpath), nil
}

// accountLockFiles are the lock files of acct and of the journal at jpath.
func (w *Workspace) accountLockFiles(acct journal.Account, jpath string) LockFiles {
	files := LockFiles{Journal: jpath}
	id := accountLockName(acct)
	if w.opts.StateDir != "" {
		files.StateDir = filepath.Join(w.opts.StateDir, "locks", id)
	}
	files.Config = filepath.Join(w.stateDir(), id)
	return files
}

// accountLockName names an account's lock without its secret: the
// fingerprint, and a digest of the endpoint.
func accountLockName(a journal.Account) string {
	sum := sha256.Sum256([]byte(a.Endpoint))
	return "account-" + hex.EncodeToString(sum[:4]) + "-" + a.Fingerprint
}

// NewAccountJournal starts a journal for the workspace's account beside
// the journals of other accounts (rtctl journal new-account), and returns
// its path. It decides which journal to start under the account's locks,
// which every writer of the account's journals holds, and writes under
// them.
func (w *Workspace) NewAccountJournal(ctx context.Context) (string, error) {
	acct, err := w.JournalAccount()
	if err != nil {
		return "", err
	}
	if w.shared() {
		return w.newSharedAccountJournal(ctx, acct)
	}
	const command = "rtctl journal new-account"
	files, err := w.lockFiles("")
	if err != nil {
		return "", err
	}
	locks, err := w.lockAccount(ctx, files, 0, command)
	if err != nil {
		return "", err
	}
	defer locks.Release()
	p := filepath.Join(w.stateDir(), "journal-"+acct.Fingerprint+".jsonl")
	if inUse, err := w.JournalPath(); err == nil {
		if bound, ok, _ := journal.Binding(inUse); ok && bound.Same(acct) {
			return inUse, fmt.Errorf("%s already is the journal of %s", inUse, acct)
		}
		if _, err := os.Stat(inUse); err != nil {
			p = inUse
		}
	}
	if locks.Journal, err = w.acquire(ctx, p, 0, command); err != nil {
		return p, err
	}
	if locks.lease, err = w.takeLease(ctx, p, 0, command); err != nil {
		return p, err
	}
	jw, err := journal.OpenWriter(locks.Journal, p, w.present(), "new-account", acct)
	if err != nil {
		return p, err
	}
	return p, jw.Close()
}

// RotateKey binds the journal of another credential to the workspace's
// account: the same account with a new key. It is the journal the
// workspace was given (--journal, RTCTL_JOURNAL), else the configuration's
// of the old key; from names the old key's fingerprint when the
// configuration has journals of several. It holds the old key's account
// locks (an apply with the old key holds them, whichever of its journals
// it writes), then the new key's and the journal's own, while it writes.
func (w *Workspace) RotateKey(ctx context.Context, from string) (BoundJournal, error) {
	acct, err := w.JournalAccount()
	if err != nil {
		return BoundJournal{}, err
	}
	if w.shared() {
		return w.rotateShared(ctx, acct, from)
	}
	var bound []BoundJournal
	if given := w.opts.JournalPath; given != "" {
		b, ok, err := journal.Binding(given)
		if err != nil {
			return BoundJournal{}, err
		}
		if !ok {
			return BoundJournal{}, fmt.Errorf("%s is bound to no key yet: nothing to rotate (the next apply binds it to the key it uses)", given)
		}
		bound = []BoundJournal{{Path: given, Account: b}}
	} else if bound, _, err = w.journals(); err != nil {
		return BoundJournal{}, err
	}
	var cands []BoundJournal
	olds := map[string]journal.Account{}
	for _, j := range bound {
		switch {
		case j.Account.Same(acct):
			return j, fmt.Errorf("%s already belongs to %s: nothing to rotate", j.Path, acct)
		case j.Account.Endpoint == acct.Endpoint && (from == "" || j.Account.Fingerprint == from):
			cands = append(cands, j)
			olds[accountLockName(j.Account)] = j.Account
		}
	}
	if len(cands) == 0 {
		return BoundJournal{}, fmt.Errorf("no journal of another key at %s here to follow the new key", acct.Endpoint)
	}
	const command = "rtctl journal rotate-key"
	for _, name := range slices.Sorted(maps.Keys(olds)) {
		if w.opts.Account.Sandbox {
			break
		}
		old, err := w.lockAccount(ctx, w.accountLockFiles(olds[name], ""), 0, command)
		if err != nil {
			return BoundJournal{}, err
		}
		defer old.Release()
	}
	if len(cands) > 1 {
		if len(olds) == 1 {
			return BoundJournal{}, fmt.Errorf("%d journals of %s are here: name the one to rotate with --journal FILE (rtctl journal --all lists them)", len(cands), cands[0].Account)
		}
		return BoundJournal{}, fmt.Errorf("journals of %d keys are here: name the old one with --from FINGERPRINT (rtctl journal --all lists them)", len(olds))
	}
	j := cands[0]
	locks, err := w.lockJournal(ctx, j.Path, 0, command)
	if err != nil {
		return j, err
	}
	defer locks.Release()
	if err := journal.Rebind(locks.Journal, j.Path, acct, w.present(), "rotate-key"); err != nil {
		return j, err
	}
	return j, nil
}

// ShownJournalPath is the journal rtctl journal shows: the account's when
// the workspace has credentials (or is the sandbox, or was given a path);
// without credentials, the configuration's only journal, since showing
// needs no account. With journals of several accounts and no credentials,
// it says how to choose.
func (w *Workspace) ShownJournalPath() (string, error) {
	if w.opts.Account.Sandbox || w.opts.JournalPath != "" || w.opts.Account.Credentials != nil {
		return w.JournalPath()
	}
	paths, err := dirlist.Files(w.stateDir(), "journal", ".jsonl")
	if err != nil {
		return "", err
	}
	switch len(paths) {
	case 0:
		return journal.DefaultPath(w.dir), nil
	case 1:
		return paths[0], nil
	}
	return "", fmt.Errorf("journals of several accounts are here (%s): give the account's credentials (RESCUETIME_API_KEY or --api-key-file) or --journal FILE to choose one", strings.Join(paths, ", "))
}

// RepairJournal repairs the journal at path (see journal.Repair), under the
// apply locks, so that no apply writes it meanwhile.
//
// With a shared backend the journal repaired is the store's, brought here
// by the lease, and the repaired one is put back through it.
func (w *Workspace) RepairJournal(ctx context.Context, path string) (*journal.RepairReport, error) {
	var locks *Locks
	if w.shared() {
		if w.opts.Account.Credentials == nil {
			return nil, fmt.Errorf("the %s backend keeps each account's journal apart: give the account's credentials (RESCUETIME_API_KEY or --api-key-file) so that repair knows which", w.opts.Backend.Kind())
		}
		var err error
		if path, err = w.JournalPath(); err != nil {
			return nil, err
		}
	}
	if w.opts.Account.Sandbox || w.opts.Account.Credentials != nil {
		var err error
		if locks, err = w.lockJournal(ctx, path, 0, "rtctl journal repair"); err != nil {
			return nil, err
		}
	} else {
		// Without credentials the account is unknown: the journal's own
		// lock still keeps an apply on it away.
		l, err := journal.Acquire(ctx, path, journal.AcquireOptions{Command: "rtctl journal repair", Now: w.opts.Clock})
		if err != nil {
			return nil, err
		}
		locks = &Locks{Journal: l}
	}
	defer locks.Release()
	rep, err := journal.Repair(locks.Journal, path, w.present())
	if err != nil || (len(rep.Damaged) == 0 && !rep.TornRemoved) {
		return rep, err
	}
	return rep, w.pushJournal(ctx, locks)
}

// journalDoubts looks beside the journal in use for what it may not know
// (plan.JournalDoubt, plan.OtherJournal):
//
//   - the account's other journals: bound to the same account in the
//     configuration's .rtctl, or recorded as started for the account
//     (beside its locks) and still there, such as one a run was given with
//     --journal or RTCTL_JOURNAL. What they recorded counts in the plan; a
//     damaged one puts the plan in doubt instead.
//   - a journal that is gone: the record of started journals names the
//     one in use, which is empty or began after it was started (deleted,
//     and begun again), or another that no longer exists while the one in
//     use is empty (the configuration deleted and cloned again).
//
// The sandbox keeps its account beside its journal: a reset clears both.
func (w *Workspace) journalDoubts(jpath string, st *journal.State) ([]plan.JournalDoubt, []plan.OtherJournal, error) {
	if w.opts.Account.Sandbox || w.opts.Account.Credentials == nil {
		return nil, nil, nil
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, nil, err
	}
	abs := absPath(jpath)
	candidates := map[string]bool{}
	bound, _, err := w.journals()
	if err != nil {
		return nil, nil, err
	}
	for _, j := range bound {
		if j.Account.Same(acct) {
			candidates[absPath(j.Path)] = true
		}
	}
	files, err := w.lockFiles(jpath)
	if err != nil {
		return nil, nil, err
	}
	var doubts []plan.JournalDoubt
	lost := false
	if !w.shared() {
		// The account's journal kept by the git backend, as its copy in
		// .rtctl shows: what the copy holds counts, and what was posted
		// through the remote since it was fetched, this run cannot know.
		cp := filepath.Join(w.stateDir(), "git", "journal-"+accountLockName(acct)+".jsonl")
		if other, err := journal.Read(cp); err == nil && other.Len() > 0 {
			candidates[absPath(cp)] = true
			doubts = append(doubts, plan.JournalDoubt{
				Reason: fmt.Sprintf("this account's journal is kept on a git remote (its copy is %s), and this run uses the local backend: apply with --backend git (or RTCTL_BACKEND=git), or move the journal here with rtctl journal migrate --to local", cp),
			})
		}
	}
	for _, f := range []string{files.Config, files.StateDir} {
		if f == "" {
			continue
		}
		for _, started := range readStarted(startedMarker(f)) {
			if _, err := os.Lstat(started.path); err == nil {
				candidates[started.path] = true
			}
			if d, ok := lostJournal(started, abs, st); ok && !lost {
				lost = true
				doubts = append(doubts, plan.JournalDoubt{Reason: d.Reason + fmt.Sprintf(" (%s records the journals started for this account)", startedMarker(f)), Since: d.Since})
			}
		}
	}
	var others []plan.OtherJournal
	for _, p := range slices.Sorted(maps.Keys(candidates)) {
		if sameFile(p, jpath) {
			continue
		}
		if b, ok, err := journal.Binding(p); err != nil || !ok || !b.Same(acct) {
			continue // another account's, or not one rtctl can tell
		}
		other, err := journal.Read(p)
		if err != nil {
			doubts = append(doubts, plan.JournalDoubt{Reason: fmt.Sprintf("another journal of this account, %s, cannot be read (%v)", p, err)})
			continue
		}
		others = append(others, plan.OtherJournal{Path: p, State: other})
	}
	return doubts, others, nil
}

// lostJournal reads one line of a started marker against the journal in
// use (abs, st): the same journal, but empty (deleted) or begun after the
// marker says it was started (deleted, and begun again); or another
// journal started here that is gone, while the one in use is empty (the
// configuration deleted and cloned again). A journal of another
// configuration that is still there is that configuration's own.
func lostJournal(started startedJournal, abs string, st *journal.State) (plan.JournalDoubt, bool) {
	at, err := time.Parse(startedLayout, started.at)
	if err != nil {
		return plan.JournalDoubt{}, false
	}
	switch {
	case started.path == abs && st.Began.IsZero():
		return plan.JournalDoubt{Reason: fmt.Sprintf("rtctl started the journal %s for this account on %s, and it is gone now: was it deleted?", abs, started.at)}, true
	case started.path == abs && st.Began.After(at.Add(time.Minute)):
		return plan.JournalDoubt{Reason: fmt.Sprintf("rtctl started the journal %s for this account on %s, but the one there now began on %s: the first was lost",
			abs, started.at, st.Began.UTC().Format(startedLayout)), Since: st.Began}, true
	case started.path != abs && st.Began.IsZero():
		if _, err := os.Lstat(started.path); errors.Is(err, fs.ErrNotExist) {
			return plan.JournalDoubt{Reason: fmt.Sprintf("rtctl started the journal %s for this account on %s, which is gone, and the journal in use, %s, is empty", started.path, started.at, abs)}, true
		}
	}
	return plan.JournalDoubt{}, false
}

// startedLayout is how a started marker writes times.
const startedLayout = "2006-01-02 15:04:05 UTC"

// startedJournal is one line of a started marker.
type startedJournal struct{ path, at string }

// readStarted reads the journals a marker records; a missing or unreadable
// marker records none.
func readStarted(marker string) []startedJournal {
	data, err := safefile.ReadFile(marker, 1<<20)
	if err != nil {
		return nil
	}
	var out []startedJournal
	for _, line := range strings.Split(string(data), "\n") {
		if path, at, ok := strings.Cut(line, "\t"); ok {
			out = append(out, startedJournal{path, at})
		}
	}
	return out
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// startedMarker is the file beside an account's lock that records that a
// journal of the account was started (markJournalStarted): it outlives a
// deleted journal, and a deleted .rtctl in the state directory.
func startedMarker(accountLock string) string { return accountLock + ".journal" }

// markJournalStarted records, beside the account's locks, that the
// journal at jpath was started for it (at now), so that a journal lost
// later is noticed (journalDoubts). The caller holds those locks.
func (w *Workspace) markJournalStarted(ls *Locks, jpath string, now time.Time) error {
	files, err := w.lockFiles(jpath)
	if err != nil {
		return err
	}
	abs := absPath(jpath)
	for _, f := range []struct {
		path string
		held *journal.Lock
	}{{files.StateDir, ls.StateDir}, {files.Config, ls.Config}} {
		if f.path == "" || f.held == nil {
			continue
		}
		// The first start of a journal is kept: a later one at the same
		// path is a lost journal begun again, which the first start shows.
		var b strings.Builder
		seen := false
		for _, s := range readStarted(startedMarker(f.path)) {
			fmt.Fprintf(&b, "%s\t%s\n", s.path, s.at)
			seen = seen || s.path == abs
		}
		if seen {
			continue
		}
		fmt.Fprintf(&b, "%s\t%s\n", abs, now.UTC().Format(startedLayout))
		if err := atomicfile.Write(startedMarker(f.path), []byte(b.String())); err != nil {
			return fmt.Errorf("recording that the journal %s was started: %w", jpath, err)
		}
	}
	return nil
}

// sameFile reports whether two journal paths name one file.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
