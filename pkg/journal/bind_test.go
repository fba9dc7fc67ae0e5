package journal

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// journalOf writes a journal of acct at path holding one applied item.
func journalOf(t *testing.T, path string, acct Account, key string) []string {
	t.Helper()
	lk := locked(t, path)
	w, err := OpenWriter(lk, path, fixedNow, "run-"+key, acct)
	must(t, err)
	must(t, w.Append(Entry{Type: Intent, Key: key, Address: "highlight." + key, Kind: "highlight"}))
	must(t, w.Append(Entry{Type: Outcome, Key: key, Result: Applied}))
	must(t, w.Close())
	must(t, lk.Release())
	data, err := os.ReadFile(path)
	must(t, err)
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// TestSplicedLineOfAnotherAccountIsDamage copies a line of one account's
// journal into another's: every line is bound to its journal's account, so
// the copy is damage that stops plan and apply, not a record of B's.
func TestSplicedLineOfAnotherAccountIsDamage(t *testing.T) {
	dir := t.TempDir()
	other := Account{Endpoint: testAccount.Endpoint, Fingerprint: "99999999", Credential: "api_key"}
	a := journalOf(t, filepath.Join(dir, "a.jsonl"), other, "a")
	bPath := filepath.Join(dir, "b.jsonl")
	b := journalOf(t, bPath, testAccount, "b")
	for i, spliced := range []string{a[1], a[2]} {
		lines := append(append(append([]string{}, b[:2]...), spliced), b[2:]...)
		writeFile(t, bPath, strings.Join(lines, "\n")+"\n")
		st, err := Read(bPath)
		var de *DamagedError
		if !errors.As(err, &de) || len(de.Lines) != 1 || de.Lines[0] != 3 {
			t.Errorf("line %d of another account's journal spliced in at line 3: %v, want a DamagedError at line 3", i+2, err)
		} else if !strings.Contains(err.Error(), "rtctl journal repair") {
			t.Errorf("the error %q does not name the way out", err)
		}
		if _, ok := st.Lookup("a"); ok {
			t.Errorf("the spliced record of another account was folded into the journal")
		}
	}
}

// summedLine is e as the format before lines were bound wrote it: its
// checksum covers the line alone.
func summedLine(t *testing.T, e Entry) string {
	t.Helper()
	b, err := json.Marshal(e)
	must(t, err)
	return string(b[:len(b)-1]) + sumField + checksum(b) + `"}`
}

// TestJournalOfTheFormerFormatIsReadThenBound reads a journal whose
// checksums do not cover its account, as the rtctl before wrote them: it
// verifies as it is, and the next writer rewrites every line bound, losing
// nothing. A line of that format spliced into a bound journal is damage.
func TestJournalOfTheFormerFormatIsReadThenBound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	acct := testAccount
	old := []string{
		summedLine(t, Entry{Time: fixedNow(), Type: AccountEntry, Run: "r0", Account: &acct}),
		summedLine(t, Entry{Time: fixedNow(), Type: Intent, Key: "a", Run: "r0", Address: "highlight.a"}),
		summedLine(t, Entry{Time: fixedNow(), Type: Outcome, Key: "a", Run: "r0", Result: Applied}),
	}
	writeFile(t, path, strings.Join(old, "\n")+"\n")
	st, err := Read(path)
	must(t, err)
	if !st.OldSums || st.Legacy {
		t.Fatalf("a journal of the former format: OldSums %v Legacy %v, want true false", st.OldSums, st.Legacy)
	}
	if r, ok := st.Lookup("a"); !ok || !r.Done() {
		t.Fatalf("a in the former format: %+v", r)
	}
	if b, ok, err := Binding(path); err != nil || !ok || !b.Same(testAccount) {
		t.Fatalf("Binding of the former format: %+v %v %v", b, ok, err)
	}

	w, err := OpenWriter(locked(t, path), path, fixedNow, "run-1", testAccount)
	must(t, err)
	if !w.Migrated {
		t.Error("the writer did not say it rewrote the journal")
	}
	must(t, w.Append(Entry{Type: Intent, Key: "b"}))
	must(t, w.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("rewritten journal has %d lines, want 4:\n%s", len(lines), data)
	}
	for i, l := range lines {
		if !strings.HasSuffix(l[:len(l)-len(`"xxxxxxxx"}`)], `,"bsum":`) {
			t.Errorf("line %d is not bound: %s", i+1, l)
		}
	}
	st, err = Read(path)
	must(t, err)
	if st.OldSums || st.Legacy {
		t.Errorf("after the rewrite: OldSums %v Legacy %v", st.OldSums, st.Legacy)
	}
	for _, k := range []string{"a", "b"} {
		if _, ok := st.Lookup(k); !ok {
			t.Errorf("%s lost in the rewrite", k)
		}
	}

	// A line of the former format, its checksum right, copied into the
	// bound journal.
	spliced := append(append(append([]string{}, lines[:2]...), summedLine(t, Entry{Time: fixedNow(), Type: Outcome, Key: "b", Run: "r9", Result: Applied})), lines[2:]...)
	writeFile(t, path, strings.Join(spliced, "\n")+"\n")
	var de *DamagedError
	if _, err := Read(path); !errors.As(err, &de) || len(de.Lines) != 1 || de.Lines[0] != 3 {
		t.Errorf("a line of the former format in a bound journal: %v, want damage at line 3", err)
	}
}

// TestRepairSetsSplicedLinesAside repairs a journal holding a line of
// another account's: the line is set aside, its item kept uncertain, and
// what is left verifies, a rebinding after it included.
func TestRepairSetsSplicedLinesAside(t *testing.T) {
	dir := t.TempDir()
	other := Account{Endpoint: testAccount.Endpoint, Fingerprint: "99999999", Credential: "api_key"}
	a := journalOf(t, filepath.Join(dir, "a.jsonl"), other, "a")
	path := filepath.Join(dir, "b.jsonl")
	b := journalOf(t, path, testAccount, "b")
	lk := locked(t, path)
	writeFile(t, path, strings.Join(append(append([]string{b[0], a[1]}, b[1:]...), ""), "\n"))
	rep, err := Repair(lk, path, fixedNow)
	must(t, err)
	if len(rep.Damaged) != 1 || rep.Damaged[0] != 2 || len(rep.Salvaged) != 1 || rep.Salvaged[0] != "a" {
		t.Fatalf("repair: %+v, want line 2 set aside and a salvaged", rep)
	}
	rotated := testAccount
	rotated.Fingerprint = "0badf00d"
	must(t, Rebind(lk, path, rotated, fixedNow, "rotate"))
	w, err := OpenWriter(lk, path, fixedNow, "run-3", rotated)
	must(t, err)
	must(t, w.Append(Entry{Type: Intent, Key: "c"}))
	must(t, w.Close())
	st, err := Read(path)
	must(t, err)
	if r, ok := st.Lookup("a"); !ok || !r.Pending() {
		t.Errorf("the salvaged item: %+v, want it uncertain", r)
	}
	if r, ok := st.Lookup("b"); !ok || !r.Done() {
		t.Errorf("b after repair: %+v", r)
	}
	if acct, _ := st.Account(); !acct.Same(rotated) {
		t.Errorf("bound to %+v after the rotation", acct)
	}
}
