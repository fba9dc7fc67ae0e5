package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newInitCmd(e *env) *cobra.Command {
	var timezone string
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a starter configuration",
		Long: `Init writes a small commented main.rt.hcl into DIR (default: the current
directory, created if missing) that validates as it is. It never overwrites:
when DIR already holds *.rt.hcl files it says so, writes nothing and exits 0,
so that it can be a step of every CI run.

The time zone is --timezone, else $TZ when it names an IANA zone, else UTC.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			tz, err := initTimezone(e, timezone)
			if err != nil {
				return err
			}
			res, err := workspace.Init(dir, tz)
			if err != nil {
				return err
			}
			if res.Existing != "" {
				// Success, as terraform init is in a directory it set up
				// before: a CI step runs it every time.
				views.NewSetup(e.out()).ConfigExists(dir, res.Existing)
				return nil
			}
			views.NewSetup(e.out()).StarterWritten(res.Path, tz, dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&timezone, "timezone", "", "the account's IANA time zone, such as Europe/Berlin")
	return cmd
}

func initTimezone(e *env, flag string) (string, error) {
	if flag != "" {
		if err := workspace.CheckTimezone(flag); err != nil {
			return "", fmt.Errorf("--timezone: %w", err)
		}
		return flag, nil
	}
	if tz := e.getenv("TZ"); tz != "" {
		if err := workspace.CheckTimezone(tz); err == nil {
			return tz, nil
		}
	}
	return "UTC", nil
}
