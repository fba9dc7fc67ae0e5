package journal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/safefile"
)

// Writer appends entries to a journal file. Each Append is one write and
// one fsync, so callers group the intents of a batch of POSTs, and their
// outcomes, to keep the cost of durability per batch rather than per item.
type Writer struct {
	mu   sync.Mutex
	lock *Lock
	f    *os.File
	now  func() time.Time
	run  string
	path string
	// binding is the account the journal belongs to after its last line:
	// the next line's checksum covers it.
	binding Account
	// err is the first write error. After it nothing more is appended: a
	// short write leaves a fragment that the next entry would be glued to.
	err error

	// Repaired says a write cut short by a crash was removed from the end
	// of the journal; Migrated that the journal was rewritten from an
	// older format (before checksums, or before they covered the account),
	// every line bound to its account.
	Repaired, Migrated bool
}

// AccountError is a journal that belongs to another account than the one
// an operation works on.
type AccountError struct {
	Path    string
	Journal Account // the account the journal belongs to
	Using   Account // the account the operation works on
}

func (e *AccountError) Error() string {
	return fmt.Sprintf("the journal %s belongs to %s, and this run uses %s", e.Path, e.Journal, e.Using)
}

// OpenWriter opens (creating if needed) the journal of acct at path for
// appending; run identifies this apply in every entry it writes. A new
// journal starts with acct's binding; one in an older format is rewritten
// in the current one, bound to acct when it was not; a write cut short at
// its end is removed. A journal of another account is refused (*AccountError), and a
// damaged one (*DamagedError). A symbolic link at path, or a .rtctl
// directory that is one, is refused (see safefile). held must be the
// journal's lock (Acquire), held for as long as the Writer writes.
func OpenWriter(held *Lock, path string, now func() time.Time, run string, acct Account) (*Writer, error) {
	if err := held.Covers(path); err != nil {
		return nil, err
	}
	if err := safefile.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating journal directory: %w", err)
	}
	// Refuse a link before reading through it: what it names is not ours.
	if err := safefile.Check(path); err != nil {
		return nil, fmt.Errorf("opening journal: %w", err)
	}
	w := &Writer{lock: held, now: now, run: run, path: path}
	st, entries, tail, err := scan(path)
	if err != nil {
		return nil, err
	}
	if bound, ok := st.Account(); ok && !bound.Same(acct) {
		return nil, &AccountError{Path: path, Journal: bound, Using: acct}
	}
	w.binding, _ = st.Account()
	if st.Legacy || st.OldSums {
		if err := w.migrate(st, entries, acct); err != nil {
			return nil, err
		}
	}
	f, err := safefile.OpenAppend(path, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening journal: %w", err)
	}
	w.f = f
	if !w.Migrated {
		if w.Repaired, err = tail.mend(f, st.Torn); err != nil {
			f.Close()
			return nil, fmt.Errorf("repairing journal %s: %w", path, err)
		}
	}
	if _, bound := st.Account(); !bound && !w.Migrated {
		if err := w.Append(Entry{Type: AccountEntry, Account: &acct}); err != nil {
			f.Close()
			return nil, err
		}
	}
	return w, nil
}

// scan reads the journal at path for a writer: its state, its entries in
// order, and how its last line ends.
func scan(path string) (*State, []Entry, fileTail, error) {
	data, err := safefile.ReadFile(path, MaxSize)
	if os.IsNotExist(err) {
		return &State{}, nil, fileTail{}, nil
	}
	if err != nil {
		return nil, nil, fileTail{}, fmt.Errorf("reading journal: %w", err)
	}
	st, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, nil, fileTail{}, fmt.Errorf("reading journal %s: %w", path, err)
	}
	if len(st.Damaged) > 0 {
		return nil, nil, fileTail{}, &DamagedError{Path: path, Lines: st.Damaged}
	}
	var entries []Entry
	var c chain
	for _, raw := range bytes.Split(data, []byte("\n")) {
		if e, _, err := c.parse(bytes.TrimSpace(raw)); err == nil {
			entries = append(entries, e)
		}
	}
	tail := fileTail{
		lastNewline:  int64(bytes.LastIndexByte(data, '\n') + 1),
		unterminated: len(data) > 0 && data[len(data)-1] != '\n',
	}
	return st, entries, tail, nil
}

// fileTail is how a journal file ends.
type fileTail struct {
	// lastNewline is the offset just after the last newline.
	lastNewline int64
	// unterminated is set when the last line has no newline: a write cut
	// short, by a crash, anywhere in its line, or just before its newline.
	unterminated bool
}

// mend makes the file end with a whole line before anything is appended
// to it: a torn line (one that does not parse) is cut off, since only what
// the crash interrupted goes and everything before it was synced whole; a
// line cut short just before its newline, whole otherwise, gets its
// newline. Appending after either would join two entries into one damaged
// line in the middle of the journal. It reports whether it changed the
// file.
func (t fileTail) mend(f *os.File, torn bool) (bool, error) {
	switch {
	case torn:
		return true, f.Truncate(t.lastNewline)
	case t.unterminated:
		if _, err := f.Write([]byte{'\n'}); err != nil {
			return false, err
		}
		return true, f.Sync()
	}
	return false, nil
}

// migrate rewrites a journal of an older format in the current one,
// atomically: a crash leaves the old file or the new, whole. Every line is
// bound to the binding in effect before it; a journal bound to no account
// is bound to acct first.
func (w *Writer) migrate(st *State, entries []Entry, acct Account) error {
	if _, ok := st.Account(); !ok {
		entries = append([]Entry{{Type: AccountEntry, Account: &acct, Time: w.now().UTC(), Run: w.run}}, entries...)
	}
	var buf bytes.Buffer
	binding, err := encodeLines(&buf, Account{}, entries)
	if err != nil {
		return fmt.Errorf("rewriting journal %s: %w", w.path, err)
	}
	if err := atomicfile.Write(w.path, buf.Bytes()); err != nil {
		return fmt.Errorf("rewriting journal %s in the current format: %w", w.path, err)
	}
	w.binding, w.Migrated = binding, true
	return nil
}

// Append writes entries and syncs them to disk before returning. Time and
// Run are filled in where the caller left them empty.
func (w *Writer) Append(entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	now := w.now().UTC()
	filled := make([]Entry, len(entries))
	for i, e := range entries {
		if e.Time.IsZero() {
			e.Time = now
		}
		if e.Run == "" {
			e.Run = w.run
		}
		filled[i] = e
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return fmt.Errorf("journal %s failed earlier: %w", w.path, w.err)
	}
	if err := w.lock.Covers(w.path); err != nil {
		return err
	}
	// Encoded under the mutex: each line is bound to the binding the line
	// before it leaves.
	var buf bytes.Buffer
	binding, err := encodeLines(&buf, w.binding, filled)
	if err != nil {
		return err
	}
	if _, err := w.f.Write(buf.Bytes()); err != nil {
		w.err = err
		return fmt.Errorf("writing journal %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		w.err = err
		return fmt.Errorf("syncing journal %s: %w", w.path, err)
	}
	w.binding = binding
	return nil
}

// Run identifies the run this writer records.
func (w *Writer) Run() string { return w.run }

// Close closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.f.Close()
}
