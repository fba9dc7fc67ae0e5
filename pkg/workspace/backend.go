package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/ctxtime"
	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/backend"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/spec"
)

// BackendKind is the kind of backend the workspace keeps its journal in.
func (w *Workspace) BackendKind() string { return w.opts.Backend.Kind() }

// shared reports whether the account's journal lives in a store other
// machines reach. The sandbox's journal is always its own, beside it.
func (w *Workspace) shared() bool {
	return w.opts.Backend.Kind() != "local" && !w.opts.Account.Sandbox
}

// sharedCopyPath is this machine's copy of the journal a shared backend
// keeps: in .rtctl, so that an offline plan still has it, and apart from
// the local backend's journals (.rtctl/journal*.jsonl), so that neither is
// ever taken for the other.
func (w *Workspace) sharedCopyPath(acct journal.Account) string {
	return filepath.Join(w.stateDir(), w.opts.Backend.Kind(), "journal-"+accountLockName(acct)+".jsonl")
}

func (w *Workspace) backendAccount(local string) (backend.Account, error) {
	acct, err := w.JournalAccount()
	if err != nil {
		return backend.Account{}, err
	}
	return backend.Account{Name: accountLockName(acct), Local: local}, nil
}

// journalBatch is how many intents one journal write of an apply covers:
// more where each write is a round trip to the backend's store (see
// apply.Options.Batch); 0 leaves apply's own choice.
func (w *Workspace) journalBatch() int {
	if b, ok := w.opts.Backend.(interface{ Batch() int }); ok && w.shared() {
		return b.Batch()
	}
	return 0
}

// leaseCommands are the commands that may write a shared backend's journal:
// those that put what they write in the store through the lease, so that
// nothing they write stays on this machine alone. apply, forget, confirm
// and adopt append through the lease's writer; repair, rotate-key and
// new-account rewrite the copy and push it (pushJournal). Each push is a
// compare-and-swap on the journal's ref from where the lease left it.
var leaseCommands = map[string]bool{
	"rtctl apply": true, "rtctl forget": true, "rtctl journal confirm": true, "rtctl journal adopt": true,
	"rtctl journal repair": true, "rtctl journal rotate-key": true, "rtctl journal new-account": true,
}

// migrateCommand takes the local locks alone: it takes the lease itself,
// for the shared copy, not for the local journal it moves.
const migrateCommand = "rtctl journal migrate"

