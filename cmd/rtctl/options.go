package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/rtctl/rtctl/internal/logging"
	"github.com/rtctl/rtctl/pkg/sandbox"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// minRedacted is the length from which a credential of the environment
// joins the output's redactor: a real key or token is far longer, and a
// wrong one shorter than this would be cut out of ordinary words.
const minRedacted = 8

// pinnedNow is the instant --now or RTCTL_NOW pins, zero when neither is set.
func pinnedNow(e *env, flag string) (time.Time, error) {
	s, from := flag, "--now"
	if s == "" {
		s, from = e.getenv("RTCTL_NOW"), "RTCTL_NOW"
	}
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %q is not an RFC 3339 time such as 2026-11-20T18:00:00+01:00", from, s)
	}
	return t, nil
}

// workspaceOptions turns the flags and the environment into options for the
// operation layer; account is nil for commands that reach no account.
func workspaceOptions(e *env, cf *configFlags, acct *accountFlags) (workspace.Options, error) {
	log, err := logger(e)
	if err != nil {
		return workspace.Options{}, err
	}
	opts := workspace.Options{
		// The built-in account behind --sandbox, wired in here so that the
		// operation layer carries no emulator.
		Sandbox:    sandbox.Open,
		Getenv:     e.getenv,
		Clock:      e.now,
		HTTPClient: e.httpClient,
		UserAgent:  "rtctl/" + buildVersion(),
		Logger:     log,
		Reporter:   &reporter{e: e},
		// Commands that reach no account (validate, console) must still
		// refuse a file holding the key, and not print it.
		Secrets:     workspace.EnvironmentSecrets(e.getenv),
		Fingerprint: e.fingerprint,
	}
	for _, s := range opts.Secrets {
		// Not a short one: a wrong key shorter than a word would be cut
		// out of ordinary words (issue 24), and this command may not even
		// use it.
		if len(s) >= minRedacted {
			e.secrets.Add(s)
		}
	}
	if acct != nil {
		if opts.Account, err = acct.account(e); err != nil {
			return opts, err
		}
		opts.CallTimeout = acct.timeout
		for _, f := range []string{acct.apiKeyFile, acct.accessTokenFile} {
			if f != "" {
				opts.SecretFiles = append(opts.SecretFiles, f)
			}
		}
	}
	if cf == nil {
		opts.Now, err = pinnedNow(e, "")
		return opts, err
	}
	for _, path := range cf.credentialFiles {
		if path == "" {
			continue
		}
		secret, _, err := workspace.ReadSecretFile("a credential file", path)
		if err != nil {
			return opts, err
		}
		e.secrets.Add(secret)
		opts.Secrets = append(opts.Secrets, secret)
		opts.SecretFiles = append(opts.SecretFiles, path)
	}
	opts.Reporter = &reporter{e: e, noColor: cf.noColor}
	opts.StateDir = stateDir(e)
	if opts.Now, err = pinnedNow(e, cf.now); err != nil {
		return opts, err
	}
	if opts.Vars, err = parseVars(cf.vars); err != nil {
		return opts, err
	}
	opts.VarFiles = cf.varFiles
	if opts.Limits, err = parseLimits(cf.limits); err != nil {
		return opts, err
	}
	opts.JournalPath = cf.journal
	if opts.JournalPath == "" && !opts.Account.Sandbox {
		opts.JournalPath = e.getenv("RTCTL_JOURNAL")
	}
	if cf.journal != "" && opts.Account.Sandbox {
		return opts, errors.New("--journal cannot be used with --sandbox: the sandbox keeps its own journal, so that nothing applied to it ever looks applied to a real account")
	}
	return opts, nil
}

func parseVars(vars []string) (map[string]string, error) {
	m := map[string]string{}
	for _, v := range vars {
		name, value, err := workspace.ParseVarArg(v)
		if err != nil {
			return nil, err
		}
		m[name] = value
	}
	return m, nil
}

// openWorkspace opens the configuration in dir as the flags say.
func openWorkspace(e *env, dir string, cf *configFlags, acct *accountFlags) (*workspace.Workspace, error) {
	opts, err := workspaceOptions(e, cf, acct)
	if err != nil {
		return nil, err
	}
	if cf != nil && acct != nil {
		if err := setBackend(e, dir, &cf.backend, &opts); err != nil {
			return nil, err
		}
	}
	return workspace.Open(dir, opts)
}

// stateDir is the person's own directory for rtctl: RTCTL_STATE_DIR, else
// rtctl in the user's cache directory; "" when there is none.
func stateDir(e *env) string {
	if d := e.getenv("RTCTL_STATE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "rtctl")
	}
	return ""
}

// logger is the command's logger: sentences on stderr with -v, and the
// structured log RTCTL_LOG asks for, with known secrets removed.
func logger(e *env) (*slog.Logger, error) {
	l, closer, err := logging.New(logging.Options{
		Stderr: e.stderr, Verbose: e.verbose, Level: e.getenv("RTCTL_LOG"), Path: e.getenv("RTCTL_LOG_PATH"),
	}, e.secrets)
	if err != nil {
		return nil, err
	}
	e.closers = append(e.closers, closer)
	return l, nil
}
