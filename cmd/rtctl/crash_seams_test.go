package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// Two journals of one account, the seam of the crash campaign that
// TestApplySurvivesSIGKILL runs (RTCTL_CRASH_TWO_JOURNALS=0 turns it off), followed
// by a person who does exactly what each plan says. The account's report
// never shows offline time (emulator.OfflineHidden), so no feed can tell
// whether a block is there. The first two posted an item twice before the
// account's other journals counted as its record (46228f7).

// runSeam runs rtctl in the world, on the journal at path (the
// configuration's own when empty), and returns its output; it fails the
// test when rtctl could not run (an exit error is in the output, which
// the tests check).
func runSeam(t *testing.T, w *crashWorld, path string, args ...string) string {
	t.Helper()
	w.journalPath = path
	out, err := w.command(args...).CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("rtctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// sendAsPlanned sends a block missing from the account on the journal at
// path, as its plan says: apply creates it, or, held uncertain, the person
// sends it with apply --retry-uncertain.
func sendAsPlanned(t *testing.T, w *crashWorld, path, address string) {
	t.Helper()
	out := runSeam(t, w, path, "plan")
	switch {
	case strings.Contains(out, "? "+address+"\n"):
		runSeam(t, w, path, "apply", "--auto-approve", "--rate", "0", "--retry-uncertain", "--target", address)
	case strings.Contains(out, "+ "+address+"\n"):
		runSeam(t, w, path, "apply", "--auto-approve", "--rate", "0", "--target", address)
	default:
		t.Fatalf("the plan on %s neither creates %s nor holds it uncertain:\n%s", path, address, out)
	}
}

// TestJournalBesideItPostsWhatTheConfigurationsJournalRecordedNotSent: the
// configuration's journal records a block as not sent (the server failed
// three POSTs in a row, and apply stopped sending). A second journal of
// the account in .rtctl sends it, as its plan says. The next run on the
// configuration's journal must not post it again: it did, when an item
// that journal had a record of kept its record's decision (create: never
// sent), although the other journal sent it after that record.
func TestJournalBesideItPostsWhatTheConfigurationsJournalRecordedNotSent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	w := newCrashWorld(t, 4, 0)
	if err := w.emu.SetModel(crashKey, emulator.Model{OfflineReport: emulator.OfflineHidden}); err != nil {
		t.Fatal(err)
	}
	// Three 503s in a row stop the run: the fourth block is not sent.
	if err := w.emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "offline_time_post", Status: 503, Count: 3}}}); err != nil {
		t.Fatal(err)
	}
	// Recorded as not sent when its intent was queued before the stop,
	// else with no record at all: the producer may or may not have
	// reached it. Neither may lead to a second post.
	out := runSeam(t, w, "", "apply", "--auto-approve", "--rate", "0", "--parallelism", "1")
	if !strings.Contains(out, "1 not sent") {
		t.Fatalf("offline_time.b3 was not left unsent:\n%s", out)
	}
	w.advance(11 * time.Minute)
	other := filepath.Join(w.dir, ".rtctl", "journal.other.jsonl")
	// Not in the account: it is sent, as the plan says.
	for k, n := range w.posted() {
		if strings.HasSuffix(k, "|Block 3") {
			t.Fatalf("offline_time.b3 is in the account %d times before it was sent", n)
		}
	}
	sendAsPlanned(t, w, other, "offline_time.b3")
	w.advance(11 * time.Minute)
	out = runSeam(t, w, "", "apply", "--auto-approve", "--rate", "0")
	// The first three blocks stay uncertain (the 503s wrote nothing, but
	// no feed can show it): only the fourth is checked.
	for k, n := range w.posted() {
		if strings.HasSuffix(k, "|Block 3") && n != 1 {
			t.Errorf("offline_time.b3 was posted %d times; the next run on the configuration's journal:\n%s", n, out)
		}
	}
}

// TestJournalElsewhereIsNoticedByTheConfigurationsJournal: a run of the
// configuration with RTCTL_JOURNAL pointing outside .rtctl sends what is
// missing, as its plan says. The next run on the configuration's journal
// must not post it again: it did, with no warning, exit 0, when it looked
// for other journals only in .rtctl (the account's record of started
// journals, beside its lock, names the one outside).
func TestJournalElsewhereIsNoticedByTheConfigurationsJournal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	w := newCrashWorld(t, 2, 0)
	if err := w.emu.SetModel(crashKey, emulator.Model{OfflineReport: emulator.OfflineHidden}); err != nil {
		t.Fatal(err)
	}
	runSeam(t, w, "", "apply", "--auto-approve", "--rate", "0", "--target", "offline_time.b0")
	w.advance(11 * time.Minute)
	elsewhere := filepath.Join(t.TempDir(), "journal.jsonl")
	sendAsPlanned(t, w, elsewhere, "offline_time.b1")
	w.advance(11 * time.Minute)
	out := runSeam(t, w, "", "apply", "--auto-approve", "--rate", "0")
	t.Logf("the next run on the configuration's journal:\n%s", out)
	w.checkExactlyOnce()
}

