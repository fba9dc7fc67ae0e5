package workspace

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// TestJournalCommandsFollowThePinnedClock: with the operation's instant
// pinned (Options.Now, RTCTL_NOW), every journal line an operation writes
// carries that instant, as apply, forget and confirm do; new-account,
// rotate-key and repair wrote the moving clock's time, years apart from
// the lines beside them. The moving clock here is far from the pin, so a
// line that reads it is caught.
func TestJournalCommandsFollowThePinnedClock(t *testing.T) {
	ctx := context.Background()
	dir, endpoint, _ := world(t)
	moving := func() time.Time { return testNow.AddDate(3, 0, 0) }
	state := t.TempDir()
	ws := func(key string) *Workspace {
		return open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey(key)}, Now: testNow, Clock: moving, StateDir: state})
	}
	a, b := ws("key-a"), ws("key-b")
	path := journal.DefaultPath(dir)
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"new-account", func() error { _, err := a.NewAccountJournal(ctx); return err }},
		{"apply", func() error { _, err := a.Apply(ctx, ApplyOptions{}); return err }},
		{"rotate-key", func() error { _, err := b.RotateKey(ctx, ""); return err }},
		{"repair", func() error {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			// A damaged line in the middle, which repair sets aside.
			if _, err := f.WriteString("{\"type\":\"intent\",\"key\":\"highlight:x\",damaged}\n{\"time\":\"2026-11-20T18:00:00Z\",\"type\":\"bind\"}\n"); err != nil {
				return err
			}
			f.Close()
			_, err = b.RepairJournal(ctx, path)
			return err
		}},
	} {
		if err := step.run(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		checkJournalTimes(t, step.name, path)
	}
}

// checkJournalTimes fails for each line of the journal at path whose time,
// or whose run's stamp, is not testNow.
func checkJournalTimes(t *testing.T, step, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	defer f.Close()
	stamp := testNow.UTC().Format("20060102T150405Z")
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var e struct {
			Time time.Time `json:"time"`
			Run  string    `json:"run"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // the damaged line, before repair
		}
		if !e.Time.Equal(testNow) {
			t.Errorf("after %s, %s line %d is at %s, want the pinned %s", step, filepath.Base(path), n, e.Time, testNow)
		}
		if strings.ContainsAny(e.Run, "0123456789") && !strings.Contains(e.Run, stamp) {
			t.Errorf("after %s, %s line %d is of run %q, want one stamped %s", step, filepath.Base(path), n, e.Run, stamp)
		}
	}
}
