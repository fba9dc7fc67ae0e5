package views

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
)

// Text the plan's Markdown takes from the configuration or the account
// (a warning, a reason, a description) is posted as a pull request
// comment and shown in terminals: it carries no raw control or bidi
// character, and no HTML character reference, which GitHub would turn
// into one ("&rlm;", "&#x202e;").
func TestMarkdownEscapesTextFromOutside(t *testing.T) {
	p := &plan.Plan{
		Now: at("2026-11-20 19:00"), Location: berlin, Lookback: 14 * 24 * time.Hour,
		Warnings: []string{"feed said \x1b]0;PWN\a\u202e"},
		Actions: []plan.Action{
			{Address: "highlight.x\x1b[2J", Kind: plan.KindHighlight, Status: plan.Conflict, Reason: "the account holds \x1b[2J\r\u202e&rlm;",
				Highlight: &plan.Highlight{Date: "2026-11-20", Description: "a &rlm;b &#x202e;c"}},
		},
	}
	var b strings.Builder
	if err := writePlanMarkdown(&b, p, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	assertNoRawControls(t, "markdown", []byte(out))
	for _, want := range []string{
		`feed said \\x1b\]0;PWN\\a\\u202e`,
		"`highlight.x\\x1b[2J`",
		`the account holds \\x1b\[2J \\u202e&amp;rlm;`,
		`a &amp;rlm;b &amp;\#x202e;c`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %s in:\n%s", want, out)
		}
	}
}

// The plan's text quotes values with %q; its reasons, notes and warnings,
// which may quote the account, are escaped too.
func TestPlanTextEscapesTextFromOutside(t *testing.T) {
	p := &plan.Plan{
		Now: at("2026-11-20 19:00"), Location: berlin, Lookback: 14 * 24 * time.Hour,
		Warnings: []string{"feed said \x1b]0;PWN\a\u202e"},
		Actions: []plan.Action{
			{Address: "offline_time.x", Kind: plan.KindOffline, Status: plan.Conflict, Reason: "the account holds \x1b[2J\r\u202e",
				Offline: &plan.Offline{Start: at("2026-11-20 09:00"), End: at("2026-11-20 09:15"), Activity: "a\x1b", Note: "trimmed \u009b31m"}},
		},
	}
	var b strings.Builder
	if err := WritePlan(&b, p, PlanText, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	assertNoRawControls(t, "plan text", []byte(out))
	for _, want := range []string{`feed said \x1b]0;PWN\a\u202e`, `# the account holds \x1b[2J\r\u202e`, `# trimmed \u009b31m`, `"a\x1b"`} {
		if !strings.Contains(out, want) {
			t.Errorf("want %s in:\n%s", want, out)
		}
	}
}

// The journal is a file of the configuration's directory, committed with
// it: its addresses and errors are listed escaped.
func TestJournalTableEscapesTheJournal(t *testing.T) {
	var st journal.State
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	st.Apply(journal.Entry{Time: at, Type: journal.Intent, Key: "k", Address: "highlight.x\x1b[2J\u202e"})
	st.Apply(journal.Entry{Time: at, Type: journal.Outcome, Key: "k", Result: journal.Failed, Error: "said \x1b]0;PWN\a\r"})
	var b strings.Builder
	if _, err := WriteJournalTable(&b, &st, time.UTC); err != nil {
		t.Fatal(err)
	}
	assertNoRawControls(t, "journal table", []byte(b.String()))
	for _, want := range []string{`highlight.x\x1b[2J\u202e`, `said \x1b]0;PWN\a\r`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("want %s in:\n%s", want, b.String())
		}
	}
}

// encoding/json writes the C1 controls and the bidi characters as they
// are; the JSON renderings write them as \u escapes, the same value.
func TestJSONEscapesC1AndBidi(t *testing.T) {
	p := &plan.Plan{
		Now: at("2026-11-20 19:00"), Location: berlin, Lookback: 14 * 24 * time.Hour,
		Actions: []plan.Action{
			{Address: "highlight.x", Kind: plan.KindHighlight, Status: plan.Create, Reason: "not in the account",
				Highlight: &plan.Highlight{Date: "2026-11-20", Description: "a\u009b31m\u202eb"}},
		},
	}
	var b strings.Builder
	if err := WritePlan(&b, p, PlanJSON, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	assertNoRawControls(t, "plan json", []byte(b.String()))
	if want := `a\u009b31m\u202eb`; !strings.Contains(b.String(), want) {
		t.Errorf("want %s in:\n%s", want, b.String())
	}

	b.Reset()
	v := NewApplyJSON(&b, func() time.Time { return at("2026-11-20 19:00") })
	v.Notice("note \u202e\u009b")
	assertNoRawControls(t, "apply json", []byte(b.String()))
	if want := `note \u202e\u009b`; !strings.Contains(b.String(), want) {
		t.Errorf("want %s in:\n%s", want, b.String())
	}
}

// A notice may name a journal of the directory or quote what a data
// source read.
func TestApplyTextNoticeIsEscaped(t *testing.T) {
	var out, errs strings.Builder
	NewApplyText(&out, ApplyTextOptions{Stderr: &errs}).Notice("the journal x\x1b[2J\u202e.jsonl")
	assertNoRawControls(t, "notice", []byte(errs.String()))
	if want := "Note: the journal x\\x1b[2J\\u202e.jsonl\n"; errs.String() != want {
		t.Errorf("got %q, want %q", errs.String(), want)
	}
}

// apply's lines name items, some of them the journal's (an uncertain item
// no longer declared), and quote errors, some of them naming files.
func TestApplyTextEscapesAddressesAndErrors(t *testing.T) {
	var out bytes.Buffer
	now := func() time.Time { return at("2026-11-20 19:00") }
	v := NewApplyText(&out, ApplyTextOptions{Now: now, Stderr: &out})
	a := plan.Action{Address: "highlight.x\x1b]0;PWN\a\u202e"}
	v.Run([]plan.Action{a, a})
	v.Result(apply.ItemResult{Action: a, Outcome: apply.Created})
	v.Result(apply.ItemResult{Action: a, Outcome: apply.Failed, Err: errors.New("writing the journal x\x1b[2J: disk full")})
	assertNoRawControls(t, "apply text", out.Bytes())
	for _, want := range []string{`[1/2] + highlight.x\x1b]0;PWN\a\u202e: created`, `[2/2] ! highlight.x\x1b]0;PWN\a\u202e: failed. writing the journal x\x1b[2J: disk full`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("want %s in:\n%s", want, out.String())
		}
	}
}
