package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/dirlist"
	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/spec"
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
			if existing, _ := dirlist.Files(dir, "", spec.ConfigFileSuffix); len(existing) > 0 {
				// Success, as terraform init is in a directory it set up
				// before: a CI step runs it every time.
				views.NewSetup(e.view).ConfigExists(dir, filepath.Base(existing[0]))
				return nil
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("creating %s: %w", dir, err)
			}
			path := filepath.Join(dir, spec.StarterFileName)
			// O_EXCL keeps the no-overwrite promise even against a race.
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s already exists; rtctl init does not overwrite it", path)
			}
			if err != nil {
				return fmt.Errorf("creating %s: %w", path, err)
			}
			if _, err := f.Write(spec.StarterConfig(tz)); err != nil {
				f.Close()
				return fmt.Errorf("writing %s: %w", path, err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("writing %s: %w", path, err)
			}
			views.NewSetup(e.view).StarterWritten(path, tz, dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&timezone, "timezone", "", "the account's IANA time zone, such as Europe/Berlin")
	return cmd
}

func initTimezone(e *env, flag string) (string, error) {
	if flag != "" {
		if _, err := spec.LoadTimezone(flag); err != nil {
			return "", fmt.Errorf("--timezone: %w", err)
		}
		return flag, nil
	}
	if tz := e.getenv("TZ"); tz != "" {
		if _, err := spec.LoadTimezone(tz); err == nil {
			return tz, nil
		}
	}
	return "UTC", nil
}
