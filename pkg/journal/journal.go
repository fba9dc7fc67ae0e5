package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"time"

	"github.com/rtctl/rtctl/internal/clip"

	"github.com/rtctl/rtctl/internal/safefile"
)

// EntryType says what a journal line records.
type EntryType string

const (
	// Intent is written and synced before a POST is sent.
	Intent EntryType = "intent"
	// Outcome is written after the POST returned, failed or was given up.
	Outcome EntryType = "outcome"
	// AccountEntry names the account the journal belongs to. It is the first
	// line of a journal; a later one rebinds it (a rotated key).
	AccountEntry EntryType = "account"
	// Forget takes an item out of rtctl's care (rtctl forget): it is no
	// longer an orphan, and planned afresh if declared again.
	Forget EntryType = "forget"
	// EvidenceEntry records that a feed was seen to show one of rtctl's
	// confirmed POSTs, and how: the evidence that the feed's silence
	// about an item means something (see Evidence).
	EvidenceEntry EntryType = "evidence"
)

// Result is the outcome of one POST.
type Result string

const (
	// Applied means the server accepted the item.
	Applied Result = "applied"
	// AppliedUnverified means the server answered 2xx with a body that does
	// not prove the write (empty, 204, JSON without the API's "message"):
	// never sent again by itself, but checked in the feeds once they are
	// known to show rtctl's posts, and reported to a person when absent.
	AppliedUnverified Result = "applied_unverified"
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
	Key     string    `json:"key,omitempty"`
	Run     string    `json:"run,omitempty"`
	Address string    `json:"address,omitempty"`
	Kind    string    `json:"kind,omitempty"`
	// Item describes what was posted (content, no secrets), so that an
	// orphaned item can be shown after it left the configuration.
	Item json.RawMessage `json:"item,omitempty"`

	Result Result `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`

	// Account is set on an AccountEntry.
	Account *Account `json:"account,omitempty"`
	// Evidence is set on an EvidenceEntry.
	Evidence *Evidence `json:"evidence,omitempty"`
}

// Feeds whose evidence the journal keeps.
const (
	FeedOffline    = "offline_report"
	FeedHighlights = "highlights_feed"
)

// Evidence is what rtctl saw a feed show of one of its own confirmed POSTs.
// Until a feed has shown one, its silence about an item proves nothing: the
// real API's shape and delay are unknown (docs/real-api.md).
type Evidence struct {
	Feed string `json:"feed"`
	// Key is the item that was seen.
	Key string `json:"key"`
	// PostedAt is when the POST was confirmed, SeenAt when the feed first
	// showed it: the sync delay observed.
	PostedAt time.Time `json:"posted_at"`
	SeenAt   time.Time `json:"seen_at"`
	// Activity and Category are how the offline report showed the block,
	// PostedActivity the activity_name it was posted with: when they
	// differ, the report shows offline time under a name of its own.
	Activity       string `json:"activity,omitempty"`
	Category       string `json:"category,omitempty"`
	PostedActivity string `json:"posted_activity,omitempty"`
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
	// Forgotten is set once rtctl forget took the item out of rtctl's
	// care, at ForgottenAt; a later intent (the item declared and posted
	// again) clears it.
	Forgotten   bool
	ForgottenAt time.Time
}

// Pending reports whether a POST for this item may have reached the server
// without rtctl learning what happened.
func (r Record) Pending() bool {
	return r.Attempts > 0 && (r.Result == "" || r.Result == Unknown)
}

// Done reports whether the item is known to be in the account.
func (r Record) Done() bool {
	return r.Result == Applied || r.Result == Settled || r.Result == AppliedUnverified
}

