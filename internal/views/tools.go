package views

import (
	"fmt"
	"net"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/rtctl/rtctl/internal/termsafe"
)

// Fmt shows what rtctl fmt did. It has no JSON form.
type Fmt interface {
	// Failed shows why a path could not be formatted; fmt goes on with
	// the others.
	Failed(err error)
	// Stdin writes what fmt - made of standard input: the formatted
	// source, or with diff its unified diff (nothing when unchanged).
	Stdin(name string, src, out []byte, showDiff bool) error
	// Changed names a file that was (or, with --check, would be)
	// rewritten, with its diff when showDiff.
	Changed(name string, src, out []byte, showDiff bool)
}

// NewFmt is the text view of rtctl fmt.
func NewFmt(v *View) Fmt { return &fmtText{View: v} }

type fmtText struct{ *View }

func (v *fmtText) Failed(err error) { v.Error(err) }

func (v *fmtText) Stdin(name string, src, out []byte, showDiff bool) error {
	// Standard input comes back as it goes in: a pipe's, not a person's.
	if showDiff {
		_, err := v.stdout.Write(diff.Diff(name, src, name, out))
		return err
	}
	_, err := v.stdout.Write(out)
	return err
}

func (v *fmtText) Changed(name string, src, out []byte, showDiff bool) {
	// The names and the lines are the directory's, shown to a person.
	fmt.Fprintln(v.stdout, termsafe.Escape(name))
	if showDiff {
		v.stdout.Write([]byte(termsafe.EscapeLines(string(diff.Diff("old/"+name, src, "new/"+name, out)))))
	}
}

// Console shows rtctl console's prompts and values. Diagnostics are
// rendered beside it.
type Console interface {
	// Prompt asks for an expression, or for the rest of one (more).
	Prompt(more bool)
	// EndLine ends the prompt's line when input ends at it.
	EndLine()
	// Value shows an expression's value.
	Value(s string)
}

// NewConsole is the text view of rtctl console.
func NewConsole(v *View) Console { return &consoleText{View: v} }

type consoleText struct{ *View }

func (v *consoleText) Prompt(more bool) {
	if more {
		fmt.Fprint(v.stdout, "... ")
		return
	}
	fmt.Fprint(v.stdout, "> ")
}

func (v *consoleText) EndLine() { fmt.Fprintln(v.stdout) }

func (v *consoleText) Value(s string) { fmt.Fprintln(v.stdout, s) }

// Emulator shows rtctl emulator's address and its end. The first line on
// stdout is the base URL's line, which tests and scripts read.
type Emulator interface {
	Listening(addr net.Addr)
	Stopped()
}

// NewEmulator is the text view of rtctl emulator.
func NewEmulator(v *View) Emulator { return &emulatorText{View: v} }

type emulatorText struct{ *View }

func (v *emulatorText) Listening(addr net.Addr) {
	fmt.Fprintf(v.stdout, "listening on http://%s\n", addr)
}

func (v *emulatorText) Stopped() { fmt.Fprintln(v.stderr, "emulator stopped") }
