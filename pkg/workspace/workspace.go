package workspace

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/backend"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec"
)

// Options configure a Workspace.
type Options struct {
	// Account is the account the operations read and post to.
	Account Account
	// Sandbox opens the built-in sandbox (pkg/sandbox's Open); an account
	// with Sandbox set is refused without it.
	Sandbox SandboxOpener
	// JournalPath overrides where the journal lives (by default
	// .rtctl/journal.jsonl beside the configuration). The sandbox always
	// keeps its own journal, so it refuses an override.
	JournalPath string

	// Vars, VarFiles and Getenv are the configuration's inputs: --var
	// values (raw, parsed per the variable's type), --var-file paths, and
	// the environment for RTCTL_VAR_name and env(). A nil Getenv is an empty
	// environment.
	Vars     map[string]string
	VarFiles []string
	Getenv   func(string) string

	// Clock is the real clock, the one that moves (time.Now when nil):
	// time limits, waits and rate limits run on it. Unless Now is set it
	// is also the account's present. See "Clocks" in the package
	// documentation for which operation reads which.
	Clock func() time.Time
	// Now, when set, pins the account's present: the instant every
	// operation works at, what the journal records and what the API client
	// takes for "now" (RTCTL_NOW, plan --now). Zero means Clock is read
	// once at the start of each operation, and read again for the times
	// the journal records.
	Now time.Time

	// HTTPClient sends every request: to the API and for data sources
	// (calendars). Nil means a new http.Client; tests pass one that only
	// reaches loopback.
	HTTPClient *http.Client
	// Logger receives the API client's records (retries, attempts), with
	// secrets redacted. Nil discards them.
	Logger *slog.Logger
	// UserAgent is sent with every API request.
	UserAgent string
	// CallTimeout bounds each API call, its retries and waits included
	// (rtapi.DefaultCallTimeout when zero), and the reading of the
	// configuration's data sources, all together (spec.DefaultDataTimeout
	// when zero).
	CallTimeout time.Duration
	// Reporter is told what a person should see while an operation runs.
	// Nil discards it.
	Reporter Reporter
	// StateDir is the person's own directory for rtctl (locks shared by
	// every configuration that posts to an account); empty means none.
	StateDir string
	// Limits bound the configuration's loading (spec.DefaultLimits for
	// every zero field).
	Limits spec.Limits
	// SecretFiles are the files the credentials were read from: a
	// configuration's file() never reads them, however it names them.
	SecretFiles []string
	// Backend is where the account's journal lives and how its lock is
	// taken: nil is the local backend (.rtctl and the state directory).
	// The person or CI chooses it and its store, never the configuration.
	Backend backend.Backend
	// BackendChosen says the person or CI chose Backend (a flag, the
	// environment): a configuration's rtctl { backend = ... } then does
	// not change it.
	BackendChosen bool
	// ConfigBackend builds the backend of the kind a configuration's rtctl
	// block asks for, when the person chose none: its store is the
	// person's (the checkout's remote), never the configuration's. Nil
	// refuses a configuration that asks for another kind than Backend.
	ConfigBackend func(kind string) (backend.Backend, error)
	// Secrets are credential values besides the account's, refused and
	// redacted like them: those in the environment, which validate and
	// console do not use but a configuration could read (a file holding
	// the key), and one the account did not pick when several are set.
	Secrets []string
	// Fingerprint is journal.Fingerprint (when nil) or a function that
	// gives the same results: the hash is slow by design, and a program
	// that starts many short processes with the same few credentials
	// (the tests) may remember what it computed.
	Fingerprint func(secret string) string
}

// Reporter receives what an operation wants a person to see while it runs.
// Its methods are called from the goroutine that called the operation.
type Reporter interface {
	// Diagnostics are the warnings (and, when loading fails, the errors)
	// of loading the configuration, with the files to render them from.
	Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics)
	// Notice is something to know that concerns the run, not one item.
	Notice(msg string)
}

type nopReporter struct{}

func (nopReporter) Diagnostics(map[string]*hcl.File, hcl.Diagnostics) {}
func (nopReporter) Notice(string)                                     {}

// Workspace is one configuration directory and the account it is applied
// to. It is not safe for concurrent use; the journal lock keeps separate
// processes apart.
type Workspace struct {
	dir  string
	opts Options

	acctOnce sync.Once
	acct     journal.Account
	acctErr  error
}

