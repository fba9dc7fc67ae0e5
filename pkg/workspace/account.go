package workspace

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/secretfile"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// Account says which RescueTime account a workspace works on.
type Account struct {
	// Sandbox selects the built-in emulated Premium account, its state
	// kept in .rtctl/sandbox.json beside the configuration.
	Sandbox bool
	// Endpoint is the API's base URL (rtapi.DefaultBaseURL when empty).
	Endpoint string
	// Credentials is an rtapi.APIKey or rtapi.AccessToken; nil means none
	// were found, which is an error (ErrNoCredentials) only once the
	// account is needed.
	Credentials rtapi.Credentials
	// Timezone is the IANA zone the account's naive times are read in
	// when no configuration says it (read commands); empty means this
	// machine's zone. A configuration's rtctl.timezone always decides.
	Timezone string
}

// check refuses settings that contradict each other, rather than silently
// letting one win.
func (a Account) check() error {
	if a.Sandbox && (a.Endpoint != "" || a.Credentials != nil) {
		return errors.New("the sandbox is the built-in emulated account; it cannot be combined with an endpoint or credentials")
	}
	return nil
}

// ErrNoCredentials tells a new user how to get going.
//
//lint:ignore ST1005 it is the whole message a new user reads, steps on lines of their own
var ErrNoCredentials = errors.New(`no RescueTime credentials found.

Create an API key on your RescueTime key management page
(https://www.rescuetime.com/anapi/manage) and export it:

    export RESCUETIME_API_KEY=<your key>

or pass --api-key-file FILE, or export RESCUETIME_ACCESS_TOKEN for an OAuth2
token. To try rtctl without an account, add --sandbox.`)

// SandboxOpener opens the built-in sandbox account, its state kept in
// statePath: an HTTP client that reaches it, the key that opens it and the
// account's zone, which takes zone when one is given (the configuration's)
// and is left as it is otherwise. now is the account's present. The
// program wires pkg/sandbox's Open in (Options.Sandbox), so that this
// package carries no emulator.
type SandboxOpener func(statePath string, now func() time.Time, zone string) (client *http.Client, key rtapi.APIKey, accountZone string, err error)

// Sandbox settings.
const (
	// SandboxStatePath is where a sandbox keeps its state, relative to
	// the configuration directory.
	SandboxStatePath = ".rtctl/sandbox.json"
	// sandboxBaseURL is never dialled: the sandbox's transport hands
	// requests to the emulator in process.
	sandboxBaseURL = "http://localhost"
	// sandboxTarget is how a saved plan names the sandbox.
	sandboxTarget = "the sandbox"
)

// Target names the account without any secret: a saved plan records it, so
// that it is applied to the account it was made for.
func (w *Workspace) Target() string {
	a := w.opts.Account
	if a.Sandbox {
		return sandboxTarget
	}
	base := a.Endpoint
	if base == "" {
		base = rtapi.DefaultBaseURL
	}
	if u, err := url.Parse(base); err == nil {
		base = u.Scheme + "://" + u.Host + u.Path
	}
	kind := "an API key"
	if _, token := a.Credentials.(rtapi.AccessToken); token {
		kind = "an access token"
	}
	return base + " with " + kind
}

// location resolves the account's time zone: the configuration's (zone),
// else Account.Timezone, else this machine's. A Timezone that disagrees
// with the configuration is refused: the plan would be made in one zone and
// the requests rendered in another, an hour or more off.
func (w *Workspace) location(zone *time.Location) (*time.Location, error) {
	name := w.opts.Account.Timezone
	if zone != nil && zone != time.Local {
		if name != "" && name != zone.String() {
			return nil, fmt.Errorf("--timezone %s disagrees with the configuration's rtctl.timezone (%s); the configuration decides, so drop the flag", name, zone)
		}
		return zone, nil
	}
	if name == "" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("invalid time zone %q: want an IANA name such as Europe/Berlin", name)
	}
	return loc, nil
}

// Client returns an API client for the workspace's account. zone is the
// account's time zone as the configuration declares it, nil when there is
// none (read commands).
func (w *Workspace) Client(ctx context.Context, zone *time.Location) (*rtapi.Client, error) {
	return w.client(ctx, zone, nil)
}

