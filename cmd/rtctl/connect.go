package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // --timezone must work where the system has no zone database

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
	"github.com/spf13/cobra"
)

// Sandbox settings: a Premium account with a fixed seed, so every sandbox
// shows the same synthetic history, and its state in the working directory.
const (
	sandboxStatePath = ".rtctl/sandbox.json"
	sandboxKey       = "sandbox-key"
	sandboxSeed      = 1
	// sandboxBaseURL is never dialled: the sandbox transport hands
	// requests to the emulator in process.
	sandboxBaseURL = "http://localhost"
)

// connectionFlags hold the flags that say which RescueTime account to talk
// to. Every command that reaches the API registers them (register) and
// builds its client with client.
type connectionFlags struct {
	endpoint        string
	apiKeyFile      string
	accessTokenFile string
	timezone        string
	sandbox         bool
}

// register adds the connection flags to cmd, persistent so that
// subcommands share them.
func (c *connectionFlags) register(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&c.endpoint, "endpoint", "", "RescueTime API base URL (default $RTCTL_ENDPOINT, else "+rtapi.DefaultBaseURL+")")
	f.StringVar(&c.apiKeyFile, "api-key-file", "", "read the API key from `FILE` instead of $RESCUETIME_API_KEY")
	f.StringVar(&c.accessTokenFile, "access-token-file", "", "read an OAuth2 access token from `FILE` (see rtctl auth) instead of $RESCUETIME_ACCESS_TOKEN")
	f.BoolVar(&c.sandbox, "sandbox", false, "use a built-in emulated Premium account kept in "+sandboxStatePath)
}

// registerTimezone adds --timezone, for commands without a configuration
// (whose rtctl.timezone would say it): the API's dates carry no offset.
func (c *connectionFlags) registerTimezone(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&c.timezone, "timezone", "", "the account's time zone, an IANA name (default $RTCTL_TIMEZONE, else this machine's zone)")
}

// sandboxTarget is how a saved plan names the sandbox.
const sandboxTarget = "the sandbox"

// check refuses flags that contradict each other, rather than silently
// letting one win.
func (c *connectionFlags) check() error {
	switch {
	case c.sandbox && (c.endpoint != "" || c.apiKeyFile != "" || c.accessTokenFile != ""):
		return errors.New("--sandbox talks to the built-in emulated account; it cannot be combined with --endpoint, --api-key-file or --access-token-file")
	case c.apiKeyFile != "" && c.accessTokenFile != "":
		return errors.New("give --api-key-file or --access-token-file, not both")
	}
	return nil
}

// location resolves the account's time zone and its IANA name ("" for the
// system's local zone): zone (the configuration's), else --timezone, else
// $RTCTL_TIMEZONE, else the local zone. A --timezone that disagrees with the
// configuration is refused: the plan would be made in one zone and the
// requests rendered in another, an hour or more off.
func (c *connectionFlags) location(e *env, zone *time.Location) (*time.Location, string, error) {
	name := c.timezone
	if zone != nil && zone != time.Local {
		if name != "" && name != zone.String() {
			return nil, "", fmt.Errorf("--timezone %s disagrees with the configuration's rtctl.timezone (%s); the configuration decides, so drop the flag", name, zone)
		}
		return zone, zone.String(), nil
	}
	if name == "" {
		name = e.getenv("RTCTL_TIMEZONE")
	}
	if name == "" {
		return time.Local, "", nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, "", fmt.Errorf("invalid time zone %q: want an IANA name such as Europe/Berlin", name)
	}
	return loc, name, nil
}

// client returns an API client for the account the flags and environment
// select: the sandbox (its state under dir), or the endpoint with the API key
// or access token. zone is the account's time zone as the configuration
// declares it (nil when there is none); now, when not zero, pins the clock
// (the client's no-future check and the sandbox's).
func (c *connectionFlags) client(ctx context.Context, e *env, dir string, zone *time.Location, now time.Time) (*rtapi.Client, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	loc, zoneName, err := c.location(e, zone)
	if err != nil {
		return nil, err
	}
	clock := e.now
	if !now.IsZero() {
		clock = func() time.Time { return now }
	}
	opts := rtapi.Options{
		HTTPClient: e.httpClient,
		Location:   loc,
		Now:        clock,
		UserAgent:  "rtctl/" + buildVersion(),
		// Retries are said on stderr, so a slow or failing endpoint is
		// not silent for minutes; the client redacts what it logs.
		Logger: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{
			Level: slog.LevelWarn,
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey && len(groups) == 0 {
					return slog.Attr{}
				}
				return a
			},
		})),
	}
	if c.sandbox {
		// Only a configuration sets the sandbox account's zone; --timezone
		// on a read command changes how dates are shown, not the account.
		accountZone := ""
		if zone != nil && zone != time.Local {
			accountZone = zone.String()
		}
		hc, zone, err := sandboxHTTPClient(filepath.Join(dir, sandboxStatePath), clock, accountZone)
		if err != nil {
			return nil, err
		}
		if zoneName == "" {
			if opts.Location, err = time.LoadLocation(zone); err != nil {
				return nil, fmt.Errorf("the sandbox's time zone: %w", err)
			}
		}
		opts.HTTPClient, opts.BaseURL, opts.Credentials = hc, sandboxBaseURL, rtapi.APIKey(sandboxKey)
	} else {
		creds, err := c.credentials(e)
		if err != nil {
			return nil, err
		}
		opts.Credentials = creds
		opts.BaseURL = c.endpoint
		if opts.BaseURL == "" {
			opts.BaseURL = e.getenv("RTCTL_ENDPOINT")
		}
	}
	cl, err := rtapi.New(opts)
	if err != nil {
		return nil, fmt.Errorf("connecting to RescueTime: %w", err)
	}
	return cl, nil
}

