package journal

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestRepairSetsDamageAside checks that repair keeps every good line, sets
// the damaged ones aside, and keeps what they still say on the safe side:
// an item they name is uncertain, never forgotten.
func TestRepairSetsDamageAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	lk := locked(t, path)
	w, err := OpenWriter(lk, path, fixedNow, "run-1", testAccount)
	must(t, err)
	must(t, w.Append(Entry{Type: Intent, Key: "a", Address: "highlight.a"}))
	must(t, w.Append(Entry{Type: Outcome, Key: "a", Result: Applied}))
	must(t, w.Append(Entry{Type: Intent, Key: "b", Address: "highlight.b"}))
	must(t, w.Append(Entry{Type: Outcome, Key: "b", Result: Applied}))
	must(t, w.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	// Damage b's outcome (its key survives) and a's intent beyond reading.
	data = bytes.Replace(data, []byte(`"result":"applied"`), []byte(`"result":"applieX"`), 2)
	lines := bytes.Split(data, []byte("\n"))
	lines[1] = []byte(`{"ti#@!garbage`)
	must(t, os.WriteFile(path, bytes.Join(lines, []byte("\n")), 0o600))

	rep, err := Repair(lk, path, fixedNow)
	must(t, err)
	if len(rep.Damaged) != 3 || rep.SetAside == "" {
		t.Fatalf("report %+v, want three damaged lines set aside", rep)
	}
	if _, err := os.Stat(rep.SetAside); err != nil {
		t.Errorf("the damaged lines were not kept: %v", err)
	}
	st, err := Read(path)
	must(t, err)
	if acct, ok := st.Account(); !ok || !acct.Same(testAccount) {
		t.Errorf("binding lost: %+v", acct)
	}
	// a: its intent is unreadable, its outcome damaged but names it; b:
	// intent fine, outcome damaged: both pending, never "not posted".
	for _, k := range []string{"a", "b"} {
		if r, ok := st.Lookup(k); !ok || !r.Pending() {
			t.Errorf("%s after repair: %+v, want pending (uncertain)", k, r)
		}
	}
	if len(rep.Unreadable) != 1 || rep.Unreadable[0] != 2 {
		t.Errorf("unreadable %v, want line 2", rep.Unreadable)
	}
}

func TestRebind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	lk := locked(t, path)
	w, err := OpenWriter(lk, path, fixedNow, "run-1", testAccount)
	must(t, err)
	must(t, w.Append(Entry{Type: Intent, Key: "a"}, Entry{Type: Outcome, Key: "a", Result: Applied}))
	must(t, w.Close())
	rotated := Account{Endpoint: testAccount.Endpoint, Fingerprint: "ffff0000", Credential: "api_key"}
	must(t, Rebind(lk, path, rotated, fixedNow, "rebind"))
	w, err = OpenWriter(lk, path, fixedNow, "run-2", rotated)
	must(t, err)
	must(t, w.Close())
	st, err := Read(path)
	must(t, err)
	if len(st.Accounts) != 2 || st.Accounts[0].Fingerprint != "0a1b2c3d" {
		t.Errorf("bindings %+v, want the history of both", st.Accounts)
	}
	if r, _ := st.Lookup("a"); !r.Done() {
		t.Error("a record was lost in the rebinding")
	}
	if _, err := OpenWriter(lk, path, fixedNow, "run-3", testAccount); err == nil {
		t.Error("the old key still opens the journal after rotation")
	}
}