// State is the folded content of a journal.
type State struct {
	records map[string]*Record
	// lastSeen is the time of each run's latest entry: its last sign of
	// life, after which it sent nothing more that it had not announced.
	lastSeen map[string]time.Time
	// Accounts are the journal's bindings, oldest first: the last is the
	// account it belongs to now. None for a journal written before
	// journals were bound (it is bound on its next write).
	Accounts []Account
	// evidence is the first evidence per feed.
	evidence map[string]Evidence
	// Began is the time of the journal's earliest entry: when it was
	// started (zero for an empty journal).
	Began time.Time

	// Torn is set when the last line is a write cut short by a crash: it
	// is ignored, and the next writer removes it.
	Torn bool
	// Legacy is set for a journal in the format before checksums and
	// account binding; it is rewritten in the current format on its next
	// write. Skipped counts its lines that a crash cut short.
	Legacy  bool
	Skipped int
	// OldSums is set for a journal whose checksums do not cover its
	// account (the format before lines were bound): it is read as it is,
	// and rewritten with every line bound on its next write.
	OldSums bool
	// Damaged lists the lines (1-based) that are neither valid nor a torn
	// last line: plan and apply refuse such a journal (DamagedError).
	Damaged []int
	// Lines counts the lines read.
	Lines int
}

// Account is the account the journal belongs to, and false when it is not
// bound yet.
func (s *State) Account() (Account, bool) {
	if s == nil || len(s.Accounts) == 0 {
		return Account{}, false
	}
	return s.Accounts[len(s.Accounts)-1], true
}

