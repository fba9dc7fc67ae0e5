package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/rtapi"
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
			cfg, err := o.config(e, true)
			if err != nil {
				return err
			}
			if err := checkTokenTarget(tokenFile); err != nil {
				return err
			}
			pending, err := pendingAuthPath(e, cfg)
			if err != nil {
				return err
			}
			p, err := loadPendingAuth(pending, cfg)
			if err != nil {
				return err
			}
			redirect, err := readCode(e, codeFile)
			if err != nil {
				return err
			}
			code, err := rtapi.CodeFromRedirect(redirect, p.State)
			if err != nil {
				return fmt.Errorf("%w (the code was not redeemed)", err)
			}
			c, err := o.client(e)
			if err != nil {
				return err
			}
			tok, err := c.ExchangeCode(cmd.Context(), cfg, code, rtapi.Secret(p.Verifier))
			// Redeemed or refused, the code is spent: the verifier is of no
			// more use.
			if rerr := removePendingAuth(pending); err == nil {
				err = rerr
			}
			if err != nil {
				return err
			}
			if err := writeSecretFile(tokenFile, string(tok.AccessToken)); err != nil {
				return err
			}
			views.NewAuth(e.view).TokenSaved(tok.Scope, tokenFile)
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

// writeSecretFile writes a secret to path, owner-only and atomically, so a
// reader never sees half a token.
func writeSecretFile(path, secret string) error {
	return atomicfile.Write(path, []byte(secret+"\n"))
}
