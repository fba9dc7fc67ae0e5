package workspace

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

// TestRecordPlanAppliedNeedsLock checks that the applied plans, written
// beside the journal, are written under its lock only.
func TestRecordPlanAppliedNeedsLock(t *testing.T) {
	jpath := filepath.Join(t.TempDir(), "journal.jsonl")
	at := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	if err := recordPlanApplied(nil, jpath, "abc", at); !errors.Is(err, journal.ErrNotLocked) {
		t.Fatalf("recordPlanApplied without a lock = %v, want ErrNotLocked", err)
	}
	if _, done, err := planAppliedAt(jpath, "abc"); err != nil || done {
		t.Fatalf("planAppliedAt = %v, %v after a refused write", done, err)
	}
}

// TestPlanAppliedAt reads back what was recorded, and only that.
func TestPlanAppliedAt(t *testing.T) {
	jpath := filepath.Join(t.TempDir(), "journal.jsonl")
	at := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	if _, done, err := planAppliedAt(jpath, "abc"); err != nil || done {
		t.Fatalf("planAppliedAt with no file = %v, %v", done, err)
	}
	if err := writeAppliedLine(jpath, "abc", at); err != nil {
		t.Fatal(err)
	}
	got, done, err := planAppliedAt(jpath, "abc")
	if err != nil || !done || !got.Equal(at) {
		t.Errorf("planAppliedAt(abc) = %v, %v, %v", got, done, err)
	}
	if _, done, _ := planAppliedAt(jpath, "ab"); done {
		t.Errorf("planAppliedAt(ab) matched a prefix")
	}
}
