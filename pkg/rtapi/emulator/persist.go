package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"sort"
	"sync"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/safefile"
)

// The state file is a snapshot of the whole state on its first line,
// followed by one line per write since (a stateRecord). A write appends its
// line, so it costs the same whatever the state holds; the file is
// rewritten (compacted into a new snapshot, atomically) only when the
// appended lines outweigh the snapshot, so that rewriting stays a constant
// share of the work per write. Version 1 was the snapshot alone, rewritten
// on every write: it is still read, and rewritten as version 2 on the
// first write.
const (
	stateVersion   = 2
	stateVersionV1 = 1
)

// stateFile is the snapshot. Tokens are stored as SHA-256 digests;
// authorization codes, faults and the clock are not persisted.
type stateFile struct {
	Version  int                   `json:"version"`
	NextID   int64                 `json:"next_id"`
	Accounts []accountState        `json:"accounts"`
	Clients  []OAuthClient         `json:"oauth_clients"`
	Tokens   map[string]tokenGrant `json:"tokens"`
}

type accountState struct {
	Account
	OfflineTime []OfflineTime `json:"offline_time"`
	Highlights  []Highlight   `json:"highlights"`
	FocusStarts []FocusStart  `json:"focus_starts"`
	FocusEnds   []FocusEnd    `json:"focus_ends"`
}

// stateRecord is one item posted to an account after the snapshot: exactly
// one of the item fields is set. Only the API's writes are records; the
// rare changes (accounts, models, OAuth clients, tokens, a reset) rewrite
// the snapshot.
type stateRecord struct {
	Account    string       `json:"account"`
	NextID     int64        `json:"next_id"`
	Offline    *OfflineTime `json:"offline_time,omitempty"`
	Highlight  *Highlight   `json:"highlight,omitempty"`
	FocusStart *FocusStart  `json:"focus_start,omitempty"`
	FocusEnd   *FocusEnd    `json:"focus_end,omitempty"`
}

// maxStateBytes bounds the state file: a sandbox holds what one person
// posted by hand or from a configuration, far below this. Compaction keeps
// the file under it; a state whose snapshot alone exceeds it is refused at
// the write that makes it so.
const maxStateBytes = 64 << 20

// minLogBytes is how much may be appended after a small snapshot before
// the file is compacted.
const minLogBytes = 1 << 20

// stateStore writes the state file of an emulator. Records are queued
// under the emulator's lock (cheap) and written and synced outside it, a
// batch at a time: requests that arrive while one batch is being synced
// share the next fsync, and each answer waits for its own record to be on
// disk (group commit).
//
// Lock order: Emulator.mu, then io, then mu. Appending a batch takes io and
// mu but never Emulator.mu, so it never waits for a request in progress.
type stateStore struct {
	path string
	// minLogBytes is how much may be appended after a small snapshot
	// before the file is compacted, maxBytes the limit on the file (tests
	// lower them).
	minLogBytes, maxBytes int64
	io                    sync.Mutex // serializes writing the file

	mu   sync.Mutex // guards the fields below
	open *stateBatch
	// snapBytes is the length of the snapshot line, fileBytes the length
	// of the file up to its last complete record (as this process wrote it
	// or found it).
	snapBytes, fileBytes int64
	// compact says the next write must rewrite the file rather than
	// append: it is absent, of version 1, ends in a torn record, or an
	// append failed (the memory holds records the file lacks).
	compact bool
}

// stateBatch is the records appended to the file by one write and fsync.
type stateBatch struct {
	buf  bytes.Buffer
	done chan struct{} // closed once the records are on disk, or failed to be
	err  error         // why they are not, once done
}

func newBatch() *stateBatch { return &stateBatch{done: make(chan struct{})} }

func (b *stateBatch) finish(err error) {
	b.err = err
	close(b.done)
}

func doneBatch(err error) *stateBatch {
	b := newBatch()
	b.finish(err)
	return b
}

func newStateStore(path string) *stateStore {
	return &stateStore{path: path, minLogBytes: minLogBytes, maxBytes: maxStateBytes, open: newBatch(), compact: true}
}

// saveLocked rewrites the whole state atomically (the snapshot alone, the
// records before it folded in), so a crash leaves either the old file or
// the new. The caller holds e.mu.
func (e *Emulator) saveLocked() error {
	s := e.store
	if s == nil {
		return nil
	}
	s.io.Lock()
	defer s.io.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	err := e.compactLocked()
	if err != nil {
		s.compact = true
		err = fmt.Errorf("save emulator state: %w", err)
	}
	// The open batch's records are in the memory the snapshot was taken
	// from: they are on disk now, or not with it.
	s.open.finish(err)
	s.open = newBatch()
	return err
}

