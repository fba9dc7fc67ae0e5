package views

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// View is what every command's view shares: the two streams, and how an
// error, a note and a warning read on them. The command line makes one per
// run and hands it to the view of the command it runs (NewJournal,
// NewValidate, ...), as Terraform's views take their View.
type View struct {
	stdout, stderr io.Writer
}

// NewView writes results to stdout and what a person should notice (errors,
// notes, warnings) to stderr.
func NewView(stdout, stderr io.Writer) *View {
	return &View{stdout: stdout, stderr: stderr}
}

// Stdout is where the view writes results, for the views built on it.
func (v *View) Stdout() io.Writer { return v.stdout }

// Stderr is where the view writes what a person should notice.
func (v *View) Stderr() io.Writer { return v.stderr }

// Error shows the error that ended a command. Its text may name a file of
// the directory or quote a server, so it is escaped.
func (v *View) Error(err error) {
	fmt.Fprintf(v.stderr, "Error: %s\n", termsafe.EscapeLines(err.Error()))
}

// Note shows a remark on stderr; it may name a file of the directory, so it
// is escaped.
func (v *View) Note(msg string) {
	fmt.Fprintf(v.stderr, "Note: %s\n", termsafe.EscapeLines(msg))
}

// Warning shows a warning on stderr, as it was written: warnings are
// rtctl's own sentences about flags and files the person named.
func (v *View) Warning(msg string) {
	fmt.Fprintf(v.stderr, "Warning: %s\n", msg)
}

// DirSpelling says how the --dir of older read commands is spelled now.
func (v *View) DirSpelling(dir string) {
	fmt.Fprintf(v.stderr, "Note: --dir %s is spelled -chdir=%s (before the command), or given as the argument of plan, apply, validate and journal.\n", dir, dir)
}

// Abandoned is the line a second interrupt leaves, naming the POSTs it
// abandons. Addresses may hold a calendar's or a file's text.
func (v *View) Abandoned(line string) {
	fmt.Fprintln(v.stderr, termsafe.EscapeLines(line))
}

// ErrorMessage is what a person reads for err. The operation layer's
// errors speak to any caller; the command line says some of them its own
// way.
func ErrorMessage(err error) error {
	var ce *workspace.ConfigError
	if errors.As(err, &ce) {
		// The reporter rendered the diagnostics already.
		return fmt.Errorf("could not load the configuration in %s; see the errors above", ce.Dir)
	}
	// A failed call reads as sentences, not as Go's chain of contexts.
	if rtapi.IsCallError(err) {
		return errors.New(strings.TrimSuffix(rtapi.Explain(err), "."))
	}
	return err
}

// count is "1 item" or "3 items".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// addressList joins addresses for a sentence. Addresses come from the
// configuration or the journal (a file committed with it): escaped like
// every text from outside.
func addressList(addrs []string) string {
	names := make([]string, len(addrs))
	for i, a := range addrs {
		names[i] = termsafe.Escape(a)
	}
	return strings.Join(names, ", ")
}
