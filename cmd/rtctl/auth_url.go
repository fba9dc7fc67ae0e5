package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/authorize"
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
			opts, err := o.options(e, false)
			if err != nil {
				return err
			}
			url, err := authorize.Start(opts)
			if err != nil {
				return err
			}
			views.NewAuth(e.out()).AuthorizeURL(url, opts.RedirectURI)
			return nil
		},
	}
	o.register(cmd, false)
	return cmd
}
