package views

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestApplyErrorIsTheActiveViews checks that the error that ended an apply
// is rendered by the view in use, whatever wraps it: the JSON stream ends
// with an error event, the text view leaves the error to the command
// line's error line. A function, views.ApplyError, once looked for the
// concrete JSON type, so a view that wraps the JSON one (as a tee or a
// progress decorator would) lost the event.
func TestApplyErrorIsTheActiveViews(t *testing.T) {
	// wrapped is a view that adds nothing: what embedding any view does.
	type wrapped struct{ ApplyView }
	now := func() time.Time { return time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		view       func(stdout, stderr *bytes.Buffer) ApplyView
		wantStdout string
	}{
		{"json", func(o, _ *bytes.Buffer) ApplyView { return NewApplyJSON(o, now) },
			`{"format_version":"1.0","type":"error","time":"2026-11-20T18:00:00Z","message":"lock held"}` + "\n"},
		{"wrapped json", func(o, _ *bytes.Buffer) ApplyView { return wrapped{NewApplyJSON(o, now)} },
			`{"format_version":"1.0","type":"error","time":"2026-11-20T18:00:00Z","message":"lock held"}` + "\n"},
		{"text", func(o, e *bytes.Buffer) ApplyView { return NewApplyText(o, ApplyTextOptions{Now: now, Stderr: e}) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			tt.view(&stdout, &stderr).Error(errors.New("lock held"))
			if diff := cmp.Diff(tt.wantStdout, stdout.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr %q, want nothing: the command line says the error once", stderr.String())
			}
		})
	}
}

// TestViewSentences pins what the command families' text views say, on
// which stream: the command line only chooses the view, so these are the
// sentences people read.
func TestViewSentences(t *testing.T) {
	tests := []struct {
		name           string
		show           func(v *View)
		stdout, stderr string
	}{
		{"error escaped", func(v *View) { v.Error(errors.New("reading \x1b[2Jx.rt.hcl")) }, "", "Error: reading \\x1b[2Jx.rt.hcl\n"},
		{"note", func(v *View) { v.Note("two\nlines") }, "", "Note: two\nlines\n"},
		{"forgot", func(v *View) { NewJournal(false, v).Forgot([]string{"highlight.a", "highlight.b"}) }, "Forgot 2 items: highlight.a, highlight.b.\nNothing was posted; rtctl journal still lists them, as forgotten.\n", ""},
		{"nothing to forget", func(v *View) { NewJournal(true, v).Forgot(nil) }, "Nothing to forget: no such item rtctl still cares about.\n", ""},
		{"confirmed escapes", func(v *View) { NewJournal(false, v).Confirmed([]string{"highlight.\x07"}) }, "Recorded 1 item as in the account: highlight.\\a.\n", ""},
		{"sandbox empty", func(v *View) { NewSetup(v).SandboxReset("cfg", false) }, "The sandbox in cfg is already empty.\n", ""},
		{"import written", func(v *View) { NewSetup(v).ImportWritten(1, "i.rt.hcl", 2) }, "Wrote 1 highlight to i.rt.hcl (2 already declared). Run rtctl plan: they are in sync, and nothing is posted.\n", ""},
		{"validate warnings", func(v *View) { NewValidate(false, v).Valid(true) }, "Success! The configuration is valid, but there were some validation warnings as shown above.\n", ""},
		{"validate json says it in the report", func(v *View) { NewValidate(true, v).Valid(false) }, "", ""},
		{"plan saved", func(v *View) { NewPlan(PlanText, PlanOptions{}, v).Saved("p.plan", true, []string{"token"}) },
			"\nSaved the plan to p.plan. To perform exactly these actions, run:\n  rtctl apply --sandbox p.plan (with the same value of token: the plan file keeps no secret)\n", ""},
		{"plan saved json", func(v *View) { NewPlan(PlanJSON, PlanOptions{}, v).Saved("p.plan", false, nil) }, "", ""},
		{"doctor json asks on stderr", func(v *View) { NewDoctor(true, v).AskProbe() }, "", "\nPost it? Only 'yes' will be accepted: "},
		{"console prompt", func(v *View) { c := NewConsole(v); c.Prompt(false); c.Prompt(true) }, "> ... ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			tt.show(NewView(&stdout, &stderr))
			if diff := cmp.Diff(tt.stdout, stdout.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.stderr, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}
