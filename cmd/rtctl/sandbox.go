package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"

	"github.com/rtctl/rtctl/pkg/workspace"
)

func newSandboxCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Args:  cobra.ArbitraryArgs,
		RunE:  groupRunE,
		Short: "Manage the built-in sandbox account",
		Long: `The sandbox is an emulated RescueTime Premium account that any command
reaches with --sandbox. Its state lives in .rtctl/sandbox.json beside the
configuration, with a journal of its own, so trying rtctl there never touches
the journal of your real account.`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "reset [DIR]",
		Short: "Forget everything posted to the sandbox in DIR",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := dirArg(args)
			removed, err := workspace.ResetSandbox(cmd.Context(), dir, 10*time.Second)
			if err != nil {
				return err
			}
			views.NewSetup(e.out()).SandboxReset(dir, removed)
			return nil
		},
	})
	return cmd
}
