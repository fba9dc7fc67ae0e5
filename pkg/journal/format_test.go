package journal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o700))
	must(t, os.WriteFile(path, []byte(content), 0o600))
}

// TestEveryLineCarriesAChecksum checks the format: the first line binds
// the journal to its account, and a changed byte anywhere is found.
func TestEveryLineCarriesAChecksum(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	lk := locked(t, path)
	w, err := OpenWriter(lk, path, fixedNow, "run-1", testAccount)
	must(t, err)
	must(t, w.Append(Entry{Type: Intent, Key: "a", Address: "highlight.a"}, Entry{Type: Intent, Key: "b"}))
	must(t, w.Append(Entry{Type: Outcome, Key: "a", Result: Applied}, Entry{Type: Outcome, Key: "b", Result: Applied}))
	must(t, w.Close())

	data, err := os.ReadFile(path)
	must(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if !strings.Contains(lines[0], `"type":"account"`) || !strings.Contains(lines[0], `"fingerprint":"0a1b2c3d"`) {
		t.Errorf("first line %s does not bind the journal", lines[0])
	}
	for i, l := range lines {
		if !strings.Contains(l, `,"bsum":"`) {
			t.Errorf("line %d has no checksum: %s", i+1, l)
		}
	}
	st, err := Read(path)
	must(t, err)
	if acct, ok := st.Account(); !ok || !acct.Same(testAccount) {
		t.Errorf("bound to %+v, want %+v", acct, testAccount)
	}

	// 40 flipped bytes, as the reproduction did: one changed character in
	// a middle line is enough to stop everything.
	damaged := bytes.Replace(data, []byte(`"key":"a","run"`), []byte(`"key":"x","run"`), 1)
	writeFile(t, path, string(damaged))
	_, err = Read(path)
	var de *DamagedError
	if !errors.As(err, &de) || len(de.Lines) != 1 || de.Lines[0] != 2 {
		t.Fatalf("a changed middle line: %v, want a DamagedError at line 2", err)
	}
	if !strings.Contains(err.Error(), "rtctl journal repair") {
		t.Errorf("the error %q does not say how to repair", err)
	}
	if _, err := OpenWriter(lk, path, fixedNow, "run-2", testAccount); !errors.As(err, &de) {
		t.Errorf("the writer opened a damaged journal: %v", err)
	}
}

func TestWriterRefusesAnotherAccount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	lk := locked(t, path)
	w, err := OpenWriter(lk, path, fixedNow, "run-1", testAccount)
	must(t, err)
	must(t, w.Close())
	other := Account{Endpoint: testAccount.Endpoint, Fingerprint: "99999999", Credential: "api_key"}
	_, err = OpenWriter(lk, path, fixedNow, "run-2", other)
	var ae *AccountError
	if !errors.As(err, &ae) || ae.Journal.Fingerprint != "0a1b2c3d" {
		t.Fatalf("another account: %v, want an AccountError naming the journal's", err)
	}
}

// TestLegacyJournalIsMigrated checks that a journal written before
// checksums and binding is read as it was, then rewritten bound and summed
// by the first writer, losing nothing.
func TestLegacyJournalIsMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	writeFile(t, path, `{"time":"2026-11-20T17:00:00Z","type":"intent","key":"a","run":"r0","address":"highlight.a","kind":"highlight"}
{"time":"2026-11-20T17:00:01Z","type":"intent","key":"b","ti
{"time":"2026-11-20T17:00:02Z","type":"outcome","key":"a","run":"r0","result":"applied"}
{"time":"2026-11-20T17:00:03Z","type":"intent","key":"c","run":"r0"}
`)
	st, err := Read(path)
	must(t, err)
	if !st.Legacy || st.Skipped != 1 || st.Len() != 2 {
		t.Fatalf("legacy read: legacy %v skipped %d len %d, want true 1 2", st.Legacy, st.Skipped, st.Len())
	}
	if _, bound := st.Account(); bound {
		t.Fatal("a legacy journal is bound")
	}
	w, err := OpenWriter(locked(t, path), path, fixedNow, "run-1", testAccount)
	must(t, err)
	if !w.Migrated {
		t.Error("the writer did not say it migrated the journal")
	}
	must(t, w.Append(Entry{Type: Outcome, Key: "c", Result: Applied}))
	must(t, w.Close())
	st, err = Read(path)
	must(t, err)
	if st.Legacy || st.Skipped != 0 {
		t.Errorf("after migration: legacy %v skipped %d", st.Legacy, st.Skipped)
	}
	if acct, ok := st.Account(); !ok || !acct.Same(testAccount) {
		t.Errorf("migrated journal bound to %+v", acct)
	}
	for _, k := range []string{"a", "c"} {
		if r, ok := st.Lookup(k); !ok || !r.Done() {
			t.Errorf("%s after migration: %+v", k, r)
		}
	}
}

// TestLegacyFlippedBytesAreDamage checks that the older format's lenience
// is only for writes cut short: a line changed in place is damage.
func TestLegacyFlippedBytesAreDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	writeFile(t, path, `{"time":"2026-11-20T17:00:00Z","type":"intent","key":"a"}
{"time":"2026-11-20T17:00:01Z","type":"intent",#key":"b"}
{"time":"2026-11-20T17:00:02Z","type":"outcome","key":"a","result":"applied"}
`)
	var de *DamagedError
	if _, err := Read(path); !errors.As(err, &de) || de.Lines[0] != 2 {
		t.Fatalf("flipped bytes in a legacy journal: %v, want damage at line 2", err)
	}
}

func TestForgetAndEvidence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	w, err := OpenWriter(locked(t, path), path, fixedNow, "run-1", testAccount)
	must(t, err)
	must(t, w.Append(Entry{Type: Intent, Key: "a"}, Entry{Type: Outcome, Key: "a", Result: Applied}))
	must(t, w.Append(Entry{Type: Forget, Key: "a", Address: "highlight.a"}))
	must(t, w.Append(Entry{Type: EvidenceEntry, Evidence: &Evidence{Feed: FeedHighlights, Key: "a", SeenAt: fixedNow()}}))
	must(t, w.Append(Entry{Type: EvidenceEntry, Evidence: &Evidence{Feed: FeedHighlights, Key: "b"}}))
	must(t, w.Close())
	st, err := Read(path)
	must(t, err)
	if r, _ := st.Lookup("a"); !r.Forgotten || !r.Done() {
		t.Errorf("forgotten record %+v, want forgotten and still applied (history is kept)", r)
	}
	if ev, ok := st.Evidence(FeedHighlights); !ok || ev.Key != "a" {
		t.Errorf("evidence %+v, want the first", ev)
	}
	if _, ok := st.Evidence(FeedOffline); ok {
		t.Error("evidence for a feed never seen")
	}
	// Declared and posted again: no longer forgotten.
	st.Apply(Entry{Type: Intent, Key: "a"})
	if r, _ := st.Lookup("a"); r.Forgotten {
		t.Error("an item posted again is still forgotten")
	}
}
