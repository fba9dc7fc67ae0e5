package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/workspace"
)

// accountFlags say which RescueTime account to talk to.
type accountFlags struct {
	endpoint        string
	apiKeyFile      string
	accessTokenFile string
	timezone        string
	sandbox         bool
	timeout         time.Duration
}

func (a *accountFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&a.endpoint, "endpoint", "", "RescueTime API base URL (default $RTCTL_ENDPOINT, else "+workspace.DefaultBaseURL+")")
	f.StringVar(&a.apiKeyFile, "api-key-file", "", "read the API key from `FILE` instead of $RESCUETIME_API_KEY")
	f.StringVar(&a.accessTokenFile, "access-token-file", "", "read an OAuth2 access token from `FILE` (see rtctl auth) instead of $RESCUETIME_ACCESS_TOKEN")
	f.BoolVar(&a.sandbox, "sandbox", false, "use a built-in emulated Premium account kept in "+workspace.SandboxStatePath)
	f.DurationVar(&a.timeout, "timeout", workspace.DefaultCallTimeout, "the longest one request to RescueTime may take, its retries included, and the reading of all the configuration's data sources (calendars, git logs)")
}

// registerTimezone adds --timezone, for commands without a configuration
// (whose rtctl.timezone would say it): the API's dates carry no offset.
func (a *accountFlags) registerTimezone(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.timezone, "timezone", "", "the account's time zone, an IANA name (default $RTCTL_TIMEZONE, else this machine's zone)")
}

// namesAccount reports whether the flags or the environment name a real
// account: an endpoint or a credential.
func (a *accountFlags) namesAccount(e *env) bool {
	if a.endpoint != "" || a.apiKeyFile != "" || a.accessTokenFile != "" {
		return true
	}
	for _, v := range []string{"RTCTL_ENDPOINT", "RESCUETIME_API_KEY", "RESCUETIME_ACCESS_TOKEN"} {
		if e.getenv(v) != "" {
			return true
		}
	}
	return false
}

// account resolves the flags and the environment into the account.
func (a *accountFlags) account(e *env) (workspace.Account, error) {
	if a.sandbox {
		if a.endpoint != "" || a.apiKeyFile != "" || a.accessTokenFile != "" {
			return workspace.Account{}, errors.New("--sandbox talks to the built-in emulated account; it cannot be combined with --endpoint, --api-key-file or --access-token-file")
		}
		return workspace.Account{Sandbox: true, Timezone: a.timezone}, nil
	}
	creds, warning, err := workspace.Credentials(workspace.CredentialSources{
		AccessTokenFile: a.accessTokenFile, APIKeyFile: a.apiKeyFile, Getenv: e.getenv,
	})
	if err != nil {
		return workspace.Account{}, err
	}
	if warning != "" {
		e.out().Warning(warning)
	}
	// Not a short one, as for the environment's (workspaceOptions): a
	// wrong key shorter than a word would be cut out of ordinary words
	// of every message, the one saying the key is wrong included.
	if s := workspace.CredentialsSecret(creds); len(s) >= minRedacted {
		e.secrets.Add(s)
	}
	acct := workspace.Account{Endpoint: a.endpoint, Credentials: creds, Timezone: a.timezone}
	if acct.Endpoint == "" {
		acct.Endpoint = e.getenv("RTCTL_ENDPOINT")
	}
	if acct.Timezone == "" {
		acct.Timezone = e.getenv("RTCTL_TIMEZONE")
	}
	return acct, nil
}

// configFlags are the flags of every command that loads a configuration.
type configFlags struct {
	vars, varFiles []string
	limits         []string
	now            string
	journal        string
	noColor        bool
	backend        backendFlags
	// credentialFiles are --api-key-file and --access-token-file of the
	// commands that never reach the account (validate, console): given,
	// what they hold is kept from the configuration as plan keeps it.
	credentialFiles [2]string
}

// addCredentialFileFlags lets validate and console know the credential
// files plan would be given, so that a configuration cannot read or show
// what they hold there either. They are optional: neither command talks to
// RescueTime.
func addCredentialFileFlags(cmd *cobra.Command, cf *configFlags) {
	f := cmd.Flags()
	f.StringVar(&cf.credentialFiles[0], "api-key-file", "", "the API key's `FILE`, as plan is given it: RescueTime is not contacted, but the configuration may not read or show what it holds")
	f.StringVar(&cf.credentialFiles[1], "access-token-file", "", "the access token's `FILE`, as plan is given it: RescueTime is not contacted, but the configuration may not read or show what it holds")
}

func (f *configFlags) register(cmd *cobra.Command) {
	addVarFlags(cmd, &f.vars, &f.varFiles)
	addLimitFlag(cmd, &f.limits)
	fl := cmd.Flags()
	fl.StringVar(&f.journal, "journal", "", "journal file (default RTCTL_JOURNAL, else .rtctl/journal.jsonl beside the configuration)")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the output (NO_COLOR and a non-terminal output also turn it off)")
	f.backend.register(cmd)
}

// registerNow adds --now, for commands that only look: planning as of
// another instant is a question one may ask, but applying as of another
// instant would journal POSTs at a time they were not sent. RTCTL_NOW pins
// the clock of the whole process instead, for tests.
func (f *configFlags) registerNow(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.now, "now", "", "plan as if it were this instant (RFC 3339; default RTCTL_NOW, else the current time)")
}

// addVarFlags adds --var and --var-file.
func addVarFlags(cmd *cobra.Command, vars, varFiles *[]string) {
	cmd.Flags().StringArrayVar(vars, "var", nil, "set an input variable: --var name=value (repeatable)")
	cmd.Flags().StringArrayVar(varFiles, "var-file", nil, "read input variables from an HCL file (repeatable)")
}

// addLimitFlag adds --limit, for configurations that outgrow a limit.
func addLimitFlag(cmd *cobra.Command, limits *[]string) {
	cmd.Flags().StringArrayVar(limits, "limit", nil, "raise a limit on loading the configuration: --limit instances=200000 (repeatable; see the README's limits)")
}

// parseLimits reads --limit NAME=N flags.
func parseLimits(flags []string) (workspace.Limits, error) {
	var l workspace.Limits
	for _, f := range flags {
		name, value, ok := strings.Cut(f, "=")
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if !ok || err != nil {
			return l, fmt.Errorf("--limit %q: want NAME=NUMBER, such as instances=200000", f)
		}
		if err := l.Set(strings.TrimSpace(name), n); err != nil {
			return l, fmt.Errorf("--limit: %w", err)
		}
	}
	return l, nil
}

func dirArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}