// compactLocked writes the snapshot. The caller holds e.mu, s.io and s.mu.
func (e *Emulator) compactLocked() error {
	s := e.store
	st := stateFile{Version: stateVersion, NextID: e.nextID, Tokens: e.tokens, Clients: []OAuthClient{}, Accounts: []accountState{}}
	for _, k := range e.sortedKeys() {
		a := e.accounts[k]
		st.Accounts = append(st.Accounts, accountState{
			Account: a.Account, OfflineTime: a.offline, Highlights: a.highlights,
			FocusStarts: a.focusStarts, FocusEnds: a.focusEnds,
		})
	}
	for _, c := range e.clients {
		st.Clients = append(st.Clients, c)
	}
	sort.Slice(st.Clients, func(i, j int) bool { return st.Clients[i].ID < st.Clients[j].ID })
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if int64(len(data)) > s.maxBytes {
		return fmt.Errorf("the state would be %d bytes, more than the limit of %s; reset the emulator", len(data), safefile.FormatSize(s.maxBytes))
	}
	if err := atomicfile.Write(s.path, data); err != nil {
		return err
	}
	s.snapBytes, s.fileBytes, s.compact = int64(len(data)), int64(len(data)), false
	return nil
}

// recordLocked queues rec, the write just made to account key, and returns
// the batch to wait for with persist. When the file is due for compaction it
// is rewritten at once instead, and the batch returned is done. The caller
// holds e.mu.
func (e *Emulator) recordLocked(key string, rec stateRecord) *stateBatch {
	s := e.store
	if s == nil {
		return nil
	}
	rec.Account, rec.NextID = key, e.nextID
	line, err := json.Marshal(rec)
	if err != nil {
		return doneBatch(fmt.Errorf("save emulator state: %w", err))
	}
	line = append(line, '\n')
	s.mu.Lock()
	size := s.fileBytes + int64(s.open.buf.Len()) + int64(len(line))
	due := s.compact || size-s.snapBytes > max(s.snapBytes, s.minLogBytes) || size > s.maxBytes
	if !due {
		s.open.buf.Write(line)
		b := s.open
		s.mu.Unlock()
		return b
	}
	s.mu.Unlock()
	// The snapshot holds this record, and completes the open batch.
	return doneBatch(e.saveLocked())
}

// persist waits until batch b is on disk, writing it if nobody else is.
// Should appending fail, the file is rewritten from memory, which holds the
// batch's records. The caller must not hold e.mu.
func (e *Emulator) persist(b *stateBatch) error {
	s := e.store
	if s == nil || b == nil {
		return nil
	}
	s.io.Lock()
	s.mu.Lock()
	if b != s.open {
		// Written, being rewritten, or folded into a snapshot.
		s.mu.Unlock()
		s.io.Unlock()
		<-b.done
		return b.err
	}
	s.open = newBatch()
	var err error
	if s.compact {
		err = errors.New("the file must be rewritten first")
	} else {
		s.mu.Unlock()
		err = s.appendBatch(b.buf.Bytes())
		s.mu.Lock()
	}
	if err == nil {
		s.fileBytes += int64(b.buf.Len())
		s.mu.Unlock()
		s.io.Unlock()
		b.finish(nil)
		return nil
	}
	// Nothing more may be appended after what may be half a record.
	s.compact = true
	s.mu.Unlock()
	s.io.Unlock()
	e.mu.Lock()
	err = e.saveLocked()
	e.mu.Unlock()
	b.finish(err)
	return err
}

// appendBatch appends data to the state file and syncs it. It does not
// create the file: records without their snapshot would be meaningless.
// A file removed meanwhile is rewritten whole by persist instead.
func (s *stateStore) appendBatch(data []byte) error {
	f, err := safefile.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	return errors.Join(werr, serr, cerr)
}

// heldResponse holds the answer to a write until its record is on disk:
// an answer that says "created" must not precede the item's durability.
type heldResponse struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (h *heldResponse) Header() http.Header { return h.header }

func (h *heldResponse) Write(b []byte) (int, error) { return h.body.Write(b) }

func (h *heldResponse) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

// send writes the held answer to w.
func (h *heldResponse) send(w http.ResponseWriter) {
	for k, v := range h.header {
		w.Header()[k] = v
	}
	if h.status != 0 {
		w.WriteHeader(h.status)
	}
	_, _ = w.Write(h.body.Bytes())
}

