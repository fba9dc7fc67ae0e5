package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestREADMEWalkthrough follows the README as a new user does on a fresh
// clone, with rtctl installed: the quickstart applied to the sandbox, what
// it posted read back once the sandbox has synced, and a second run that
// finds nothing to do, with no message that leaves them guessing (issue 24:
// "done when").
func TestREADMEWalkthrough(t *testing.T) {
	src, err := filepath.Abs(filepath.Join(examplesDir, "quickstart"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "quickstart")
	copyDir(t, src, dir)
	// -chdir changes the process's directory: t.Chdir puts it back for the
	// package's other tests, which read files relative to it.
	t.Chdir(dir)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	environ := map[string]string{"NO_COLOR": "1", "RTCTL_STATE_DIR": t.TempDir()}
	e := &env{
		stdin:      strings.NewReader(""),
		getenv:     func(k string) string { return environ[k] },
		now:        func() time.Time { return now },
		isTerminal: func(any) bool { return false },
	}
	rtctl := func(args ...string) (string, int) {
		t.Helper()
		environ["RTCTL_NOW"] = now.Format(time.RFC3339)
		var out, errOut bytes.Buffer
		e.stdout, e.stderr = &out, &errOut
		code := run(args, e)
		all := out.String() + errOut.String()
		for _, bad := range []string{"%!", "goroutine", "(s)", "arg(s)", "panic"} {
			if strings.Contains(all, bad) {
				t.Errorf("rtctl %s printed %q:\n%s", strings.Join(args, " "), bad, all)
			}
		}
		return all, code
	}
	steps := []struct {
		args    []string
		advance time.Duration
		code    int
		want    string
	}{
		{[]string{"apply", "--sandbox", "--auto-approve", dir}, 0, 0, "Apply complete: 7 created, 0 failed."},
		// Right after it, the feed is empty, and says why and when to look.
		{[]string{"-chdir=" + dir, "highlights", "--sandbox"}, 0, 0, "3 minutes after the POST, as a Premium account shows a post once it has synced (rtctl plan knows of the posts at once, from its journal): run this again from 19:04 CET."},
		// The sandbox syncs as a Premium account does, in 3 minutes.
		{[]string{"-chdir=" + dir, "highlights", "--sandbox"}, 4 * time.Minute, 0, "Tried rtctl in the sandbox"},
		{[]string{"plan", "--sandbox", dir}, 0, 0, "No changes."},
		{[]string{"apply", "--sandbox", "--auto-approve", dir}, 0, 0, "No changes."},
		{[]string{"init", dir}, 0, 0, "already holds a configuration (main.rt.hcl); nothing was written"},
		{[]string{"validate", dir}, 0, 0, "Success! The configuration is valid."},
		{[]string{"-chdir=" + dir, "journal", "--sandbox"}, 0, 0, "applied  highlight.tried_rtctl"},
		// The next day: new days to post, and yesterday's highlight is
		// orphaned; the sandbox has no web app to remove it in, so forget
		// it there, as the README says.
		{[]string{"plan", "--sandbox", dir}, 24 * time.Hour, 0, "Plan: 3 to create, 1 deferred, 3 orphaned, 4 in sync."},
		{[]string{"-chdir=" + dir, "forget", "--orphaned", "--sandbox"}, 0, 0, "Forgot 3 items"},
		{[]string{"apply", "--sandbox", "--auto-approve", dir}, 0, 0, "Apply complete: 3 created, 0 failed."},
		{[]string{"sandbox", "reset", dir}, 0, 0, "its account and journal are empty again"},
		{[]string{"plan", "--sandbox", dir}, 0, 0, "Plan: 7 to create, 1 deferred."},
		// "rtctl plan -out=today.plan", then "rtctl apply today.plan": the
		// plan made against the sandbox is applied there.
		{[]string{"plan", "--sandbox", "-out=" + filepath.Join(dir, "today.plan"), dir}, 0, 0, "Saved the plan to"},
		{[]string{"apply", filepath.Join(dir, "today.plan")}, 0, 0, "Apply complete: 7 created, 0 failed."},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		out, code := rtctl(s.args...)
		if code != s.code || !strings.Contains(out, s.want) {
			t.Fatalf("rtctl %s exited %d, want %d and %q:\n%s", strings.Join(s.args, " "), code, s.code, s.want, out)
		}
	}
}
