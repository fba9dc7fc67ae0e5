package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/spec"
)

func newValidateCmd(e *env) *cobra.Command {
	var (
		jsonOut  bool
		noColor  bool
		vars     []string
		varFiles []string
		now      string
	)
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check a configuration without contacting RescueTime",
		Long: `Validate loads every *.rt.hcl file in DIR (default: the current directory),
with its variables and data sources, and reports every problem it finds, each
with its file, line and column. It exits 0 when the configuration is valid and
1 when it is not. Warnings do not make it invalid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			opts, err := specLoadOptions(e, vars, varFiles)
			if err != nil {
				return err
			}
			// As plan does: today() and the data sources' windows
			// follow --now or RTCTL_NOW, so validate checks what plan
			// would plan.
			at := configFlags{now: now}
			if opts.Now, err = at.resolveNow(e); err != nil {
				return err
			}
			cfg, diags := spec.Load(cmd.Context(), dir, opts)
			if jsonOut {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(spec.NewValidateReport(diags)); err != nil {
					return fmt.Errorf("writing report: %w", err)
				}
				if diags.HasErrors() {
					return &exitError{code: 1}
				}
				return nil
			}
			if err := spec.RenderDiagnostics(e.stderr, cfg.Files, diags, diagColor(e, noColor, e.stderr)); err != nil {
				return err
			}
			if diags.HasErrors() {
				return &exitError{code: 1}
			}
			if len(diags) > 0 {
				fmt.Fprintln(e.stdout, "Success! The configuration is valid, but there were some validation warnings as shown above.")
			} else {
				fmt.Fprintln(e.stdout, "Success! The configuration is valid.")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&jsonOut, "json", false, "print the result as JSON, in the shape of terraform validate -json")
	f.BoolVar(&noColor, "no-color", false, "never colour the output (NO_COLOR and a non-terminal output also turn it off)")
	f.StringVar(&now, "now", "", "validate as if it were this instant, for today() and data source windows (RFC 3339; default RTCTL_NOW, else the current time)")
	addVarFlags(cmd, &vars, &varFiles)
	return cmd
}

// addVarFlags adds --var and --var-file, shared by every command that loads
// a configuration.
func addVarFlags(cmd *cobra.Command, vars, varFiles *[]string) {
	cmd.Flags().StringArrayVar(vars, "var", nil, "set an input variable: --var name=value (repeatable)")
	cmd.Flags().StringArrayVar(varFiles, "var-file", nil, "read input variables from an HCL file (repeatable)")
}

// specLoadOptions turns the variable flags and the injected environment into
// options for spec.Load.
func specLoadOptions(e *env, vars, varFiles []string) (spec.LoadOptions, error) {
	opts := spec.LoadOptions{
		Vars:       map[string]string{},
		VarFiles:   varFiles,
		Getenv:     e.getenv,
		Now:        e.now(),
		HTTPClient: e.httpClient,
	}
	for _, v := range vars {
		name, value, err := spec.ParseVarArg(v)
		if err != nil {
			return opts, err
		}
		opts.Vars[name] = value
	}
	return opts, nil
}

// diagColor decides whether diagnostics written to w are coloured: never
// with --no-color or NO_COLOR set, and only on a terminal.
func diagColor(e *env, noColor bool, w io.Writer) bool {
	return !noColor && e.getenv("NO_COLOR") == "" && e.isTerminal(w)
}

// renderDiags writes diagnostics to stderr, coloured as diagColor decides.
func renderDiags(e *env, files map[string]*hcl.File, diags hcl.Diagnostics, noColor bool) error {
	return spec.RenderDiagnostics(e.stderr, files, diags, diagColor(e, noColor, e.stderr))
}
