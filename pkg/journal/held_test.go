package journal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestWritersNeedTheJournalsLock gives every journal writer no lock, a
// released lock and another journal's lock: each is refused before it
// touches the journal.
func TestWritersNeedTheJournalsLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.jsonl")
	lk := locked(t, path)
	w, err := OpenWriter(lk, path, fixedNow, "run-1", testAccount)
	must(t, err)
	must(t, w.Append(Entry{Type: Intent, Key: "a"}))
	must(t, w.Close())
	// A torn end gives every writer something to mend.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	must(t, err)
	_, err = f.WriteString(`{"type":"intent","key":"b`)
	must(t, errors.Join(err, f.Close()))
	before, err := os.ReadFile(path)
	must(t, err)
	must(t, lk.Release())

	released := locked(t, path)
	must(t, released.Release())
	other := locked(t, filepath.Join(dir, "journal-other.jsonl"))
	rotated := testAccount
	rotated.Fingerprint = "0badf00d"
	for _, lc := range []struct {
		name string
		lock *Lock
	}{{"no lock", nil}, {"a released lock", released}, {"another journal's lock", other}, {"a lock made without Acquire", &Lock{journal: absPath(path)}}} {
		for _, wr := range []struct {
			name  string
			write func(*Lock) error
		}{
			{"OpenWriter", func(l *Lock) error {
				w, err := OpenWriter(l, path, fixedNow, "run-2", testAccount)
				if err == nil {
					w.Close()
				}
				return err
			}},
			{"Rebind", func(l *Lock) error { return Rebind(l, path, rotated, fixedNow, "rotate") }},
			{"Repair", func(l *Lock) error { _, err := Repair(l, path, fixedNow); return err }},
			{"AppendForget", func(l *Lock) error {
				return AppendForget(l, path, testAccount, fixedNow, "forget", []Entry{{Key: "a"}})
			}},
		} {
			if err := wr.write(lc.lock); !errors.Is(err, ErrNotLocked) {
				t.Errorf("%s with %s: %v, want ErrNotLocked", wr.name, lc.name, err)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Fatalf("%s with %s changed the journal:\n%s", wr.name, lc.name, after)
			}
		}
	}
}

// TestWriterStopsWhenItsLockIsReleased releases the lock under an open
// Writer: its next Append is refused, and nothing is written.
func TestWriterStopsWhenItsLockIsReleased(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	lk := locked(t, path)
	w, err := OpenWriter(lk, path, fixedNow, "run-1", testAccount)
	must(t, err)
	defer w.Close()
	before, err := os.ReadFile(path)
	must(t, err)
	must(t, lk.Release())
	if err := w.Append(Entry{Type: Intent, Key: "a"}); !errors.Is(err, ErrNotLocked) {
		t.Errorf("Append after the lock was released: %v, want ErrNotLocked", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("Append wrote without the lock:\n%s", after)
	}
}
