package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// oauthFlags identify the OAuth2 application, as RescueTime registered it.
type oauthFlags struct {
	clientID         string
	clientSecretFile string
	redirectURI      string
	scopes           []string
	endpoint         string
}

func (o *oauthFlags) register(cmd *cobra.Command, withSecret bool) {
	f := cmd.Flags()
	f.StringVar(&o.clientID, "client-id", "", "the OAuth2 application's client id (required)")
	f.StringVar(&o.redirectURI, "redirect-uri", "", "the redirect URI registered for the application (required)")
	f.StringSliceVar(&o.scopes, "scope", []string{"time_data", "highlight_data", "focustime_data"}, "scopes to ask for: "+strings.Join(documentedScopes(), ", "))
	f.StringVar(&o.endpoint, "endpoint", "", "RescueTime base URL (default $RTCTL_ENDPOINT, else "+rtapi.DefaultBaseURL+")")
	if withSecret {
		f.StringVar(&o.clientSecretFile, "client-secret-file", "", "read the client secret from `FILE` (default $RESCUETIME_CLIENT_SECRET)")
	}
	_ = cmd.MarkFlagRequired("client-id")
	_ = cmd.MarkFlagRequired("redirect-uri")
}

func (o *oauthFlags) config(e *env, withSecret bool) (rtapi.OAuthConfig, error) {
	cfg := rtapi.OAuthConfig{ClientID: o.clientID, RedirectURI: o.redirectURI}
	valid := documentedScopes()
	for _, s := range o.scopes {
		s = strings.TrimSpace(s)
		if !slices.Contains(valid, s) {
			// RescueTime would only fail later, on its own page.
			return cfg, fmt.Errorf("invalid --scope %q: want one or more of %s", s, strings.Join(valid, ", "))
		}
		cfg.Scopes = append(cfg.Scopes, rtapi.Scope(s))
	}
	if len(cfg.Scopes) == 0 {
		return cfg, fmt.Errorf("--scope needs at least one of %s", strings.Join(valid, ", "))
	}
	if withSecret {
		secret := e.getenv("RESCUETIME_CLIENT_SECRET")
		if o.clientSecretFile != "" {
			var err error
			if secret, err = readSecretFile("--client-secret-file", o.clientSecretFile); err != nil {
				return cfg, err
			}
		}
		if secret == "" {
			return cfg, errors.New("the client secret is needed: pass --client-secret-file FILE or export RESCUETIME_CLIENT_SECRET")
		}
		cfg.ClientSecret = rtapi.Secret(secret)
	}
	return cfg, nil
}

// documentedScopes are the OAuth2 scopes the API documents, in its order.
func documentedScopes() []string {
	return []string{
		string(rtapi.ScopeTimeData), string(rtapi.ScopeCategoryData), string(rtapi.ScopeProductivityData),
		string(rtapi.ScopeAlertData), string(rtapi.ScopeHighlightData), string(rtapi.ScopeFocusTimeData),
	}
}

func (o *oauthFlags) client(e *env) (*rtapi.Client, error) {
	base := o.endpoint
	if base == "" {
		base = e.getenv("RTCTL_ENDPOINT")
	}
	c, err := rtapi.New(rtapi.Options{BaseURL: base, HTTPClient: e.httpClient, Now: e.now, UserAgent: "rtctl/" + buildVersion()})
	if err != nil {
		return nil, fmt.Errorf("connecting to RescueTime: %w", err)
	}
	return c, nil
}

func newAuthCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Args:  cobra.ArbitraryArgs,
		RunE:  groupRunE,
		Short: "Connect rtctl to an account through an OAuth2 application",
		Long: `An API key is the simple way to use rtctl with your own account. A service
that acts for other people connects through an OAuth2 application instead:

  rtctl auth url --client-id ID --redirect-uri URI      # the page to send them to
  rtctl auth token --client-id ID --redirect-uri URI \
      --code-file code.txt --token-file token.txt       # trade the code for a token

then run any command with --access-token-file token.txt. The token is written
to the file with owner-only permissions and never printed.`,
	}
	cmd.AddCommand(newAuthURLCmd(e), newAuthTokenCmd(e))
	return cmd
}

func newAuthURLCmd(e *env) *cobra.Command {
	var (
		o     oauthFlags
		state string
	)
	cmd := &cobra.Command{
		Use:   "url",
		Short: "Print the authorization page to open",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := o.config(e, false)
			if err != nil {
				return err
			}
			c, err := o.client(e)
			if err != nil {
				return err
			}
			if state == "" {
				b := make([]byte, 12)
				if _, err := rand.Read(b); err != nil {
					return fmt.Errorf("making a state value: %w", err)
				}
				state = hex.EncodeToString(b)
			}
			u, err := c.AuthorizeURL(cfg, state)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, u)
			fmt.Fprintf(e.stderr, "Open it, grant access, and RescueTime redirects to %s with a code (valid 10 minutes) and state=%s.\nThen run rtctl auth token with that code.\n", o.redirectURI, state)
			return nil
		},
	}
	o.register(cmd, false)
	cmd.Flags().StringVar(&state, "state", "", "a value to find again in the redirect (default: random)")
	return cmd
}

func newAuthTokenCmd(e *env) *cobra.Command {
	var (
		o         oauthFlags
		codeFile  string
		tokenFile string
	)
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Trade an authorization code for an access token, saved to a file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := o.config(e, true)
			if err != nil {
				return err
			}
			code, err := readCode(e, codeFile)
			if err != nil {
				return err
			}
			c, err := o.client(e)
			if err != nil {
				return err
			}
			tok, err := c.ExchangeCode(cmd.Context(), cfg, rtapi.Secret(code))
			if err != nil {
				return err
			}
			if err := writeSecretFile(tokenFile, string(tok.AccessToken)); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Saved the access token (scopes: %s) to %s.\nUse it with --access-token-file %s.\n", tok.Scope, tokenFile, tokenFile)
			return nil
		},
	}
	o.register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&codeFile, "code-file", "-", "read the authorization code from `FILE` (- for standard input)")
	f.StringVar(&tokenFile, "token-file", "", "write the access token to `FILE` (required)")
	_ = cmd.MarkFlagRequired("token-file")
	return cmd
}

// readCode reads the one-line authorization code from a file or standard
// input, never from the command line where other users could see it.
func readCode(e *env, path string) (string, error) {
	if path != "-" {
		return readSecretFile("--code-file", path)
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if code := strings.TrimSpace(line); code != "" {
		return code, nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the authorization code from standard input: %w", err)
	}
	return "", errors.New("no authorization code on standard input")
}

// writeSecretFile writes a secret to path, owner-only and atomically, so a
// reader never sees half a token.
func writeSecretFile(path, secret string) error {
	return atomicfile.Write(path, []byte(secret+"\n"))
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