// target names the account the flags select, without any secret: a saved
// plan records it so that it is applied to the account it was made for.
func (c *connectionFlags) target(e *env) string {
	if c.sandbox {
		return sandboxTarget
	}
	base := c.endpoint
	if base == "" {
		base = e.getenv("RTCTL_ENDPOINT")
	}
	if base == "" {
		base = rtapi.DefaultBaseURL
	}
	if u, err := url.Parse(base); err == nil {
		base = u.Scheme + "://" + u.Host + u.Path
	}
	kind := "an API key"
	if creds, err := c.credentials(e); err == nil {
		if _, token := creds.(rtapi.AccessToken); token {
			kind = "an access token"
		}
	}
	return base + " with " + kind
}

// errNoCredentials tells a new user how to get going.
var errNoCredentials = errors.New(`no RescueTime credentials found.

Create an API key on your RescueTime key management page
(https://www.rescuetime.com/anapi/manage) and export it:

    export RESCUETIME_API_KEY=<your key>

or pass --api-key-file FILE, or export RESCUETIME_ACCESS_TOKEN for an OAuth2
token. To try rtctl without an account, add --sandbox.`)

// credentials reads the access token file, the API key file,
// RESCUETIME_API_KEY or RESCUETIME_ACCESS_TOKEN, in that order.
func (c *connectionFlags) credentials(e *env) (rtapi.Credentials, error) {
	if c.accessTokenFile != "" {
		tok, err := readSecretFile("--access-token-file", c.accessTokenFile)
		if err != nil {
			return nil, err
		}
		return rtapi.AccessToken(tok), nil
	}
	if c.apiKeyFile != "" {
		data, err := os.ReadFile(c.apiKeyFile)
		if err != nil {
			// The path is not secret; the file's content never appears.
			return nil, fmt.Errorf("reading --api-key-file: %w", err)
		}
		key := strings.TrimSpace(string(data))
		if key == "" {
			return nil, fmt.Errorf("--api-key-file %s is empty", c.apiKeyFile)
		}
		return rtapi.APIKey(key), nil
	}
	if key := strings.TrimSpace(e.getenv("RESCUETIME_API_KEY")); key != "" {
		return rtapi.APIKey(key), nil
	}
	if tok := strings.TrimSpace(e.getenv("RESCUETIME_ACCESS_TOKEN")); tok != "" {
		return rtapi.AccessToken(tok), nil
	}
	return nil, errNoCredentials
}

// sandboxHTTPClient returns an http.Client whose transport serves every
// request with an in-process emulator persisted in statePath, and the
// sandbox account's zone. The account takes zone when one is given (the
// configuration's, or --timezone); otherwise it keeps the zone it has, so a
// read command never moves a sandbox that apply set up, and a new one lives
// in UTC.
func sandboxHTTPClient(statePath string, now func() time.Time, zone string) (*http.Client, string, error) {
	if err := os.MkdirAll(filepath.Dir(statePath), 0o755); err != nil {
		return nil, "", fmt.Errorf("creating the sandbox directory: %w", err)
	}
	emu, err := emulator.New(emulator.Options{Clock: clockFunc(now), StatePath: statePath})
	if err != nil {
		return nil, "", fmt.Errorf("opening the sandbox: %w", err)
	}
	if zone == "" {
		zone = "UTC"
		if a, ok := emu.Account(sandboxKey); ok {
			zone = a.TimeZone
		}
	}
	err = emu.AddAccount(emulator.Account{Key: sandboxKey, Plan: emulator.Premium, TimeZone: zone, Seed: sandboxSeed})
	if err != nil {
		return nil, "", fmt.Errorf("opening the sandbox: %w", err)
	}
	return &http.Client{Transport: handlerTransport{emu}}, zone, nil
}

// clockFunc adapts env.now to the emulator's Clock.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }

// handlerTransport serves requests with an http.Handler, without a socket.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if req.Body != nil {
		defer req.Body.Close()
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// readSecretFile reads a one-line secret from path. Errors name the flag and
// the path, never the content.
func readSecretFile(flag, path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", flag, err)
	}
	s := strings.TrimSpace(string(data))
	if s == "" {
		return "", fmt.Errorf("%s %s is empty", flag, path)
	}
	return s, nil
}
