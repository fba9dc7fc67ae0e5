package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// pendingAuth is what `auth url` keeps for `auth token`: the state the
// redirect must carry back and the PKCE verifier the code is redeemed with.
// RescueTime redirects to the application's registered address, not to a
// listener rtctl could open, so the flow is two commands and these two
// values wait between them in a file of the person's state directory,
// owner-only, removed once a code has been redeemed with them.
type pendingAuth struct {
	ClientID    string `json:"client_id"`
	RedirectURI string `json:"redirect_uri"`
	State       string `json:"state"`
	Verifier    string `json:"code_verifier"`
}

// maxPendingAuthBytes bounds the file: it holds four short strings.
const maxPendingAuthBytes = 16 << 10

// pendingAuthPath is the file for one application and redirect address, so
// that authorizations for two applications do not replace each other.
func pendingAuthPath(e *env, cfg rtapi.OAuthConfig) (string, error) {
	dir := stateDir(e)
	if dir == "" {
		return "", errors.New("rtctl has no state directory to keep the authorization's state and PKCE verifier in between `auth url` and `auth token`: set RTCTL_STATE_DIR")
	}
	sum := sha256.Sum256([]byte(cfg.ClientID + "\n" + cfg.RedirectURI))
	return filepath.Join(dir, "oauth", "pending-"+hex.EncodeToString(sum[:8])+".json"), nil
}

// savePendingAuth writes p owner-only and atomically, never through a
// symbolic link (atomicfile, safefile).
func savePendingAuth(path string, p pendingAuth) error {
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

// loadPendingAuth reads what `auth url` kept for cfg's application.
func loadPendingAuth(path string, cfg rtapi.OAuthConfig) (pendingAuth, error) {
	var p pendingAuth
	data, err := safefile.ReadFile(path, maxPendingAuthBytes)
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

// removePendingAuth forgets an authorization whose code was redeemed: its
// verifier is of no more use, and a second redirect for it is refused.
func removePendingAuth(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the used authorization state: %w", err)
	}
	return nil
}

// checkTokenTarget refuses a --token-file the token could not be saved to,
// before the single-use code is redeemed for a token that would then be
// lost: a symbolic link, a directory or special file, a path through a
// .rtctl that is not a real directory, a directory that is missing or takes
// no new files.
func checkTokenTarget(path string) error {
	err := func() error {
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
		// The token is saved through a temporary file beside it
		// (atomicfile): make one now, as the save will.
		f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
		if err != nil {
			return fmt.Errorf("cannot create files in %s: %w", dir, err)
		}
		f.Close()
		return os.Remove(f.Name())
	}()
	if err != nil {
		return fmt.Errorf("--token-file: %w (the code was not redeemed: choose another file and run `auth token` again while the code is valid)", err)
	}
	return nil
}