// Open checks dir and opts and returns the workspace. It reads nothing yet:
// each operation loads the configuration afresh.
func Open(dir string, opts Options) (*Workspace, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, syscall.ENOTDIR):
		// A path through a file (plan.out/x).
		return nil, &NoConfigDirError{Dir: dir, Err: ErrNotDirectory}
	case err != nil:
		return nil, &NoConfigDirError{Dir: dir, Err: unwrapPath(err)}
	case !st.IsDir():
		return nil, &NoConfigDirError{Dir: dir, Err: ErrNotDirectory}
	}
	if err := opts.Account.check(); err != nil {
		return nil, err
	}
	if opts.Account.Sandbox && opts.Sandbox == nil {
		return nil, errors.New("this program offers no sandbox: Options.Sandbox is nil (wire in pkg/sandbox's Open)")
	}
	if opts.Account.Sandbox && opts.JournalPath != "" {
		return nil, errors.New("a journal path cannot be given for the sandbox: it keeps its own journal, so that nothing applied to it ever looks applied to a real account")
	}
	if opts.Backend == nil {
		opts.Backend = backend.Local{}
	}
	if opts.JournalPath != "" && opts.Backend.Kind() != "local" {
		return nil, fmt.Errorf("a journal path cannot be given with the %s backend: it keeps the account's journal itself", opts.Backend.Kind())
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{}
	}
	if opts.Reporter == nil {
		opts.Reporter = nopReporter{}
	}
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	return &Workspace{dir: dir, opts: opts}, nil
}

// Dir is the configuration directory.
func (w *Workspace) Dir() string { return w.dir }

// Sandbox reports whether the workspace works on the built-in sandbox.
func (w *Workspace) Sandbox() bool { return w.opts.Account.Sandbox }

// SandboxJournalPath is the sandbox's journal for the configuration in dir.
func SandboxJournalPath(dir string) string {
	return filepath.Join(dir, ".rtctl", "sandbox-journal.jsonl")
}

// instant is the one reading of the account's present an operation works
// with: what it loads and plans as of.
func (w *Workspace) instant() time.Time {
	if !w.opts.Now.IsZero() {
		return w.opts.Now
	}
	return w.opts.Clock()
}

// present is the account's present as a clock: pinned with Options.Now,
// so the API client's no-future check, the sandbox's account and every
// journal line agree with the plan; the real clock otherwise, so a long
// apply's journal records when each POST went.
func (w *Workspace) present() func() time.Time {
	if now := w.opts.Now; !now.IsZero() {
		return func() time.Time { return now }
	}
	return w.opts.Clock
}

// LoadConfig loads the configuration as of now, without reporting: the
// diagnostics are returned for the caller to render (rtctl validate).
func (w *Workspace) LoadConfig(ctx context.Context, now time.Time) (*spec.Config, hcl.Diagnostics) {
	return spec.Load(ctx, w.dir, w.loadOptions(now))
}

func (w *Workspace) loadOptions(now time.Time) spec.LoadOptions {
	return spec.LoadOptions{
		Vars:        w.opts.Vars,
		VarFiles:    w.opts.VarFiles,
		Getenv:      w.opts.Getenv,
		Now:         now,
		HTTPClient:  w.opts.HTTPClient,
		Limits:      w.opts.Limits,
		DataTimeout: w.opts.CallTimeout,
		Secrets:     w.secrets(),
		SecretFiles: w.opts.SecretFiles,
	}
}

// secrets are the credentials' values, which a configuration may neither
// read nor post.
func (w *Workspace) secrets() []string {
	out := append([]string(nil), w.opts.Secrets...)
	switch c := w.opts.Account.Credentials.(type) {
	case rtapi.APIKey:
		out = append(out, string(c))
	case rtapi.AccessToken:
		out = append(out, string(c))
	}
	return out
}

// Now is the instant the next operation would work at.
func (w *Workspace) Now() time.Time { return w.instant() }

// load loads the configuration, reports its diagnostics and fails with a
// *ConfigError when they hold errors.
func (w *Workspace) load(ctx context.Context, now time.Time) (*spec.Config, error) {
	cfg, diags := w.LoadConfig(ctx, now)
	if len(diags) > 0 {
		w.opts.Reporter.Diagnostics(cfg.Files, diags)
	}
	if diags.HasErrors() {
		return nil, &ConfigError{Dir: w.dir, Files: cfg.Files, Diagnostics: diags}
	}
	// The diagnostics are reported: the syntax trees, most of the memory
	// a large configuration takes, need not live through the plan.
	cfg.Files = nil
	return cfg, nil
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ErrNotDirectory is the cause of a NoConfigDirError whose path names a
// file (a saved plan mistyped as a directory, say), or goes through one.
var ErrNotDirectory = errors.New("not a directory")

// NoConfigDirError says the configuration directory is not there.
type NoConfigDirError struct {
	Dir string
	Err error
}

func (e *NoConfigDirError) Error() string {
	if errors.Is(e.Err, ErrNotDirectory) {
		return fmt.Sprintf("%s is not a directory (nor a saved plan)", e.Dir)
	}
	return fmt.Sprintf("no configuration directory %s: %v", e.Dir, e.Err)
}

func (e *NoConfigDirError) Unwrap() error { return e.Err }

// ConfigError says the configuration could not be loaded; Diagnostics say
// why, with Files to render them.
type ConfigError struct {
	Dir         string
	Files       map[string]*hcl.File
	Diagnostics hcl.Diagnostics
}

func (e *ConfigError) Error() string {
	var errs []*hcl.Diagnostic
	for _, d := range e.Diagnostics {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	msg := fmt.Sprintf("could not load the configuration in %s", e.Dir)
	if len(errs) > 0 {
		msg += ": " + errs[0].Error()
	}
	if len(errs) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(errs)-1)
	}
	return msg
}
