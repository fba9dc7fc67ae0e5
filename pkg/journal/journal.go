package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"time"

	"github.com/rtctl/rtctl/internal/safefile"
)

// EntryType says whether an entry announces a POST or reports how it went.
type EntryType string

const (
	// Intent is written and synced before a POST is sent.
	Intent EntryType = "intent"
	// Outcome is written after the POST returned, failed or was given up.
	Outcome EntryType = "outcome"
)

// Result is the outcome of one POST.
type Result string

const (
	// Applied means the server accepted the item.
	Applied Result = "applied"
	// Failed means the server refused the item or the request provably never
	// reached it: sending it again cannot create a duplicate.
	Failed Result = "failed"
	// Unknown means the request may have reached the server but no answer
	// came back (timeout, connection reset, lost response).
	Unknown Result = "unknown"
	// Settled means a later run found the item in the account's feeds, so an
	// intent without outcome, or an unknown outcome, turned out applied.
	Settled Result = "settled"
	// Absent means a later run found the item missing from a feed that is
	// authoritative for it, so it was never applied and may be sent again.
	Absent Result = "absent"
	// NotSent means the intent was recorded but the POST never left: the run
	// was interrupted, or could not journal, before sending it.
	NotSent Result = "not_sent"
)

// Entry is one line of the journal file.
type Entry struct {
	Time    time.Time `json:"time"`
	Type    EntryType `json:"type"`
	Key     string    `json:"key"`
	Run     string    `json:"run,omitempty"`
	Address string    `json:"address,omitempty"`
	Kind    string    `json:"kind,omitempty"`
	// Item describes what was posted (content, no secrets), so that an
	// orphaned item can be shown after it left the configuration.
	Item json.RawMessage `json:"item,omitempty"`

	Result Result `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Record is everything the journal knows about one item.
type Record struct {
	Key     string
	Address string
	Kind    string
	Item    json.RawMessage

	// IntentAt is when the latest intent for this item was written, and
	// IntentRun the run that wrote it.
	IntentAt  time.Time
	IntentRun string
	// Result is the latest outcome; empty when an intent has no outcome yet.
	Result    Result
	ResultAt  time.Time
	LastError string
	// Attempts counts the intents written for this item.
	Attempts int
}

// Pending reports whether a POST for this item may have reached the server
// without rtctl learning what happened.
func (r Record) Pending() bool {
	return r.Attempts > 0 && (r.Result == "" || r.Result == Unknown)
}

// Done reports whether the item is known to be in the account.
func (r Record) Done() bool {
	return r.Result == Applied || r.Result == Settled
}

// State is the folded content of a journal.
type State struct {
	records map[string]*Record
	// lastSeen is the time of each run's latest entry: its last sign of
	// life, after which it sent nothing more that it had not announced.
	lastSeen map[string]time.Time
	// Skipped counts lines that could not be read (a torn final write).
	Skipped int
}

// LastSeen returns the time of the latest entry the run wrote, the zero
// time for an unknown run.
func (s *State) LastSeen(run string) time.Time {
	if s == nil {
		return time.Time{}
	}
	return s.lastSeen[run]
}

// Lookup returns the record for key.
func (s *State) Lookup(key string) (Record, bool) {
	if s == nil {
		return Record{}, false
	}
	r, ok := s.records[key]
	if !ok {
		return Record{}, false
	}
	return *r, true
}

// Records returns every record, ordered by key for stable output.
func (s *State) Records() []Record {
	if s == nil {
		return nil
	}
	out := make([]Record, 0, len(s.records))
	for _, r := range s.records {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Len returns the number of items the journal knows.
func (s *State) Len() int {
	if s == nil {
		return 0
	}
	return len(s.records)
}

// Apply folds one entry into the state.
func (s *State) Apply(e Entry) {
	if s.records == nil {
		s.records = make(map[string]*Record)
		s.lastSeen = make(map[string]time.Time)
	}
	if e.Run != "" && e.Time.After(s.lastSeen[e.Run]) {
		s.lastSeen[e.Run] = e.Time
	}
	r, ok := s.records[e.Key]
	if !ok {
		r = &Record{Key: e.Key}
		s.records[e.Key] = r
	}
	if e.Address != "" {
		r.Address = e.Address
	}
	if e.Kind != "" {
		r.Kind = e.Kind
	}
	if len(e.Item) > 0 {
		r.Item = e.Item
	}
	switch e.Type {
	case Intent:
		r.Attempts++
		r.IntentAt = e.Time
		r.IntentRun = e.Run
		// A new attempt supersedes an earlier failure, never an applied item:
		// nothing should write an intent for an applied item, and if a bug
		// ever did, keeping Applied errs on the side of no duplicate.
		if !r.Done() {
			r.Result = ""
		}
	case Outcome:
		if r.Done() && e.Result != Applied && e.Result != Settled {
			return
		}
		r.Result = e.Result
		r.ResultAt = e.Time
		r.LastError = e.Error
	}
}

// Read folds the journal at path. A missing file is an empty journal. Lines
// that are not valid entries are skipped and counted: the only way rtctl
// leaves one is a write torn by a crash, and since an intent is synced before
// its POST is sent, a torn intent belongs to a POST that never left.
// Anything but a regular file (a pipe, a device, a directory) is refused: a
// committed link to /dev/urandom would otherwise be read for ever.
func Read(path string) (*State, error) {
	f, err := safefile.OpenRead(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading journal: %w", err)
	}
	defer f.Close()
	st, err := decode(f)
	if err != nil {
		return nil, fmt.Errorf("reading journal %s: %w", path, err)
	}
	return st, nil
}

func decode(r io.Reader) (*State, error) {
	st := &State{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil || e.Key == "" {
			st.Skipped++
			continue
		}
		st.Apply(e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return st, nil
}

// DefaultPath is where the journal lives for a configuration directory.
func DefaultPath(configDir string) string {
	return filepath.Join(configDir, ".rtctl", "journal.jsonl")
}
