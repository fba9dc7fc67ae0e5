// Package authorize runs rtctl auth's OAuth2 authorization with RescueTime,
// for the command line: Start makes the authorization request and keeps
// its state and PKCE verifier, Redeem trades the code the redirect carries
// for an access token and saves it to a file. It is an operation beside
// pkg/workspace (it needs no configuration, journal or account), and it
// prints nothing: it returns the address to open and the token's scopes.
//
// RescueTime redirects to the application's registered address, not to a
// listener rtctl could open, so the flow is two commands, and the state and
// the verifier wait between them in a file of the person's state
// directory, owner-only, removed once a code has been redeemed with them.
// The token is written owner-only and never returned.
package authorize

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// Scopes are the OAuth2 scopes the API documents, in its order.
func Scopes() []string {
	return []string{
		string(rtapi.ScopeTimeData), string(rtapi.ScopeCategoryData), string(rtapi.ScopeProductivityData),
		string(rtapi.ScopeAlertData), string(rtapi.ScopeHighlightData), string(rtapi.ScopeFocusTimeData),
	}
}

// Options identify the application, as RescueTime registered it, and what
// the flow runs with.
type Options struct {
	ClientID, RedirectURI string
	// ClientSecret is needed to redeem a code, not to start.
	ClientSecret string
	// Scopes are some of Scopes().
	Scopes []string
	// Endpoint is RescueTime's base URL ("": the API's).
	Endpoint string
	// StateDir is the person's state directory, where the state and the
	// verifier wait between the two steps.
	StateDir   string
	HTTPClient *http.Client
	// Clock is the real clock, for the calls' time limits.
	Clock     func() time.Time
	UserAgent string
}

func (o Options) config() rtapi.OAuthConfig {
	cfg := rtapi.OAuthConfig{ClientID: o.ClientID, RedirectURI: o.RedirectURI, ClientSecret: rtapi.Secret(o.ClientSecret)}
	for _, s := range o.Scopes {
		cfg.Scopes = append(cfg.Scopes, rtapi.Scope(s))
	}
	return cfg
}

func (o Options) client() (*rtapi.Client, error) {
	c, err := rtapi.New(rtapi.Options{BaseURL: o.Endpoint, HTTPClient: o.HTTPClient, Now: o.Clock, Clock: o.Clock, UserAgent: o.UserAgent})
	if err != nil {
		return nil, fmt.Errorf("connecting to RescueTime: %w", err)
	}
	return c, nil
}

// Start makes the authorization request and keeps its state and verifier
// for Redeem; it returns the address to open. A later Start for the same
// application and redirect address replaces them.
func Start(o Options) (string, error) {
	c, err := o.client()
	if err != nil {
		return "", err
	}
	cfg := o.config()
	a, err := c.Authorize(cfg)
	if err != nil {
		return "", err
	}
	path, err := pendingPath(o)
	if err != nil {
		return "", err
	}
	if err := savePending(path, pending{ClientID: cfg.ClientID, RedirectURI: cfg.RedirectURI, State: a.State, Verifier: string(a.Verifier)}); err != nil {
		return "", err
	}
	return a.URL, nil
}

// Pending is an authorization Start began, waiting for its code.
type Pending struct {
	path string
	p    pending
}

// Resume finds the authorization Start began for o's application.
func Resume(o Options) (*Pending, error) {
	path, err := pendingPath(o)
	if err != nil {
		return nil, err
	}
	p, err := loadPending(path, o.config())
	if err != nil {
		return nil, err
	}
	return &Pending{path: path, p: p}, nil
}