// client is Client with the HTTP transport wrapped by wrap when it is not
// nil: doctor sees every answer's status and headers that way, without the
// API client having to expose them.
func (w *Workspace) client(_ context.Context, zone *time.Location, wrap func(http.RoundTripper) http.RoundTripper) (*rtapi.Client, error) {
	a := w.opts.Account
	loc, err := w.location(zone)
	if err != nil {
		return nil, err
	}
	clock := w.present()
	opts := rtapi.Options{
		HTTPClient: w.opts.HTTPClient,
		Location:   loc,
		Now:        clock,
		UserAgent:  w.opts.UserAgent,
		Logger:     w.opts.Logger,
		// The call's time limit runs on the real clock, whatever instant
		// the operation is pinned at.
		Clock:       w.opts.Clock,
		CallTimeout: w.opts.CallTimeout,
	}
	if a.Sandbox {
		// Only a configuration sets the sandbox account's zone; a read
		// command's --timezone changes how dates are shown, not the account.
		accountZone := ""
		if zone != nil && zone != time.Local {
			accountZone = zone.String()
		}
		hc, key, sandboxZone, err := w.opts.Sandbox(filepath.Join(w.dir, SandboxStatePath), clock, accountZone)
		if err != nil {
			return nil, err
		}
		if loc == time.Local && a.Timezone == "" {
			if opts.Location, err = time.LoadLocation(sandboxZone); err != nil {
				return nil, fmt.Errorf("the sandbox's time zone: %w", err)
			}
		}
		opts.HTTPClient, opts.BaseURL, opts.Credentials = hc, sandboxBaseURL, key
	} else {
		if a.Credentials == nil {
			return nil, ErrNoCredentials
		}
		opts.Credentials, opts.BaseURL = a.Credentials, a.Endpoint
	}
	if wrap != nil {
		hc := http.Client{}
		if opts.HTTPClient != nil {
			hc = *opts.HTTPClient
		}
		base := hc.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		hc.Transport = wrap(base)
		opts.HTTPClient = &hc
	}
	c, err := rtapi.New(opts)
	if err != nil {
		return nil, fmt.Errorf("connecting to RescueTime: %w", err)
	}
	return c, nil
}

// ReadsInLocalZone reports whether a client made without a configuration
// reads the account's naive times in this machine's zone, a guess the
// person may need to correct with a time zone setting.
func (w *Workspace) ReadsInLocalZone() bool {
	return !w.opts.Account.Sandbox && w.opts.Account.Timezone == ""
}

// CredentialSources are the places credentials may come from, in the
// order they are tried: an access token file, an API key file,
// RESCUETIME_API_KEY, RESCUETIME_ACCESS_TOKEN.
type CredentialSources struct {
	AccessTokenFile string
	APIKeyFile      string
	Getenv          func(string) string
}

// Credentials reads the first credential the sources hold, nil when they
// hold none, and a warning when a secret file can be read by other users.
// Errors name the file, never its content.
func Credentials(src CredentialSources) (creds rtapi.Credentials, warning string, err error) {
	if src.AccessTokenFile != "" && src.APIKeyFile != "" {
		return nil, "", errors.New("give --api-key-file or --access-token-file, not both")
	}
	if src.AccessTokenFile != "" {
		tok, warn, err := ReadSecretFile("--access-token-file", src.AccessTokenFile)
		if err != nil {
			return nil, "", err
		}
		return rtapi.AccessToken(tok), warn, nil
	}
	if src.APIKeyFile != "" {
		key, warn, err := ReadSecretFile("--api-key-file", src.APIKeyFile)
		if err != nil {
			return nil, "", err
		}
		return rtapi.APIKey(key), warn, nil
	}
	getenv := src.Getenv
	if getenv == nil {
		return nil, "", nil
	}
	if key := strings.TrimSpace(getenv("RESCUETIME_API_KEY")); key != "" {
		return rtapi.APIKey(key), "", nil
	}
	if tok := strings.TrimSpace(getenv("RESCUETIME_ACCESS_TOKEN")); tok != "" {
		return rtapi.AccessToken(tok), "", nil
	}
	return nil, "", nil
}

// EnvironmentSecrets are the credentials set in the environment
// (RESCUETIME_API_KEY, RESCUETIME_ACCESS_TOKEN, RESCUETIME_CLIENT_SECRET),
// whether or not the command uses one: every command keeps them out of what
// a configuration may read or post.
func EnvironmentSecrets(getenv func(string) string) []string {
	if getenv == nil {
		return nil
	}
	var out []string
	for _, name := range []string{"RESCUETIME_API_KEY", "RESCUETIME_ACCESS_TOKEN", "RESCUETIME_CLIENT_SECRET"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			out = append(out, v)
		}
	}
	// The git backend's remote may carry a token (CI gives the job's in the
	// URL): a configuration must not read it into something it shows.
	if p := URLPassword(getenv("RTCTL_BACKEND_REMOTE")); p != "" {
		out = append(out, p)
	}
	return out
}

// URLPassword is the password (or token) in a URL's user information, ""
// when it has none.
func URLPassword(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.User == nil {
		return ""
	}
	if p, ok := u.User.Password(); ok {
		return p
	}
	return ""
}

// ReadSecretFile reads a one-line secret from the file a flag names: a
// regular file of at most secretfile.MaxBytes. The warning says when others
// can read it. Errors name the flag and the path, never the content.
func ReadSecretFile(flag, path string) (value, warning string, err error) {
	value, warning, err = secretfile.Read(path)
	if err != nil {
		return "", "", fmt.Errorf("reading %s: %w", flag, err)
	}
	return value, warning, nil
}