// takeLease takes the backend's lock, once the local ones are held, and
// brings the store's journal to the local copy at jpath, waiting up to
// timeout for another run that holds it.
func (w *Workspace) takeLease(ctx context.Context, jpath string, timeout time.Duration, command string) (backend.Lease, error) {
	if !w.shared() || command == migrateCommand {
		return backend.Local{}.Lock(ctx, backend.Account{}, backend.LockInfo{})
	}
	if !leaseCommands[command] {
		return nil, fmt.Errorf("%s does not work with the %s backend yet: move the journal back with rtctl journal migrate --to local, run it, and move it again with --to %[2]s", command, w.opts.Backend.Kind())
	}
	acct, err := w.backendAccount(jpath)
	if err != nil {
		return nil, err
	}
	deadline := w.opts.Clock().Add(timeout)
	wait := ctxtime.Sleep
	if wb, ok := w.opts.Backend.(backend.Waiter); ok {
		wait = wb.Wait
	}
	for {
		lease, err := w.opts.Backend.Lock(ctx, acct, backend.LockInfo{Operation: command, PID: os.Getpid()})
		var le *backend.LockedError
		if errors.As(err, &le) && w.opts.Clock().Before(deadline) {
			// Another run holds it: wait as for the local locks, polling
			// slowly, since every poll is a round trip to the remote.
			if serr := wait(ctx, min(leasePoll, deadline.Sub(w.opts.Clock()))); serr != nil {
				return nil, fmt.Errorf("waiting for the journal's lock on the %s backend: %w", w.opts.Backend.Kind(), serr)
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("taking the journal's lock on the %s backend: %w", w.opts.Backend.Kind(), err)
		}
		if freshStart[command] {
			if err := w.checkSharedAccount(ctx, jpath, true); err != nil {
				_ = lease.Release(context.WithoutCancel(ctx))
				return nil, err
			}
		}
		return lease, nil
	}
}

// freshStart are the commands that would start the account's journal on a
// shared backend that holds none of it (new-account and rotate-key are how
// a person says which start it is).
var freshStart = map[string]bool{"rtctl apply": true, "rtctl forget": true, "rtctl journal confirm": true, "rtctl journal adopt": true}

// checkSharedAccount refuses a key whose journal the shared backend does
// not hold (its copy at copyPath is empty) when the backend holds journals
// of other keys at the same endpoint, as JournalPath refuses one with the
// local backend (*UnknownAccountError): it may be one of those accounts
// with a rotated key, whose journal it would not know, posting again what
// the feeds cannot show. strict fails when the backend cannot be listed;
// otherwise (an offline plan, which says so) that is let pass.
func (w *Workspace) checkSharedAccount(ctx context.Context, copyPath string, strict bool) error {
	data, err := readOptional(copyPath)
	if err != nil || len(bytes.TrimSpace(data)) > 0 {
		return err
	}
	lister, ok := w.opts.Backend.(backend.Lister)
	if !ok {
		return nil
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return err
	}
	names, err := lister.Accounts(ctx)
	if err != nil {
		if strict {
			return fmt.Errorf("listing the journals on the %s backend: %w", w.opts.Backend.Kind(), err)
		}
		return nil
	}
	self := accountLockName(acct)
	prefix := strings.TrimSuffix(self, acct.Fingerprint)
	ue := &UnknownAccountError{Using: acct, Backend: w.opts.Backend.Kind()}
	for _, n := range names {
		if fp, ok := strings.CutPrefix(n, prefix); ok && n != self {
			ue.Journals = append(ue.Journals, BoundJournal{Path: n, Account: journal.Account{Endpoint: acct.Endpoint, Fingerprint: fp}})
		}
	}
	if len(ue.Journals) == 0 {
		return nil
	}
	return ue
}

// pushJournal puts the copy a journal command rewrote under locks in the
// backend's store (nothing with the local backend, whose journal the copy
// is).
func (w *Workspace) pushJournal(ctx context.Context, locks *Locks) error {
	if locks.lease == nil {
		return nil // the journal's own lock alone (repair without an account): a local journal
	}
	if err := locks.lease.Push(ctx); err != nil {
		return fmt.Errorf("the journal was rewritten on this machine but could not reach the %s backend, so nothing changed there (the next run takes the remote's again): %w", w.opts.Backend.Kind(), err)
	}
	return nil
}

// newSharedAccountJournal starts the account's journal on the shared
// backend (rtctl journal new-account): there every account has a ref of
// its own, so this binds it ahead of its first apply.
func (w *Workspace) newSharedAccountJournal(ctx context.Context, acct journal.Account) (string, error) {
	path := w.sharedCopyPath(acct)
	locks, err := w.lockJournal(ctx, path, 0, "rtctl journal new-account")
	if err != nil {
		return path, err
	}
	defer locks.Release()
	if bound, ok, err := journal.Binding(path); err != nil {
		return path, err
	} else if ok && bound.Same(acct) {
		return path, fmt.Errorf("the %s backend's journal of %s (its copy %s) already is the journal of %s", w.opts.Backend.Kind(), acct, path, acct)
	}
	jw, err := journal.OpenWriter(locks.Journal, path, w.present(), "new-account", acct)
	if err != nil {
		return path, err
	}
	if err := jw.Close(); err != nil {
		return path, err
	}
	return path, w.pushJournal(ctx, locks)
}

// rotateShared lets the journal of another key of the account on the
// shared backend follow the workspace's key (rtctl journal rotate-key).
// It holds the old key's copy's lock and lease, and the new key's locks
// and lease. The journal, rebound, reaches the new key's ref first, then the
// old key's: a run with the old key is then refused (the journal belongs
// to the new one) rather than starting afresh, and should the second push
// fail, the new key already has everything.
func (w *Workspace) rotateShared(ctx context.Context, acct journal.Account, from string) (BoundJournal, error) {
	kind := w.opts.Backend.Kind()
	lister, ok := w.opts.Backend.(backend.Lister)
	if !ok {
		return BoundJournal{}, fmt.Errorf("the %s backend cannot list the journals it holds, which rotate-key needs to find the old key's", kind)
	}
	names, err := lister.Accounts(ctx)
	if err != nil {
		return BoundJournal{}, fmt.Errorf("listing the journals on the %s backend: %w", kind, err)
	}
	self := accountLockName(acct)
	// The names of one endpoint's accounts differ only in the fingerprint.
	prefix := strings.TrimSuffix(self, acct.Fingerprint)
	var cands []string
	for _, n := range names {
		fp, ok := strings.CutPrefix(n, prefix)
		if ok && n != self && (from == "" || fp == from) {
			cands = append(cands, n)
		}
	}
	newPath := w.sharedCopyPath(acct)
	j := BoundJournal{Path: newPath}
	switch len(cands) {
	case 0:
		return j, fmt.Errorf("no journal of another key at %s on the %s backend to follow the new key", acct.Endpoint, kind)
	case 1:
	default:
		return j, fmt.Errorf("the %s backend holds journals of %d other keys: name the old one with --from FINGERPRINT", kind, len(cands))
	}
	// The old key's journal first: a run with the old key that holds it
	// stops this one before anything is written for the new key.
	oldPath := filepath.Join(w.stateDir(), kind, "journal-"+cands[0]+".jsonl")
	held, err := journal.Acquire(ctx, oldPath, journal.AcquireOptions{Command: "rtctl journal rotate-key", Now: w.opts.Clock})
	if err != nil {
		return j, err
	}
	defer held.Release()
	oldLease, err := w.opts.Backend.Lock(ctx, backend.Account{Name: cands[0], Local: oldPath}, backend.LockInfo{Operation: "rtctl journal rotate-key", PID: os.Getpid()})
	if err != nil {
		return j, fmt.Errorf("taking the lock of the old key's journal on the %s backend: %w", kind, err)
	}
	defer func() { _ = oldLease.Release(context.WithoutCancel(ctx)) }()
	locks, err := w.lockJournal(ctx, newPath, 0, "rtctl journal rotate-key")
	if err != nil {
		return j, err
	}
	defer locks.Release()
	if cur, err := readOptional(newPath); err != nil {
		return j, err
	} else if len(bytes.TrimSpace(cur)) > 0 {
		j.Account = acct
		return j, fmt.Errorf("the %s backend already holds a journal of %s: nothing to rotate", kind, acct)
	}
	data, err := readOptional(oldPath)
	if err != nil {
		return j, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return j, fmt.Errorf("the old key's journal on the %s backend is empty: nothing to rotate", kind)
	}
	if bound, ok, err := journal.Binding(oldPath); err != nil {
		return j, err
	} else if ok {
		j.Account = bound
	}
	if err := atomicfile.Write(newPath, data); err != nil {
		return j, fmt.Errorf("writing %s: %w", newPath, err)
	}
	if err := journal.Rebind(locks.Journal, newPath, acct, w.present(), "rotate-key"); err != nil {
		return j, err
	}
	if err := w.pushJournal(ctx, locks); err != nil {
		return j, err
	}
	rebound, err := readOptional(newPath)
	if err != nil {
		return j, err
	}
	if err := atomicfile.Write(oldPath, rebound); err != nil {
		return j, fmt.Errorf("writing %s: %w", oldPath, err)
	}
	if err := oldLease.Push(ctx); err != nil {
		return j, fmt.Errorf("the journal follows %s on the %s backend now, but the old key's ref could not be marked as moved, so a run with the old key would still use it: revoke the old key: %w", acct, kind, err)
	}
	return j, nil
}

// leasePoll is how often a run waiting for a shared backend's lock asks
// again.
const leasePoll = 5 * time.Second

// refreshJournal brings the shared backend's journal to its local copy
// before a plan, without the lock; offline, the plan goes on with the copy
// and says how old it is.
func (w *Workspace) refreshJournal(ctx context.Context) error {
	if !w.shared() {
		return nil
	}
	path, err := w.JournalPath()
	if err != nil {
		return err
	}
	acct, err := w.backendAccount(path)
	if err != nil {
		return err
	}
	cp, err := w.opts.Backend.Read(ctx, acct)
	if err != nil {
		return err
	}
	if cp.Offline == "" {
		if err := w.checkSharedAccount(ctx, path, false); err != nil {
			return err
		}
	}
	if cp.Offline != "" {
		age := w.opts.Clock().Sub(cp.Fetched).Round(time.Second)
		w.opts.Reporter.Notice(fmt.Sprintf("the journal could not be read from the %s backend (%s): this plan uses the copy fetched %s ago (%s); what other machines applied since is not in it",
			w.opts.Backend.Kind(), cp.Offline, age, cp.Fetched.UTC().Format(time.RFC3339)))
	}
	return nil
}

// FetchJournal brings the shared backend's journal to this machine's copy,
// without the lock, for the commands that show it (rtctl journal, journal
// verify): what other machines applied is in it. Offline, the copy stays,
// and a notice says how old it is. Nothing with the local backend, or
// without credentials (which name the account's journal).
func (w *Workspace) FetchJournal(ctx context.Context) error {
	if !w.shared() || w.opts.Account.Credentials == nil {
		return nil
	}
	return w.refreshJournal(ctx)
}

// configBackend switches to the backend the configuration's rtctl block
// asks for, unless the person chose one; it reports whether it switched.
func (w *Workspace) configBackend(cfg *spec.Config) (bool, error) {
	kind := cfg.Backend
	if kind == "" || w.opts.Account.Sandbox || kind == w.opts.Backend.Kind() {
		return false, nil
	}
	if w.opts.BackendChosen {
		w.opts.Reporter.Notice(fmt.Sprintf("the configuration asks for the %s backend (rtctl { backend = %q }); this run uses the %s backend, as it was told to", kind, kind, w.opts.Backend.Kind()))
		return false, nil
	}
	if w.opts.ConfigBackend == nil {
		return false, fmt.Errorf("the configuration asks for the %s backend (rtctl { backend = %q }), which this run was not given: run it with --backend %[1]s", kind, kind)
	}
	b, err := w.opts.ConfigBackend(kind)
	if err != nil {
		return false, fmt.Errorf("the configuration asks for the %s backend: %w", kind, err)
	}
	if b == nil {
		b = backend.Local{}
	}
	w.opts.Backend = b
	return true, nil
}

// ForceUnlock removes the backend's lock of the account when its ID is id,
// for a holder that is gone (rtctl force-unlock).
func (w *Workspace) ForceUnlock(ctx context.Context, id string) error {
	path, err := w.JournalPath()
	if err != nil {
		return err
	}
	acct, err := w.backendAccount(path)
	if err != nil {
		return err
	}
	return w.opts.Backend.ForceUnlock(ctx, acct, id)
}

// MigrateResult says what MigrateJournal moved.
type MigrateResult struct {
	From, To string
	// Same is set when the destination already held this journal.
	Same bool
	// Entries is how many lines the journal moved has.
	Entries int
}

// MigrateJournal moves the account's journal between the local backend and
// the workspace's shared one (to is "local" or the shared backend's kind),
// under the local locks and the backend's lease. It refuses when the
// destination already holds a different journal of the account, one the
// source does not continue: which of the two holds what was posted is for
// a person to decide.
func (w *Workspace) MigrateJournal(ctx context.Context, to string) (*MigrateResult, error) {
	if w.opts.Account.Sandbox {
		return nil, errors.New("the sandbox keeps its journal beside it: there is nothing to migrate")
	}
	kind := w.opts.Backend.Kind()
	if kind == "local" {
		return nil, errors.New("rtctl journal migrate moves the journal between the local backend and a shared one: choose the shared one with --backend git and its remote with --backend-remote URL (or RTCTL_BACKEND, RTCTL_BACKEND_REMOTE)")
	}
	if to != "local" && to != kind {
		return nil, fmt.Errorf("cannot migrate to %q: the backends are local and %s", to, kind)
	}
	localPath, err := w.localJournalPath()
	if err != nil {
		return nil, err
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, err
	}
	copyPath := w.sharedCopyPath(acct)
	// The local journal's locks, then the copy's own, then the lease.
	locks, err := w.lockJournal(ctx, localPath, 0, migrateCommand)
	if err != nil {
		return nil, err
	}
	defer locks.Release()
	held, err := journal.Acquire(ctx, copyPath, journal.AcquireOptions{Command: "rtctl journal migrate", Now: w.opts.Clock})
	if err != nil {
		return nil, err
	}
	defer held.Release()
	localData, err := readOptional(localPath)
	if err != nil {
		return nil, err
	}
	if to != "local" && len(bytes.TrimSpace(localData)) > 0 {
		// The shared copy on this machine is a cache: the store's journal
		// replaces it when the lease is taken, and none in the store means
		// it is stale.
		if err := os.Remove(copyPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("clearing the copy %s: %w", copyPath, err)
		}
	}
	bacct := backend.Account{Name: accountLockName(acct), Local: copyPath}
	lease, err := w.opts.Backend.Lock(ctx, bacct, backend.LockInfo{Operation: "rtctl journal migrate", PID: os.Getpid()})
	if err != nil {
		return nil, fmt.Errorf("taking the journal's lock on the %s backend: %w", kind, err)
	}
	defer func() { _ = lease.Release(context.WithoutCancel(ctx)) }()
	remoteData, err := readOptional(copyPath)
	if err != nil {
		return nil, err
	}
	from, dst := localData, remoteData
	res := &MigrateResult{From: localPath, To: kind + " backend"}
	if to == "local" {
		from, dst = remoteData, localData
		res.From, res.To = kind+" backend", localPath
	}
	switch {
	case len(bytes.TrimSpace(from)) == 0 && len(bytes.TrimSpace(dst)) > 0:
		// Migrated before: the journal is where it was to go.
		res.Same, res.Entries = true, bytes.Count(dst, []byte("\n"))
		return res, nil
	case len(bytes.TrimSpace(from)) == 0:
		return nil, fmt.Errorf("there is no journal of %s in %s to migrate", acct, res.From)
	}
	if err := checkJournalOf(from, acct, res.From); err != nil {
		return nil, err
	}
	res.Entries = bytes.Count(from, []byte("\n"))
	switch {
	case bytes.Equal(from, dst):
		res.Same = true
		return res, nil
	case len(bytes.TrimSpace(dst)) > 0 && !bytes.HasPrefix(from, dst):
		// A destination whose journal the source continues (the journal
		// moved away, written there, moved back) is only behind: it is
		// replaced. Any other is a different record of the account.
		return nil, fmt.Errorf("%s already holds a different journal of %s: rtctl does not choose which of the two records what was posted; compare them (rtctl journal), keep the one that holds the other, and move or remove the other before migrating", res.To, acct)
	}
	if to == "local" {
		if err := atomicfile.Write(localPath, from); err != nil {
			return nil, fmt.Errorf("writing %s: %w", localPath, err)
		}
		// As apply records a journal it starts, so that losing this one
		// later is noticed (journalDoubts).
		if err := w.markJournalStarted(locks, localPath, w.present()()); err != nil {
			return nil, err
		}
		// The copy is the shared backend's cache: left here, it would tell
		// every local run that the journal is elsewhere.
		for _, p := range []string{copyPath, copyPath + ".fetched"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("removing the git backend's copy %s: %w", p, err)
			}
		}
		return res, nil
	}
	if err := atomicfile.Write(copyPath, from); err != nil {
		return nil, fmt.Errorf("writing %s: %w", copyPath, err)
	}
	if err := lease.Push(ctx); err != nil {
		return nil, err
	}
	// The local journal is kept, renamed so that the local backend does not
	// take it up again: from now on the remote's is the account's record.
	if err := os.Rename(localPath, localPath+".migrated"); err != nil {
		return nil, fmt.Errorf("the journal is on the %s backend; renaming the local one %s out of the way failed: %w", kind, localPath, err)
	}
	return res, nil
}

func readOptional(path string) ([]byte, error) {
	b, err := safefile.ReadFile(path, journal.MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, nil
}

// checkJournalOf refuses to migrate a journal that is damaged or belongs
// to another account.
func checkJournalOf(data []byte, acct journal.Account, where string) error {
	dir, err := os.MkdirTemp("", "rtctl-migrate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "journal.jsonl")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return err
	}
	st, err := journal.Read(p)
	if err != nil {
		return fmt.Errorf("the journal in %s cannot be migrated: %w", where, err)
	}
	if bound, ok := st.Account(); ok && !bound.Same(acct) {
		return fmt.Errorf("the journal in %s belongs to %s, and this run uses %s", where, bound, acct)
	}
	return nil
}