// Redeem trades the code of redirect, the whole address RescueTime
// redirected the browser to, for an access token, only when the address
// carries the state Start made and with its verifier, and saves the token
// to tokenFile (checked first with CheckTokenFile). It returns the token's
// scopes. Redeemed or refused, the code is spent and the pending state is
// removed.
func (p *Pending) Redeem(ctx context.Context, o Options, redirect, tokenFile string) (scope string, err error) {
	code, err := rtapi.CodeFromRedirect(redirect, p.p.State)
	if err != nil {
		return "", fmt.Errorf("%w (the code was not redeemed)", err)
	}
	c, err := o.client()
	if err != nil {
		return "", err
	}
	tok, err := c.ExchangeCode(ctx, o.config(), code, rtapi.Secret(p.p.Verifier))
	// Redeemed or refused, the code is spent: the verifier is of no more
	// use.
	if rerr := removePending(p.path); err == nil {
		err = rerr
	}
	if err != nil {
		return "", err
	}
	// Owner-only and atomic, so a reader never sees half a token.
	if err := atomicfile.Write(tokenFile, []byte(string(tok.AccessToken)+"\n")); err != nil {
		return "", err
	}
	return tok.Scope, nil
}

// CheckTokenFile refuses a token file the token could not be saved to,
// before the single-use code is redeemed for a token that would then be
// lost: a symbolic link, a directory or special file, a path through a
// .rtctl that is not a real directory, a directory that is missing or takes
// no new files.
func CheckTokenFile(path string) error {
	if err := safefile.Check(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is %s, not a directory", dir, safefile.Describe(info.Mode()))
	}
	// The token is saved through a temporary file beside it (atomicfile):
	// make one now, as the save will.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("cannot create files in %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// pending is what Start keeps for Redeem: the state the redirect must carry
// back and the PKCE verifier the code is redeemed with.
type pending struct {
	ClientID    string `json:"client_id"`
	RedirectURI string `json:"redirect_uri"`
	State       string `json:"state"`
	Verifier    string `json:"code_verifier"`
}

// maxPendingBytes bounds the file: it holds four short strings.
const maxPendingBytes = 16 << 10

// pendingPath is the file for one application and redirect address, so
// that authorizations for two applications do not replace each other.
func pendingPath(o Options) (string, error) {
	if o.StateDir == "" {
		return "", errors.New("rtctl has no state directory to keep the authorization's state and PKCE verifier in between `auth url` and `auth token`: set RTCTL_STATE_DIR")
	}
	sum := sha256.Sum256([]byte(o.ClientID + "\n" + o.RedirectURI))
	return filepath.Join(o.StateDir, "oauth", "pending-"+hex.EncodeToString(sum[:8])+".json"), nil
}

// savePending writes p owner-only and atomically, never through a symbolic
// link (atomicfile, safefile).
func savePending(path string, p pending) error {
	if err := safefile.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("keeping the authorization's state: %w", err)
	}
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("keeping the authorization's state: %w", err)
	}
	if err := atomicfile.Write(path, data); err != nil {
		return fmt.Errorf("keeping the authorization's state: %w", err)
	}
	return nil
}

// loadPending reads what Start kept for cfg's application.
func loadPending(path string, cfg rtapi.OAuthConfig) (pending, error) {
	var p pending
	data, err := safefile.ReadFile(path, maxPendingBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return p, fmt.Errorf("no authorization in progress for --client-id %q and --redirect-uri %q: run `rtctl auth url` first "+
			"(it keeps the state and PKCE verifier that `auth token` checks the redirect and redeems the code with)", cfg.ClientID, cfg.RedirectURI)
	}
	if err != nil {
		return p, fmt.Errorf("reading the authorization's state: %w", err)
	}
	if err := json.Unmarshal(data, &p); err != nil || p.State == "" || p.Verifier == "" ||
		p.ClientID != cfg.ClientID || p.RedirectURI != cfg.RedirectURI {
		return p, fmt.Errorf("the authorization's state in %s is damaged: run `rtctl auth url` again", path)
	}
	return p, nil
}

// removePending forgets an authorization whose code was redeemed: its
// verifier is of no more use, and a second redirect for it is refused.
func removePending(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the used authorization state: %w", err)
	}
	return nil
}
