package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

// hostileName is a file name a pull request may commit: it clears the
// screen, retitles the terminal, rings the bell and returns to the start
// of the line.
const hostileName = "x\x1b[2J\x1b]0;PWN\a\r.rt.hcl"

func assertNoRawControls(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\a", "\r", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q raw:\n%q", bad, out)
		}
	}
}

func plainEnv(out *bytes.Buffer) *env {
	return &env{stdin: strings.NewReader(""), stdout: out, stderr: out, getenv: func(string) string { return "" }, now: time.Now, isTerminal: func(any) bool { return false }}
}

// fmt names the files it rewrote and shows their changes: both escaped.
func TestFmtEscapesNamesAndDiffs(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, hostileName), []byte("rtctl {\ntimezone=\"UTC\x1b]0;T\a\u202e\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run([]string{"fmt", "-check", "-diff", dir}, plainEnv(&out)); code != exitAttention {
		t.Fatalf("fmt -check exited %d: %s", code, out.String())
	}
	assertNoRawControls(t, out.String())
	for _, want := range []string{`x\x1b[2J\x1b]0;PWN\a\r.rt.hcl` + "\n", `timezone = "UTC\x1b]0;T\a\u202e"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("want %q in:\n%s", want, out.String())
		}
	}
}

// An error naming a file shows the name escaped.
func TestErrorsEscapeNames(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"show", filepath.Join(t.TempDir(), hostileName)}, plainEnv(&out)); code != 1 {
		t.Fatalf("show exited %d: %s", code, out.String())
	}
	assertNoRawControls(t, out.String())
	if want := `x\x1b[2J\x1b]0;PWN\a\r.rt.hcl`; !strings.Contains(out.String(), want) {
		t.Errorf("want %q in:\n%s", want, out.String())
	}
}

// validate -json keeps a file's name exact, with the bidi override that
// encoding/json would write raw as a \u escape.
func TestValidateJSONEscapesBidiNames(t *testing.T) {
	dir := t.TempDir()
	name := "gpj\u202e.rt.hcl"
	if err := os.WriteFile(filepath.Join(dir, name), []byte("rtctl {\n  timezone = \"Nowhere/City\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run([]string{"validate", "-json", dir}, plainEnv(&out)); code != 1 {
		t.Fatalf("validate exited %d: %s", code, out.String())
	}
	assertNoRawControls(t, out.String())
	if want := `gpj\u202e.rt.hcl"`; !strings.Contains(out.String(), want) {
		t.Errorf("want %s in:\n%s", want, out.String())
	}
}

func TestReporterNoticeIsEscaped(t *testing.T) {
	var out bytes.Buffer
	(&reporter{e: plainEnv(&out)}).Notice("the journal x\x1b[2J\u202e.jsonl")
	if want := "Note: the journal x\\x1b[2J\\u202e.jsonl\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// forget and journal confirm name the items of the journal they changed:
// the journal is committed with the configuration, so a crafted line's
// address is escaped.
func TestForgetAndConfirmEscapeAddresses(t *testing.T) {
	e, out, _, dir := terminalEnv(t, "")
	acct := journal.Account{Endpoint: journal.NormalizeEndpoint(e.getenv("RTCTL_ENDPOINT")), Fingerprint: rememberedFingerprint("tty-key"), Credential: "api_key", Timezone: "Europe/Berlin"}
	hostile := "highlight.x\x1b]0;PWN\a\u202e"
	craftJournal(t, journal.DefaultPath(dir), e.now, acct,
		journal.Entry{Type: journal.Intent, Key: "highlight:a", Address: hostile + "a", Kind: "highlight"},
		journal.Entry{Type: journal.Intent, Key: "highlight:b", Address: hostile + "b", Kind: "highlight"},
		journal.Entry{Type: journal.Outcome, Key: "highlight:a", Result: journal.Applied})
	// forget works on the configuration of the working directory. run's
	// -chdir would move the whole test binary, for good.
	t.Chdir(dir)
	for _, args := range [][]string{{"journal", "confirm", "highlight.*"}, {"forget", "highlight.*"}} {
		out.Reset()
		if code := run(args, e); code != 0 {
			t.Fatalf("%s exited %d:\n%s", strings.Join(args, " "), code, out.String())
		}
		assertNoRawControls(t, out.String())
		if want := `highlight.x\x1b]0;PWN\a\u202e`; !strings.Contains(out.String(), want) {
			t.Errorf("%s: want %s in:\n%s", strings.Join(args, " "), want, out.String())
		}
	}
}

// A journal bound to another account is refused, naming the account the
// journal says it belongs to: escaped, as the journal is committed with the
// configuration.
func TestJournalBindingIsEscapedInErrors(t *testing.T) {
	e, out, _, dir := terminalEnv(t, "")
	acct := journal.Account{Endpoint: "https://x\x1b]0;PWN\a\u202e.example", Fingerprint: "f\x1b[2J", Credential: "api_key"}
	craftJournal(t, journal.DefaultPath(dir), e.now, acct)
	if code := run([]string{"journal", "verify", dir}, e); code != 1 {
		t.Fatalf("journal verify exited %d:\n%s", code, out.String())
	}
	assertNoRawControls(t, out.String())
	if want := `key f\x1b[2J at https://x\x1b]0;PWN\a\u202e.example`; !strings.Contains(out.String(), want) {
		t.Errorf("want %s in:\n%s", want, out.String())
	}
}

// craftJournal writes a journal bound to acct holding entries, as a pull
// request could commit one.
func craftJournal(t *testing.T, path string, now func() time.Time, acct journal.Account, entries ...journal.Entry) {
	t.Helper()
	l, err := journal.Acquire(context.Background(), path, journal.AcquireOptions{Command: "the test"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	w, err := journal.OpenWriter(l, path, now, "crafted", acct)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		if err := w.Append(entries...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
