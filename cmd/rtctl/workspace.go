package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/spec"
)

// configFlags are the flags of every command that loads a configuration and
// plans against the account.
type configFlags struct {
	vars, varFiles []string
	now            string
	journal        string
	noColor        bool
}

func (f *configFlags) register(cmd *cobra.Command) {
	addVarFlags(cmd, &f.vars, &f.varFiles)
	fl := cmd.Flags()
	fl.StringVar(&f.journal, "journal", "", "journal file (default RTCTL_JOURNAL, else .rtctl/journal.jsonl beside the configuration)")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the output (NO_COLOR and a non-terminal output also turn it off)")
}

// registerNow adds --now, for commands that only look: planning as of
// another instant is a question one may ask, but applying as of another
// instant would journal POSTs at a time they were not sent. RTCTL_NOW pins
// the clock of the whole process instead, for tests.
func (f *configFlags) registerNow(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.now, "now", "", "plan as if it were this instant (RFC 3339; default RTCTL_NOW, else the current time)")
}

// resolveNow is the instant the command works at: --now, RTCTL_NOW, or the
// injected clock.
func (f *configFlags) resolveNow(e *env) (time.Time, error) {
	s, from := f.now, "--now"
	if s == "" {
		s, from = e.getenv("RTCTL_NOW"), "RTCTL_NOW"
	}
	if s == "" {
		return e.now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %q is not an RFC 3339 time such as 2026-11-20T18:00:00+01:00", from, s)
	}
	return t, nil
}

// clock is the command's clock: pinned at --now or RTCTL_NOW when given, so
// that what the journal records agrees with the instant plans are made for.
func (f *configFlags) clock(e *env) (func() time.Time, error) {
	now := f.pinned(e)
	if now.IsZero() {
		return e.now, nil
	}
	return func() time.Time { return now }, nil
}

// pinned is the instant --now or RTCTL_NOW pins the clock at, or zero when
// the real clock rules (so the API client's no-future check and Retry-After
// dates follow time during a long apply). A value that does not parse was
// already refused by resolveNow.
func (f *configFlags) pinned(e *env) time.Time {
	if f.now == "" && e.getenv("RTCTL_NOW") == "" {
		return time.Time{}
	}
	now, err := f.resolveNow(e)
	if err != nil {
		return time.Time{}
	}
	return now
}

// journalPath is --journal, RTCTL_JOURNAL, or the default beside the
// configuration. The sandbox keeps a journal of its own: an item applied to
// the sandbox must never look applied to the real account, so --journal is
// refused with --sandbox.
func (f *configFlags) journalPath(e *env, dir string, sandbox bool) (string, error) {
	switch {
	case sandbox && f.journal != "":
		return "", errors.New("--journal cannot be used with --sandbox: the sandbox keeps its own journal, so that nothing applied to it ever looks applied to a real account")
	case sandbox:
		return sandboxJournalPath(dir), nil
	case f.journal != "":
		return f.journal, nil
	case e.getenv("RTCTL_JOURNAL") != "":
		return e.getenv("RTCTL_JOURNAL"), nil
	}
	return journal.DefaultPath(dir), nil
}

func sandboxJournalPath(dir string) string {
	return filepath.Join(dir, ".rtctl", "sandbox-journal.jsonl")
}

// load reads and validates the configuration in dir, printing its
// diagnostics; it fails when there are errors.
func (f *configFlags) load(ctx context.Context, e *env, dir string, now time.Time) (*spec.Config, error) {
	opts, err := specLoadOptions(e, f.vars, f.varFiles)
	if err != nil {
		return nil, err
	}
	opts.Now = now
	cfg, diags := spec.Load(ctx, dir, opts)
	if len(diags) > 0 {
		if err := renderDiags(e, cfg.Files, diags, f.noColor); err != nil {
			return nil, err
		}
	}
	if diags.HasErrors() {
		return nil, &exitError{code: 1, err: fmt.Errorf("could not load the configuration in %s; see the errors above", dir)}
	}
	return cfg, nil
}

// checkConfigDir refuses a path that is not a directory before anything is
// written beside it: a mistyped directory must not be created.
func checkConfigDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return fmt.Errorf("no configuration directory %s: %w", dir, unwrapPath(err))
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory (nor a saved plan)", dir)
	}
	return nil
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// color decides whether output to w is coloured.
func (f *configFlags) color(e *env) bool {
	return diagColor(e, f.noColor, e.stdout)
}

func dirArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

// isSavedPlan tells a saved plan file from a configuration directory.
func isSavedPlan(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
