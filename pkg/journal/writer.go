package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rtctl/rtctl/internal/safefile"
)

// Writer appends entries to a journal file. Each Append is one write and
// one fsync, so callers group the intents of a batch of POSTs, and their
// outcomes, to keep the cost of durability per batch rather than per item.
type Writer struct {
	mu   sync.Mutex
	f    *os.File
	now  func() time.Time
	run  string
	path string
	// err is the first write error. After it nothing more is appended: a
	// short write leaves a fragment that the next entry would be glued to.
	err error
}

// OpenWriter opens (creating if needed) the journal at path for appending.
// run identifies this apply in every entry it writes. A symbolic link at
// path, or a .rtctl directory that is one, is refused (see safefile).
func OpenWriter(path string, now func() time.Time, run string) (*Writer, error) {
	if err := safefile.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating journal directory: %w", err)
	}
	f, err := safefile.OpenAppend(path, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening journal: %w", err)
	}
	w := &Writer{f: f, now: now, run: run, path: path}
	if err := w.endLine(); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// endLine terminates a final line torn by a crash, so the next entry starts
// on a line of its own instead of being glued to the fragment.
func (w *Writer) endLine() error {
	st, err := w.f.Stat()
	if err != nil {
		return fmt.Errorf("reading journal: %w", err)
	}
	if st.Size() == 0 {
		return nil
	}
	last := make([]byte, 1)
	if _, err := w.f.ReadAt(last, st.Size()-1); err != nil && err != io.EOF {
		return fmt.Errorf("reading journal: %w", err)
	}
	if last[0] == '\n' {
		return nil
	}
	if _, err := w.f.Write([]byte("\n")); err != nil {
		return fmt.Errorf("repairing journal: %w", err)
	}
	return w.f.Sync()
}

// Append writes entries and syncs them to disk before returning. Time and
// Run are filled in where the caller left them empty.
func (w *Writer) Append(entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	var buf bytes.Buffer
	now := w.now().UTC()
	for _, e := range entries {
		if e.Time.IsZero() {
			e.Time = now
		}
		if e.Run == "" {
			e.Run = w.run
		}
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encoding journal entry for %s: %w", e.Address, err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return fmt.Errorf("journal %s failed earlier: %w", w.path, w.err)
	}
	if _, err := w.f.Write(buf.Bytes()); err != nil {
		w.err = err
		return fmt.Errorf("writing journal %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		w.err = err
		return fmt.Errorf("syncing journal %s: %w", w.path, err)
	}
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
