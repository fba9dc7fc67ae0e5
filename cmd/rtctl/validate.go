package main

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

func newValidateCmd(e *env) *cobra.Command {
	var (
		cf      configFlags
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check a configuration without contacting RescueTime",
		Long: `Validate loads every *.rt.hcl file in DIR (default: the current directory),
with its variables and data sources, and reports every problem it finds, each
with its file and line (--json adds the columns). It exits 0 when the
configuration is valid and 1 when it is not. Warnings do not make it invalid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWorkspace(e, dirArg(args), &cf, nil)
			if err != nil {
				if jsonOut {
					// A program reading stdout gets the report whatever
					// went wrong, as from terraform validate -json.
					_ = hcldiag.WriteReport(e.stdout, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read the configuration", Detail: errorMessage(err).Error()}})
				}
				return err
			}
			// As plan does: today() and the data sources' windows follow
			// --now or RTCTL_NOW, so validate checks what plan would plan.
			cfg, diags := ws.LoadConfig(cmd.Context(), ws.Now())
			if jsonOut {
				if err := hcldiag.WriteReport(e.stdout, diags); err != nil {
					return fmt.Errorf("writing report: %w", err)
				}
			} else if err := hcldiag.Render(e.stderr, cfg.Files, diags, diagColor(e, cf.noColor, e.stderr)); err != nil {
				return err
			} else {
				hcldiag.LimitHints(e.stderr, diags)
			}
			switch {
			case diags.HasErrors():
				return &exitError{code: 1}
			default:
				views.NewValidate(jsonOut, e.out()).Valid(len(diags) > 0)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&jsonOut, "json", false, "print the result as JSON, in the shape of terraform validate -json")
	f.BoolVar(&cf.noColor, "no-color", false, "never colour the output (NO_COLOR and a non-terminal output also turn it off)")
	f.StringVar(&cf.now, "now", "", "validate as if it were this instant, for today() and data source windows (RFC 3339; default RTCTL_NOW, else the current time)")
	addVarFlags(cmd, &cf.vars, &cf.varFiles)
	addLimitFlag(cmd, &cf.limits)
	addCredentialFileFlags(cmd, &cf)
	return cmd
}
