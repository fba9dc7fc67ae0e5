package journal

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/safefile"
)

// RepairReport says what Repair did.
type RepairReport struct {
	// Kept is how many lines were kept as they were.
	Kept int
	// Damaged lists the damaged lines (1-based), set aside in SetAside.
	Damaged  []int
	SetAside string
	// Salvaged are the items named by damaged lines: each is recorded as
	// sent without a known outcome, so it is never posted again unless the
	// feeds settle it or a person decides (--retry-uncertain).
	Salvaged []string
	// Unreadable lists the damaged lines that name no item at all: if one
	// was a POST's record, only the feeds can still show that it happened.
	Unreadable []int
	// TornRemoved says a write cut short at the end was removed.
	TornRemoved bool
	// BindingLost says a damaged line was the journal's account binding:
	// the next apply binds it to the account it uses.
	BindingLost bool
}

var (
	keyField     = regexp.MustCompile(`"key":"((?:[^"\\]|\\.){1,200})"`)
	addressField = regexp.MustCompile(`"address":"((?:[^"\\]|\\.){1,500})"`)
)

// Repair sets the damaged lines of the journal at path aside, in a file
// beside it, and rewrites the journal without them, atomically. What a
// damaged line still tells (the key of its item) is kept on the safe side:
// the item is recorded as sent without a known outcome. A journal that is
// not damaged is left alone. held must be the journal's lock.
func Repair(held *Lock, path string, now func() time.Time) (*RepairReport, error) {
	if err := held.Covers(path); err != nil {
		return nil, err
	}
	if err := safefile.Check(path); err != nil {
		return nil, fmt.Errorf("repairing journal: %w", err)
	}
	data, err := safefile.ReadFile(path, MaxSize)
	if err != nil {
		return nil, fmt.Errorf("repairing journal: %w", err)
	}
	rep := &RepairReport{}
	var aside bytes.Buffer
	var kept, salvaged []Entry
	var c chain
	run := "repair-" + now().UTC().Format("20060102T150405Z")
	err = readLines(bytes.NewReader(data), func(l line) error {
		b := bytes.TrimSpace(l.raw)
		if len(b) == 0 {
			return nil
		}
		if e, _, err := c.parse(b); err == nil {
			kept = append(kept, e)
			rep.Kept++
			return nil
		}
		if l.final {
			rep.TornRemoved = true
			return nil
		}
		rep.Damaged = append(rep.Damaged, l.n)
		aside.Write(l.raw)
		aside.WriteByte('\n')
		if bytes.Contains(b, []byte(`"type":"account"`)) {
			rep.BindingLost = true
		}
		m := keyField.FindSubmatch(b)
		if m == nil {
			rep.Unreadable = append(rep.Unreadable, l.n)
			return nil
		}
		e := Entry{Type: Intent, Key: string(m[1]), Run: run, Time: now().UTC(), Error: fmt.Sprintf("recovered from damaged journal line %d", l.n)}
		if a := addressField.FindSubmatch(b); a != nil {
			e.Address = string(a[1])
		}
		salvaged = append(salvaged, e)
		rep.Salvaged = append(rep.Salvaged, e.Key)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("repairing journal %s: %w", path, err)
	}
	if len(rep.Damaged) == 0 && !rep.TornRemoved {
		return rep, nil
	}
	// Every line is written again, bound to the bindings kept: those
	// after a binding set aside were bound to it, and an older journal is
	// rewritten in the current format whole, never half.
	var keep bytes.Buffer
	if _, err := encodeLines(&keep, Account{}, append(kept, salvaged...)); err != nil {
		return nil, fmt.Errorf("repairing journal %s: %w", path, err)
	}
	if len(rep.Damaged) > 0 {
		rep.SetAside = path + ".damaged-" + now().UTC().Format("20060102T150405Z")
		if err := atomicfile.Write(rep.SetAside, aside.Bytes()); err != nil {
			return nil, fmt.Errorf("setting the damaged lines aside: %w", err)
		}
	}
	if err := atomicfile.Write(path, keep.Bytes()); err != nil {
		return nil, fmt.Errorf("rewriting journal %s: %w", path, err)
	}
	return rep, nil
}

// Rebind binds the journal at path to acct from now on: the same account
// with a new credential (a rotated key). The earlier bindings stay in the
// journal, for its history. held must be the journal's lock.
func Rebind(held *Lock, path string, acct Account, now func() time.Time, run string) error {
	if err := held.Covers(path); err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("rebinding journal: %w", err)
	}
	st, entries, tail, err := scan(path)
	if err != nil {
		return err
	}
	if bound, ok := st.Account(); ok && bound.Same(acct) {
		return nil
	}
	w := &Writer{lock: held, now: now, run: run, path: path}
	w.binding, _ = st.Account()
	if st.Legacy || st.OldSums {
		// A binding line in the current format after lines of an older
		// one would be read as copied from another journal.
		if err := w.migrate(st, entries, acct); err != nil {
			return err
		}
		if _, ok := st.Account(); !ok {
			return nil // migrate bound it to acct
		}
	}
	f, err := safefile.OpenAppend(path, 0o600)
	if err != nil {
		return fmt.Errorf("opening journal: %w", err)
	}
	w.f = f
	defer w.Close()
	if !w.Migrated {
		if _, err := tail.mend(f, st.Torn); err != nil {
			return fmt.Errorf("repairing journal %s: %w", path, err)
		}
	}
	return w.Append(Entry{Type: AccountEntry, Account: &acct})
}

// AppendForget appends forget entries for the given items (rtctl forget),
// under the account the journal belongs to. held must be the journal's
// lock.
func AppendForget(held *Lock, path string, acct Account, now func() time.Time, run string, entries []Entry) error {
	w, err := OpenWriter(held, path, now, run, acct)
	if err != nil {
		return err
	}
	defer w.Close()
	for i := range entries {
		entries[i].Type = Forget
	}
	return w.Append(entries...)
}
