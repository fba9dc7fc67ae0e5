package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newImportCmd(e *env) *cobra.Command {
	var (
		cf         configFlags
		acct       accountFlags
		since, out string
	)
	cmd := &cobra.Command{
		Use:   "import highlights [DIR]",
		Short: "Declare what the account already holds, so that rtctl manages it without posting it again",
		Long: `Import reads the highlights the account already holds, dated since --since,
and writes highlight blocks that declare them exactly (through hclwrite, as
rtctl fmt would format them): add them to the configuration in DIR and the
next plan shows them in sync, posting nothing. Highlights the configuration
declares already are left out. The output goes to standard output, or to the
new file --out names.

Only highlights: FocusTime sessions are events, while a configuration
declares schedules; offline time comes back from the reports in five-minute
buckets, which do not say where a block began.`,
		Example: `  rtctl import highlights --since 2026-11-01 --out imported.rt.hcl
  rtctl plan    # the imported highlights are in sync`,
		Args:      cobra.RangeArgs(1, 2),
		ValidArgs: []string{"highlights"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.Contains(args[0], ".") {
				// Terraform's "import ADDRESS ID": a highlight has no ID
				// to import by, so rtctl imports every one since a date.
				return fmt.Errorf("rtctl import takes a kind, not an address and an ID: rtctl import highlights --since DATE [DIR] writes a block for every highlight the account holds since DATE (%s is not a kind)", args[0])
			}
			if args[0] != "highlights" {
				return fmt.Errorf("rtctl imports highlights only, not %q: FocusTime sessions are events and offline time comes back in five-minute buckets", args[0])
			}
			if since == "" {
				// Not MarkFlagRequired: cobra's "required flag(s) not set"
				// came before the argument's own message.
				return errors.New("--since DATE is required: import highlights dated on or after DATE, for instance rtctl import highlights --since 2026-11-01")
			}
			if _, err := time.Parse(time.DateOnly, since); err != nil {
				return fmt.Errorf("--since %q: want a date such as 2026-11-01", since)
			}
			if out != "" {
				if err := workspace.CheckImportOut(out); err != nil {
					return err
				}
			}
			ws, err := openWorkspace(e, dirArg(args[1:]), &cf, &acct)
			if err != nil {
				return err
			}
			res, err := ws.ImportHighlights(cmd.Context(), since)
			if err != nil {
				return err
			}
			if len(res.Highlights) == 0 {
				if res.Declared > 0 {
					return errors.New("nothing to import: the configuration declares every highlight the account holds since then")
				}
				return fmt.Errorf("nothing to import: the highlights feed shows no highlight dated since %s", since)
			}
			if out == "" {
				return views.NewSetup(e.out()).Imported(res.Source)
			}
			if err := workspace.WriteImport(out, res); err != nil {
				return err
			}
			views.NewSetup(e.out()).ImportWritten(len(res.Highlights), out, res.Declared)
			return nil
		},
	}
	addVarFlags(cmd, &cf.vars, &cf.varFiles)
	acct.register(cmd)
	acct.registerTimezone(cmd)
	cmd.Flags().StringVar(&since, "since", "", "import highlights dated on or after this `DATE` (YYYY-MM-DD; required)")
	cmd.Flags().StringVar(&out, "out", "", "write to this new `FILE` (for instance imported.rt.hcl beside the configuration) instead of standard output")
	return cmd
}