// load reads the state file; a missing file is an empty state. A state file
// that could not be saved is refused at once: a link (the sandbox keeps its
// state in .rtctl/, which people commit), or a path through a linked .rtctl.
// Reading refuses pipes and devices and bounds the size. Loading never
// writes: a process that only reads leaves the file alone.
func (e *Emulator) load() error {
	s := e.store
	if err := safefile.Check(s.path); err != nil {
		return fmt.Errorf("load emulator state: %w", err)
	}
	data, err := safefile.ReadFile(s.path, s.maxBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load emulator state: %w", err)
	}
	head, rest, _ := bytes.Cut(data, []byte("\n"))
	var st stateFile
	if err := json.Unmarshal(head, &st); err != nil {
		return fmt.Errorf("load emulator state %s: %w", s.path, err)
	}
	switch st.Version {
	case stateVersion, stateVersionV1:
	default:
		return fmt.Errorf("load emulator state %s: format version %d, want %d", s.path, st.Version, stateVersion)
	}
	e.nextID = st.NextID
	for _, as := range st.Accounts {
		a, err := newAccount(as.Account)
		if err != nil {
			return fmt.Errorf("load emulator state %s: %w", s.path, err)
		}
		for _, o := range as.OfflineTime {
			o.Start, o.End, o.PostedAt = o.Start.In(a.loc), o.End.In(a.loc), o.PostedAt.In(a.loc)
			a.offline = append(a.offline, o)
		}
		a.highlights, a.focusStarts, a.focusEnds = as.Highlights, as.FocusStarts, as.FocusEnds
		e.accounts[a.Key] = a
	}
	for _, c := range st.Clients {
		e.clients[c.ID] = c
	}
	for k, t := range st.Tokens {
		e.tokens[k] = t
	}
	end, torn, err := e.replay(rest, st.Version)
	if err != nil {
		return fmt.Errorf("load emulator state %s: %w", s.path, err)
	}
	for _, a := range e.accounts {
		sort.Slice(a.offline, func(i, j int) bool { return offlineLess(a.offline[i], a.offline[j]) })
	}
	s.snapBytes = int64(len(head) + 1)
	s.fileBytes = s.snapBytes + int64(end)
	// Append only to a file of this version that ends where its last
	// record does.
	s.compact = st.Version != stateVersion || torn || len(head) == len(data)
	return nil
}

// replay applies the records after the snapshot and returns the length of
// the complete ones. A last line without its newline is a write cut short
// by a crash: it is left out (torn), since its answer was never sent. A
// complete line that cannot be applied is damage, not a crash.
func (e *Emulator) replay(rest []byte, version int) (end int, torn bool, err error) {
	for line := 2; len(rest) > end; line++ {
		text, _, complete := bytes.Cut(rest[end:], []byte("\n"))
		if !complete {
			return end, true, nil
		}
		if version == stateVersionV1 {
			return 0, false, fmt.Errorf("line %d: a version %d state file has a single line", line, version)
		}
		if err := e.apply(text); err != nil {
			return 0, false, fmt.Errorf("line %d: %w; the file is damaged: remove it to start afresh", line, err)
		}
		end += len(text) + 1
	}
	return end, false, nil
}

// apply applies one record. Offline blocks are appended; load sorts them.
func (e *Emulator) apply(text []byte) error {
	var r stateRecord
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return fmt.Errorf("not a record: %w", err)
	}
	a, ok := e.accounts[r.Account]
	if !ok {
		return errors.New("a record for an account the snapshot does not hold")
	}
	n := 0
	for _, set := range []bool{r.Offline != nil, r.Highlight != nil, r.FocusStart != nil, r.FocusEnd != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("a record holds %d items, want 1", n)
	}
	switch {
	case r.Offline != nil:
		o := *r.Offline
		o.Start, o.End, o.PostedAt = o.Start.In(a.loc), o.End.In(a.loc), o.PostedAt.In(a.loc)
		a.offline = append(a.offline, o)
	case r.Highlight != nil:
		a.highlights = append(a.highlights, *r.Highlight)
	case r.FocusStart != nil:
		a.focusStarts = append(a.focusStarts, *r.FocusStart)
	case r.FocusEnd != nil:
		a.focusEnds = append(a.focusEnds, *r.FocusEnd)
	}
	e.nextID = max(e.nextID, r.NextID)
	return nil
}
