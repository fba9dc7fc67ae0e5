package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/authorize"
)

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
		Long: `Trade the authorization code for an access token, saved to --token-file.
Give it the whole address RescueTime redirected the browser to: the code is
redeemed only when the address's state is the one rtctl auth url made, and
with that request's PKCE verifier. The token file is checked first, so a path
rtctl cannot save to never costs the single-use code.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := o.options(e, true)
			if err != nil {
				return err
			}
			if err := authorize.CheckTokenFile(tokenFile); err != nil {
				return fmt.Errorf("--token-file: %w (the code was not redeemed: choose another file and run `auth token` again while the code is valid)", err)
			}
			pending, err := authorize.Resume(opts)
			if err != nil {
				return err
			}
			redirect, err := readCode(e, codeFile)
			if err != nil {
				return err
			}
			scope, err := pending.Redeem(cmd.Context(), opts, redirect, tokenFile)
			if err != nil {
				return err
			}
			views.NewAuth(e.out()).TokenSaved(scope, tokenFile)
			return nil
		},
	}
	o.register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&codeFile, "code-file", "-", "read the address RescueTime redirected to, with its code and state, from `FILE` (- for standard input)")
	f.StringVar(&tokenFile, "token-file", "", "write the access token to `FILE` (required)")
	_ = cmd.MarkFlagRequired("token-file")
	return cmd
}

// readCode reads the one-line redirect address, which holds the
// authorization code, from a file or standard input, never from the command
// line where other users could see it.
func readCode(e *env, path string) (string, error) {
	if path != "-" {
		return readSecretFile(e, "--code-file", path)
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if code := strings.TrimSpace(line); code != "" {
		return code, nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the redirect address from standard input: %w", err)
	}
	return "", errors.New("no redirect address on standard input")
}
