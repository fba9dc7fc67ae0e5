package workspace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/journal"
)

// A saved plan is applied once, as Terraform applies a plan file once: the
// IDs of the saved plans applied with a journal are kept in a file beside
// it, one "ID RFC3339" line each, written under the journal's lock. Not in
// the journal itself: its lines are items, and a plan is not one.

// appliedPlansPath is the file of applied plan IDs for the journal at
// journalPath.
func appliedPlansPath(journalPath string) string { return journalPath + ".applied-plans" }

// maxAppliedPlans bounds what is read of the file: a line is about 60
// bytes, so a plan applied every minute for years fits.
const maxAppliedPlans = 64 << 20

// planAppliedAt reports when the saved plan id was applied with the
// journal at journalPath, if it was.
func planAppliedAt(journalPath, id string) (time.Time, bool, error) {
	f, err := safefile.OpenRead(appliedPlansPath(journalPath))
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("reading the applied plans: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, maxAppliedPlans))
	for sc.Scan() {
		got, at, ok := strings.Cut(sc.Text(), " ")
		if !ok || got != id {
			continue
		}
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			// A damaged time still says the plan was applied.
			return time.Time{}, true, nil
		}
		return t, true, nil
	}
	if err := sc.Err(); err != nil {
		return time.Time{}, false, fmt.Errorf("reading the applied plans: %w", err)
	}
	return time.Time{}, false, nil
}

// recordPlanApplied appends id to the applied plans of the journal at
// journalPath, durably, before any of the plan's POSTs is sent: a plan
// whose apply was cut short is applied all the same, as Terraform's.
func recordPlanApplied(held *journal.Lock, journalPath, id string, at time.Time) error {
	if err := held.Covers(journalPath); err != nil {
		return err
	}
	return writeAppliedLine(journalPath, id, at)
}

// writeAppliedLine appends one line to the applied plans; its caller holds
// the journal's lock.
func writeAppliedLine(journalPath, id string, at time.Time) error {
	f, err := os.OpenFile(appliedPlansPath(journalPath), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("recording the applied plan: %w", err)
	}
	if _, err := fmt.Fprintf(f, "%s %s\n", id, at.UTC().Format(time.RFC3339)); err != nil {
		f.Close()
		return fmt.Errorf("recording the applied plan: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("recording the applied plan: %w", err)
	}
	return f.Close()
}
