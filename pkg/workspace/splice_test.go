package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// TestSplicedJournalLineStopsPlanAndApply copies the record of a POST from
// one account's journal into another's: plan and apply stop as at any
// damage, naming rtctl journal repair, and nothing is posted.
func TestSplicedJournalLineStopsPlanAndApply(t *testing.T) {
	ctx := context.Background()
	dirA, endpoint, emu := world(t)
	a := open(t, dirA, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Now: testNow})
	if _, err := a.Apply(ctx, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	dirB := t.TempDir()
	if err := os.WriteFile(filepath.Join(dirB, "main.rt.hcl"), []byte(strings.Replace(testConfig, `"release"`, `"other"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	b := open(t, dirB, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-b")}, Now: testNow})
	if _, err := b.Apply(ctx, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	linesOf := func(dir string) []string {
		data, err := os.ReadFile(journal.DefaultPath(dir))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	}
	la, lb := linesOf(dirA), linesOf(dirB)
	// A's record of its POST, an intent and its outcome, in B's journal:
	// B would then believe it posted A's highlight.
	spliced := append(append([]string{}, lb...), la[1:]...)
	if err := os.WriteFile(journal.DefaultPath(dirB), []byte(strings.Join(spliced, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := b.Plan(ctx, PlanOptions{})
	var de *journal.DamagedError
	if !errors.As(err, &de) || de.Lines[0] != len(lb)+1 || !strings.Contains(err.Error(), "rtctl journal repair") {
		t.Fatalf("plan with another account's lines in the journal: %v, want damage at line %d naming rtctl journal repair", err, len(lb)+1)
	}
	if _, err := b.Apply(ctx, ApplyOptions{}); !errors.As(err, &de) {
		t.Fatalf("apply with another account's lines in the journal: %v, want it stopped as damage", err)
	}
	if acct, _ := emu.Record().Account("key-b"); len(acct.Highlights) != 1 {
		t.Errorf("key-b's account holds %d highlights, want the 1 posted before", len(acct.Highlights))
	}
}
