package main

import (
	"io"
	"net/http"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/rtctl/rtctl/internal/logging"
	"github.com/rtctl/rtctl/internal/views"
)

// env is everything a command may take from the outside world. Commands read
// the clock, the environment and the network only through it, so tests run
// them with pinned time and loopback-only HTTP.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	getenv func(string) string
	// now is the real clock. The account's present, which --now and
	// RTCTL_NOW pin, is the operation layer's (pkg/workspace, "Clocks").
	now        func() time.Time
	httpClient *http.Client

	// fingerprint is journal.Fingerprint when nil (see
	// workspace.Options.Fingerprint).
	fingerprint func(secret string) string

	// isTerminal reports whether w is an interactive terminal; it decides
	// colour, progress display and whether apply may prompt.
	isTerminal func(w any) bool
	// termWidth is the width in columns of the terminal w is, 0 when it
	// is none: plans wrap their reasons to it, apply cuts its progress
	// line to it.
	termWidth func(w any) int
	// ansi reports whether the terminal w is shows ANSI escape sequences
	// (colour, apply's updating progress line); on Windows it turns the
	// console's virtual terminal processing on, and is false where that
	// cannot be done. Nil means every terminal does.
	ansi func(w any) bool

	// What one run of a command sets up, for the commands it runs: -v,
	// the secrets to keep out of logs, and what to close at the end.
	verbose bool
	secrets *logging.Redactor
	// view writes to stdout and stderr through the redactor: commands
	// write only through it and the views built on it.
	view    *views.View
	closers []func() error
	// inFlight are the POSTs an apply has sent and not yet heard back
	// from, for what a second interrupt abandons.
	inFlight *views.InFlight
}

func systemEnv() *env {
	return &env{
		stdin:      os.Stdin,
		stdout:     os.Stdout,
		stderr:     os.Stderr,
		getenv:     os.Getenv,
		now:        time.Now,
		httpClient: &http.Client{},
		isTerminal: func(w any) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
		ansi: takesEscapes,
		termWidth: func(w any) int {
			f, ok := w.(*os.File)
			if !ok || !term.IsTerminal(int(f.Fd())) {
				return 0
			}
			cols, _, err := term.GetSize(int(f.Fd()))
			if err != nil {
				return 0
			}
			return cols
		},
	}
}

// ansiTerminal reports whether w is a terminal that shows ANSI escape
// sequences: where colour and an updating line may be written.
func (e *env) ansiTerminal(w any) bool {
	return e.isTerminal(w) && (e.ansi == nil || e.ansi(w))
}

// width is the width of the terminal w is, 0 when it is none or unknown.
func (e *env) width(w any) int {
	if e.termWidth == nil {
		return 0
	}
	return e.termWidth(w)
}

// out is the View every command writes through. A test may run a command,
// or the reporter, with an env that run did not set up.
func (e *env) out() *views.View {
	if e.view == nil {
		e.view = views.NewView(e.stdout, e.stderr)
	}
	return e.view
}
