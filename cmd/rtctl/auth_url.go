package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/spf13/cobra"
)

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