// Evidence returns the first evidence the journal recorded for feed.
func (s *State) Evidence(feed string) (Evidence, bool) {
	if s == nil {
		return Evidence{}, false
	}
	e, ok := s.evidence[feed]
	return e, ok
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
		s.evidence = make(map[string]Evidence)
	}
	if !e.Time.IsZero() && (s.Began.IsZero() || e.Time.Before(s.Began)) {
		s.Began = e.Time
	}
	if e.Run != "" && e.Time.After(s.lastSeen[e.Run]) {
		s.lastSeen[e.Run] = e.Time
	}
	switch e.Type {
	case AccountEntry:
		if e.Account != nil {
			s.Accounts = append(s.Accounts, *e.Account)
		}
		return
	case EvidenceEntry:
		if ev := e.Evidence; ev != nil {
			if _, seen := s.evidence[ev.Feed]; !seen {
				s.evidence[ev.Feed] = *ev
			}
		}
		return
	}
	if e.Key == "" {
		return
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
	case Forget:
		r.Forgotten, r.ForgottenAt = true, e.Time
	case Intent:
		r.Attempts++
		r.IntentAt = e.Time
		r.IntentRun = e.Run
		r.Forgotten = false
		// A new attempt supersedes an earlier failure, never an applied item:
		// nothing should write an intent for an applied item, and if a bug
		// ever did, keeping Applied errs on the side of no duplicate.
		// An unverified success that a person chose to send again
		// (--retry-uncertain, after the feeds showed it absent) is a new
		// attempt like any other.
		if !r.Done() || r.Result == AppliedUnverified {
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

// DamagedError is a journal with lines rtctl cannot read that are not a
// write cut short at its end. Such a line may be the record of a POST, and
// beyond the feeds' reach a lost record is a future duplicate, so plan and
// apply stop until a person runs rtctl journal repair.
type DamagedError struct {
	Path  string
	Lines []int
}

func (e *DamagedError) Error() string {
	where := fmt.Sprintf("line %d", e.Lines[0])
	if n := len(e.Lines); n > 1 {
		where += fmt.Sprintf(" and %d more", n-1)
	}
	return fmt.Sprintf("the journal %s is damaged at %s (changed, or copied from another account's journal): a record rtctl cannot read may be a POST it made, which could then be posted again. "+
		"Run rtctl journal verify to see the damage, and rtctl journal repair to set it aside (its items are then treated as uncertain)", e.Path, where)
}

// MaxSize bounds a journal file: a year of a busy calendar is a few
// megabytes; anything near this is not a journal rtctl wrote.
const MaxSize = 256 << 20

// maxLine bounds one line: an entry is a few hundred bytes.
const maxLine = 1 << 20

// Read folds the journal at path. A missing file is an empty journal.
// Anything but a regular file (a pipe, a device, a directory) is refused: a
// committed link to /dev/urandom would otherwise be read for ever. A
// damaged journal is returned with a *DamagedError; use the State only to
// report on it.
func Read(path string) (*State, error) {
	f, err := safefile.OpenRead(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading journal: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxSize {
		return nil, fmt.Errorf("reading journal %s: it is larger than %d MB, which no journal rtctl writes reaches", path, MaxSize>>20)
	}
	st, err := decode(f)
	if err != nil {
		return nil, fmt.Errorf("reading journal %s: %w", path, err)
	}
	if len(st.Damaged) > 0 {
		return st, &DamagedError{Path: path, Lines: st.Damaged}
	}
	return st, nil
}

// line is one line of a journal as read.
type line struct {
	n     int    // 1-based
	raw   []byte // without its newline
	final bool   // the file ends without a newline after it
}

// readLines splits r into lines, telling whether the last one was ended.
func readLines(r io.Reader, each func(line) error) error {
	br := bufio.NewReaderSize(r, 64*1024)
	for n := 1; ; n++ {
		raw, err := readLine(br)
		if len(raw) == 0 && err == io.EOF {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		if e := each(line{n: n, raw: raw, final: err == io.EOF}); e != nil {
			return e
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readLine reads up to a newline, keeping at most maxLine bytes of a longer
// line (which is damaged anyway) so that a hostile file cannot fill memory.
func readLine(br *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(out) < maxLine {
			out = append(out, chunk[:min(len(chunk), maxLine-len(out))]...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil:
			return out, err
		}
		return bytes.TrimSuffix(out, []byte("\n")), nil
	}
}

func decode(r io.Reader) (*State, error) {
	st := &State{}
	sawSum := false
	var c chain
	err := readLines(r, func(l line) error {
		st.Lines = l.n
		b := bytes.TrimSpace(l.raw)
		if len(b) == 0 {
			return nil
		}
		e, format, err := c.parse(b)
		switch {
		case err == nil:
			sawSum = sawSum || format != unsummed
			switch format {
			case unsummed:
				st.Legacy = true
			case summed:
				st.OldSums = true
			}
			st.Apply(e)
		case l.final:
			// A write cut short by a crash: the intent it held was
			// never followed by its POST (intents are synced first).
			st.Torn = true
		case tornJSON(b) && !sawSum:
			// The format before checksums ended a torn line and wrote
			// on: such a fragment is what a crash left, not damage.
			st.Skipped++
		default:
			st.Damaged = append(st.Damaged, l.n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(st.Accounts) == 0 && st.Len() > 0 {
		st.Legacy = true
	}
	return st, nil
}

// tornJSON reports whether b is the start of a JSON object cut short, as a
// crash in the middle of a write leaves it (not bytes changed in place).
func tornJSON(b []byte) bool {
	var v any
	err := json.Unmarshal(b, &v)
	var se *json.SyntaxError
	return bytes.HasPrefix(b, []byte("{")) && errors.As(err, &se) && se.Offset >= int64(len(b))
}

// lineFormat is how a line's checksum was made.
type lineFormat int

const (
	// unsummed lines come from before checksums.
	unsummed lineFormat = iota
	// summed lines end with sumField: a CRC-32C of the line alone, from
	// before lines were bound to their account.
	summed
	// bound lines end with boundSumField: a CRC-32C of the binding in
	// effect before the line and of the line, so that a line copied from
	// another account's journal does not verify. Every line rtctl writes
	// now is bound.
	bound
)

// sumField and boundSumField end a line with its checksum, computed over
// the line without it, so that a changed byte anywhere is found, not
// folded in.
const (
	sumField      = `,"sum":"`
	boundSumField = `,"bsum":"`
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func checksum(b []byte) string {
	return fmt.Sprintf("%08x", crc32.Checksum(b, castagnoli))
}

// boundChecksum is the checksum of a line under binding, the account the
// journal belongs to before the line (the zero Account before the first
// binding): its endpoint and fingerprint, then the line.
func boundChecksum(binding Account, b []byte) string {
	h := crc32.New(castagnoli)
	fmt.Fprintf(h, "%s\n%s\n", binding.Endpoint, binding.Fingerprint)
	h.Write(b)
	return fmt.Sprintf("%08x", h.Sum32())
}

// encodeLine is e as one journal line, checksum included, without newline,
// bound to binding, the account the journal belongs to before it.
func encodeLine(e Entry, binding Account) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	sum := boundChecksum(binding, b)
	return append(append(b[:len(b)-1], boundSumField...), sum+`"}`...), nil
}

// encodeLines appends entries to buf as lines, each bound to the binding
// in effect before it (from before the first), and returns the binding
// after the last.
func encodeLines(buf *bytes.Buffer, from Account, entries []Entry) (Account, error) {
	for _, e := range entries {
		b, err := encodeLine(e, from)
		if err != nil {
			return from, fmt.Errorf("encoding journal entry for %s: %w", e.Address, err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
		if e.Type == AccountEntry && e.Account != nil {
			from = *e.Account
		}
	}
	return from, nil
}

// splitSum finds the checksum field at the end of b: the line without it
// (closed again), the checksum, and whether there was one.
func splitSum(b []byte, field string) (body []byte, sum string, ok bool) {
	i := bytes.LastIndex(b, []byte(field))
	if i <= 0 || len(b)-i != len(field)+8+2 || !bytes.HasSuffix(b, []byte(`"}`)) {
		return nil, "", false
	}
	return append(append([]byte{}, b[:i]...), '}'), string(b[i+len(field) : len(b)-2]), true
}

// parseLine reads one line written while binding was in effect: it reports
// how it was summed, and fails when the checksum does not match or the
// line is not an entry.
func parseLine(b []byte, binding Account) (Entry, lineFormat, error) {
	var e Entry
	format := unsummed
	if body, sum, ok := splitSum(b, boundSumField); ok {
		if boundChecksum(binding, body) != sum {
			return e, bound, errors.New("checksum mismatch: the line was changed, or comes from the journal of another account")
		}
		format = bound
	} else if body, sum, ok := splitSum(b, sumField); ok {
		if checksum(body) != sum {
			return e, summed, errors.New("checksum mismatch")
		}
		format = summed
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return e, format, err
	}
	switch e.Type {
	case Intent, Outcome, Forget:
		if e.Key == "" {
			return e, format, errors.New("entry without a key")
		}
	case AccountEntry:
		if e.Account == nil {
			return e, format, errors.New("account entry without an account")
		}
	case EvidenceEntry:
		if e.Evidence == nil {
			return e, format, errors.New("evidence entry without evidence")
		}
	default:
		return e, format, fmt.Errorf("unknown entry type %q", clip.String(string(e.Type), 40))
	}
	return e, format, nil
}

// chain reads a journal's lines in order, following its binding: each
// bound line is checked under the binding in effect before it. A journal
// is in the bound format or in an older one from its first line on, never
// both (a writer rewrites an older journal whole before it binds a line),
// so a line of the other kind is one copied from another journal.
type chain struct {
	binding Account
	started bool
	bound   bool
}

func (c *chain) parse(b []byte) (Entry, lineFormat, error) {
	e, format, err := parseLine(b, c.binding)
	if err != nil {
		return e, format, err
	}
	switch {
	case !c.started:
		c.started, c.bound = true, format == bound
	case c.bound != (format == bound):
		return e, format, errors.New("a line in another format than the rest of the journal: copied from another journal")
	}
	if e.Type == AccountEntry {
		c.binding = *e.Account
	}
	return e, format, nil
}

// DefaultPath is where the journal lives for a configuration directory.
func DefaultPath(configDir string) string {
	return filepath.Join(configDir, ".rtctl", "journal.jsonl")
}

// Binding returns the account the journal at path belongs to now, and
// false when it is not bound (older format, empty, missing). It reads only
// the binding lines, so choosing among several journals stays cheap; Read
// checks the rest.
func Binding(path string) (Account, bool, error) {
	f, err := safefile.OpenRead(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Account{}, false, nil
	}
	if err != nil {
		return Account{}, false, fmt.Errorf("reading journal: %w", err)
	}
	defer f.Close()
	var acct Account
	found := false
	var c chain
	err = readLines(f, func(l line) error {
		if !bytes.Contains(l.raw, []byte(`"type":"account"`)) {
			return nil
		}
		// Only binding lines reach the chain: each is bound to the one
		// before it.
		if e, _, err := c.parse(bytes.TrimSpace(l.raw)); err == nil && e.Type == AccountEntry {
			acct, found = *e.Account, true
		}
		return nil
	})
	if err != nil {
		return Account{}, false, fmt.Errorf("reading journal %s: %w", path, err)
	}
	return acct, found, nil
}
