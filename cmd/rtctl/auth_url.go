package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
)

func newAuthURLCmd(e *env) *cobra.Command {
	var o oauthFlags
	cmd := &cobra.Command{
		Use:   "url",
		Short: "Print the authorization page to open",
		Long: `Print the authorization page to open. rtctl makes a random state and a PKCE
verifier (S256) for it and keeps them, owner-only, in its state directory
($RTCTL_STATE_DIR) until rtctl auth token redeems the code: a later auth url
for the same application replaces them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := o.config(e, false)
			if err != nil {
				return err
			}
			c, err := o.client(e)
			if err != nil {
				return err
			}
			a, err := c.Authorize(cfg)
			if err != nil {
				return err
			}
			path, err := pendingAuthPath(e, cfg)
			if err != nil {
				return err
			}
			if err := savePendingAuth(path, pendingAuth{ClientID: cfg.ClientID, RedirectURI: cfg.RedirectURI, State: a.State, Verifier: string(a.Verifier)}); err != nil {
				return err
			}
			views.NewAuth(e.view).AuthorizeURL(a.URL, cfg.RedirectURI)
			return nil
		},
	}
	o.register(cmd, false)
	return cmd
}
