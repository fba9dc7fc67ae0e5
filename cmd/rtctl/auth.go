package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/authorize"
	"github.com/rtctl/rtctl/pkg/workspace"
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
	f.StringSliceVar(&o.scopes, "scope", []string{"time_data", "highlight_data", "focustime_data"}, "scopes to ask for: "+strings.Join(authorize.Scopes(), ", "))
	f.StringVar(&o.endpoint, "endpoint", "", "RescueTime base URL (default $RTCTL_ENDPOINT, else "+workspace.DefaultBaseURL+")")
	if withSecret {
		f.StringVar(&o.clientSecretFile, "client-secret-file", "", "read the client secret from `FILE` (default $RESCUETIME_CLIENT_SECRET)")
	}
	_ = cmd.MarkFlagRequired("client-id")
	_ = cmd.MarkFlagRequired("redirect-uri")
}

// options checks the flags and turns them into the flow's options; the
// client secret only for redeeming a code.
func (o *oauthFlags) options(e *env, withSecret bool) (authorize.Options, error) {
	opts := authorize.Options{
		ClientID: o.clientID, RedirectURI: o.redirectURI,
		Endpoint: o.endpoint, StateDir: stateDir(e),
		HTTPClient: e.httpClient, Clock: e.now, UserAgent: "rtctl/" + buildVersion(),
	}
	if opts.Endpoint == "" {
		opts.Endpoint = e.getenv("RTCTL_ENDPOINT")
	}
	valid := authorize.Scopes()
	for _, s := range o.scopes {
		s = strings.TrimSpace(s)
		if !slices.Contains(valid, s) {
			// RescueTime would only fail later, on its own page.
			return opts, fmt.Errorf("invalid --scope %q: want one or more of %s", s, strings.Join(valid, ", "))
		}
		opts.Scopes = append(opts.Scopes, s)
	}
	if len(opts.Scopes) == 0 {
		return opts, fmt.Errorf("--scope needs at least one of %s", strings.Join(valid, ", "))
	}
	if withSecret {
		secret := e.getenv("RESCUETIME_CLIENT_SECRET")
		if o.clientSecretFile != "" {
			var err error
			if secret, err = readSecretFile(e, "--client-secret-file", o.clientSecretFile); err != nil {
				return opts, err
			}
		}
		if secret == "" {
			return opts, errors.New("the client secret is needed: pass --client-secret-file FILE or export RESCUETIME_CLIENT_SECRET")
		}
		opts.ClientSecret = secret
	}
	return opts, nil
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
      --code-file redirect.txt --token-file token.txt   # trade the code for a token

where redirect.txt holds the whole address RescueTime redirected the browser
to. auth url keeps a random state and a PKCE verifier in the state directory;
auth token redeems the code only when the address carries that state, with
that verifier, and only after checking that it can save the token. Then run
any command with --access-token-file token.txt. The token is written to the
file with owner-only permissions and never printed.`,
	}
	cmd.AddCommand(newAuthURLCmd(e), newAuthTokenCmd(e))
	return cmd
}

// readSecretFile reads a one-line secret from path, warning on stderr when
// others can read it. Errors name the flag and the path, never the content.
func readSecretFile(e *env, flag, path string) (string, error) {
	s, warning, err := workspace.ReadSecretFile(flag, path)
	if warning != "" {
		e.out().Warning(warning)
	}
	return s, err
}
