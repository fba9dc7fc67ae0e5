package journal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/rtctl/rtctl/internal/ctxtime"
	"github.com/rtctl/rtctl/internal/safefile"
)

// Lock is an exclusive OS file lock beside a journal (flock on Unix,
// LockFileEx on Windows, through github.com/gofrs/flock). It keeps two
// applies on one journal from running at once; the OS releases it when the
// process dies, so a crash never leaves a stale lock behind.
//
// Who holds the lock is written to a file beside it (HolderPath), not into
// the lock file: Windows locks the lock file's first byte against every
// other handle, so nobody could read it there.
//
// Every function that writes a journal takes the journal's Lock and checks
// that it is held and covers that journal (ErrNotLocked otherwise): a
// writer that did not take the lock does not compile, and one that passes
// another journal's, or a released one, is refused before it writes.
type Lock struct {
	// mu guards fl: a Writer checks the lock on every Append, which may
	// race with a Release elsewhere.
	mu     sync.Mutex
	fl     *flock.Flock
	path   string
	holder string
	// journal is the journal the lock covers, as an absolute path.
	journal string
}

// Holder describes who holds a lock, as its holder wrote it.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command,omitempty"`
	Since   time.Time `json:"since"`
}

func (h Holder) String() string {
	s := fmt.Sprintf("process %d on %s", h.PID, h.Host)
	if h.Command != "" {
		s += " (" + h.Command + ")"
	}
	if !h.Since.IsZero() {
		s += ", since " + h.Since.Format(time.RFC3339)
	}
	return s
}

// ErrLocked is returned (wrapped) when the lock stayed held for the whole
// timeout.
var ErrLocked = errors.New("journal is locked")

// ErrNotLocked is returned (wrapped) by a journal writer given no lock, a
// released one, or the lock of another file than the journal it writes.
var ErrNotLocked = errors.New("journal is not locked by this run")

// LockPath is the lock file for the journal at journalPath. It only ever
// adds a suffix, so it can never name the journal itself.
func LockPath(journalPath string) string {
	return journalPath + ".lock"
}

// HolderPath is the file beside the lock file at lockPath that names the
// lock's holder while it is held.
func HolderPath(lockPath string) string {
	return lockPath + ".holder"
}

// maxHolderBytes bounds what is read from a holder file: rtctl writes one
// short JSON line.
const maxHolderBytes = 64 << 10

// AcquireOptions tune Acquire.
type AcquireOptions struct {
	// Timeout is how long to wait for another holder to finish; zero means
	// fail at once.
	Timeout time.Duration
	// Poll is the interval between attempts while waiting.
	Poll time.Duration
	Now  func() time.Time
	// Sleep waits between attempts; tests pass one that does not sleep.
	Sleep   func(ctx context.Context, d time.Duration) error
	Command string // recorded for whoever waits on us
}

// Acquire takes the lock for the journal at journalPath, waiting up to
// opts.Timeout for another holder.
func Acquire(ctx context.Context, journalPath string, opts AcquireOptions) (*Lock, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Poll <= 0 {
		opts.Poll = 100 * time.Millisecond
	}
	if opts.Sleep == nil {
		opts.Sleep = ctxtime.Sleep
	}
	path := LockPath(journalPath)
	if err := safefile.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the directory of the lock %s: %w", path, err)
	}
	if err := safefile.Check(path); err != nil {
		return nil, err
	}
	// NoFollow: the library opens the file itself, by path, on every try.
	fl := flock.New(path, flock.SetFlag(os.O_RDWR|os.O_CREATE|safefile.NoFollow), flock.SetPermissions(0o600))
	deadline := opts.Now().Add(opts.Timeout)
	for {
		ok, err := fl.TryLock()
		if err != nil {
			// A link that appeared since the check fails the open.
			if cerr := safefile.Check(path); cerr != nil {
				return nil, cerr
			}
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if ok {
			break
		}
		if !opts.Now().Before(deadline) {
			return nil, fmt.Errorf("%w by %s; wait for it to finish or raise --lock-timeout (lock file %s)", ErrLocked, readHolder(HolderPath(path)), path)
		}
		if err := opts.Sleep(ctx, opts.Poll); err != nil {
			return nil, fmt.Errorf("waiting for the journal lock: %w", err)
		}
	}
	l := &Lock{fl: fl, path: path, holder: HolderPath(path), journal: absPath(journalPath)}
	// Where the OS has no O_NOFOLLOW, the Lstat check before the open is all
	// there is; look again now that the file is open and locked.
	if err := lockedRegular(fl, path); err != nil {
		_ = fl.Unlock()
		return nil, err
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Command: opts.Command, Since: opts.Now().UTC()})
	if err := writeHolder(l.holder, append(b, '\n')); err != nil {
		_ = fl.Unlock()
		return nil, err
	}
	return l, nil
}

func lockedRegular(fl *flock.Flock, path string) error {
	if err := safefile.Check(path); err != nil {
		return err
	}
	info, err := fl.Stat()
	if err != nil {
		return fmt.Errorf("locking %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return &safefile.NotRegularError{Path: path, Mode: info.Mode()}
	}
	return nil
}

// writeHolder records the holder. It is advice for whoever waits, so only a
// link or a non-file in its place (a trap, never an accident) fails the
// lock; other errors leave the waiter with "another process".
func writeHolder(path string, b []byte) error {
	f, err := safefile.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	var le *safefile.LinkError
	var nr *safefile.NotRegularError
	if errors.As(err, &le) || errors.As(err, &nr) {
		return err
	}
	if err != nil {
		return nil
	}
	_, _ = f.Write(b)
	_ = f.Close()
	return nil
}

func readHolder(path string) string {
	b, err := safefile.ReadFile(path, maxHolderBytes)
	if err != nil {
		return "another process"
	}
	var h Holder
	if json.Unmarshal(b, &h) != nil || h.PID == 0 {
		return "another process"
	}
	return h.String()
}

// Release unlocks the lock. The lock file itself stays: removing it would
// race with a process that just opened it. The holder file goes first, while
// the lock is still held, so that it never names a process that is done.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fl == nil {
		return nil
	}
	// Should removing fail, the next holder overwrites the file.
	_ = os.Remove(l.holder)
	err := l.fl.Unlock()
	l.fl = nil
	return err
}

// Covers checks that l is held and is the lock of the journal at path:
// every writer of a journal calls it before it reads what it will write
// after, and again before each write.
func (l *Lock) Covers(path string) error {
	if l == nil {
		return fmt.Errorf("%w: writing %s needs its lock, and none was taken", ErrNotLocked, path)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.fl == nil:
		return fmt.Errorf("%w: the lock of %s was released before writing it", ErrNotLocked, l.journal)
	case l.journal != absPath(path):
		return fmt.Errorf("%w: writing %s needs its own lock, and the lock held is that of %s", ErrNotLocked, path, l.journal)
	}
	return nil
}

// Journal is the path of the journal l covers.
func (l *Lock) Journal() string { return l.journal }

// absPath is path made absolute and clean, so that two spellings of one
// journal name one lock; as it is when that fails.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}