// TestItemSentByTheOtherJournalCanBeSettled: the configuration's journal
// sent a block and never heard the answer (the server wrote it); a run on
// another journal of the account holds it uncertain, as it should, and
// the person, finding it in the account, runs the command the plan names
// on the journal that plan used. It must settle the item.
func TestItemSentByTheOtherJournalCanBeSettled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	w := newCrashWorld(t, 1, 0)
	if err := w.emu.SetModel(crashKey, emulator.Model{OfflineReport: emulator.OfflineHidden}); err != nil {
		t.Fatal(err)
	}
	if err := w.emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "offline_time_post", LoseResponses: 1}}}); err != nil {
		t.Fatal(err)
	}
	runSeam(t, w, "", "apply", "--auto-approve", "--rate", "0")
	w.advance(time.Hour)
	other := filepath.Join(w.dir, ".rtctl", "journal.other.jsonl")
	out := runSeam(t, w, other, "plan")
	if !strings.Contains(out, "? offline_time.b0\n") {
		t.Fatalf("the other journal does not hold offline_time.b0 uncertain:\n%s", out)
	}
	var cmd []string
	switch {
	case strings.Contains(out, "rtctl journal adopt offline_time.b0"):
		cmd = []string{"journal", "adopt", "offline_time.b0"}
	case strings.Contains(out, "rtctl journal confirm offline_time.b0"):
		cmd = []string{"journal", "confirm", "offline_time.b0"}
	default:
		t.Fatalf("the plan names no command to settle offline_time.b0:\n%s", out)
	}
	w.journalPath = other
	if out, err := w.command(cmd...).CombinedOutput(); err != nil {
		t.Errorf("the plan on the other journal says to run rtctl %s, which fails: %v\n%s", strings.Join(cmd, " "), err, out)
	}
	if out := runSeam(t, w, other, "plan"); strings.Contains(out, "? offline_time.b0\n") {
		t.Errorf("offline_time.b0 is still uncertain on the other journal:\n%s", out)
	}
}

// TestItemTheOtherJournalSentAfterNotSentCanBeSettled: the configuration's
// journal records a block as not sent (three 503s in a row stopped the
// run); a run on another journal of the account sends it and never hears
// the answer (the server wrote it). The next plan on the configuration's
// journal holds it uncertain, and the person, finding it in the account,
// runs the command that plan names. It must settle the item.
func TestItemTheOtherJournalSentAfterNotSentCanBeSettled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	w := newCrashWorld(t, 4, 0)
	if err := w.emu.SetModel(crashKey, emulator.Model{OfflineReport: emulator.OfflineHidden}); err != nil {
		t.Fatal(err)
	}
	if err := w.emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "offline_time_post", Status: 503, Count: 3}}}); err != nil {
		t.Fatal(err)
	}
	// b3 is left unsent: recorded as not sent when its intent was queued
	// before the stop, else with no record at all (the producer may or
	// may not have reached it); either way it must settle below.
	if out := runSeam(t, w, "", "apply", "--auto-approve", "--rate", "0", "--parallelism", "1"); !strings.Contains(out, "1 not sent") {
		t.Fatalf("offline_time.b3 was not left unsent:\n%s", out)
	}
	if err := w.emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "offline_time_post", LoseResponses: 1}}}); err != nil {
		t.Fatal(err)
	}
	w.advance(11 * time.Minute)
	other := filepath.Join(w.dir, ".rtctl", "journal.other.jsonl")
	sendAsPlanned(t, w, other, "offline_time.b3")
	w.advance(time.Hour)
	out := runSeam(t, w, "", "plan")
	if !strings.Contains(out, "? offline_time.b3\n") {
		t.Fatalf("the configuration's journal does not hold offline_time.b3 uncertain:\n%s", out)
	}
	var cmd []string
	switch {
	case strings.Contains(out, "rtctl journal adopt offline_time.b3"):
		cmd = []string{"journal", "adopt", "offline_time.b3"}
	case strings.Contains(out, "rtctl journal confirm offline_time.b3"):
		cmd = []string{"journal", "confirm", "offline_time.b3"}
	default:
		t.Fatalf("the plan names no command to settle offline_time.b3:\n%s", out)
	}
	w.journalPath = ""
	if cout, err := w.command(cmd...).CombinedOutput(); err != nil {
		t.Errorf("the plan says to run rtctl %s, which fails: %v\n%s\nthe plan:\n%s", strings.Join(cmd, " "), err, cout, out)
	}
}
