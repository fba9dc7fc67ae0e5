package journal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rtctl/rtctl/internal/ctxtime"
)

// Lock is an exclusive OS file lock beside a journal. It keeps two applies
// on one journal from running at once; the OS releases it when the process
// dies, so a crash never leaves a stale lock behind.
type Lock struct {
	f    *os.File
	path string
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

// LockPath is the lock file for the journal at journalPath. It only ever
// adds a suffix, so it can never name the journal itself.
func LockPath(journalPath string) string {
	return journalPath + ".lock"
}

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
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating journal directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}
	deadline := opts.Now().Add(opts.Timeout)
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if ok {
			break
		}
		if !opts.Now().Before(deadline) {
			holder := readHolder(path)
			f.Close()
			return nil, fmt.Errorf("%w by %s; wait for it to finish or raise --lock-timeout (lock file %s)", ErrLocked, holder, path)
		}
		if err := opts.Sleep(ctx, opts.Poll); err != nil {
			f.Close()
			return nil, fmt.Errorf("waiting for the journal lock: %w", err)
		}
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Command: opts.Command, Since: opts.Now().UTC()})
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(b, '\n'), 0)
	}
	return &Lock{f: f, path: path}, nil
}

func readHolder(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "another process"
	}
	var h Holder
	if json.Unmarshal(b, &h) != nil || h.PID == 0 {
		return "another process"
	}
	return h.String()
}

// Release unlocks and closes the lock file. The file itself stays: removing
// it would race with a process that just opened it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	// Clear the holder first, so a stale file never looks held.
	_ = l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
