package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newShowCmd(e *env) *cobra.Command {
	var (
		format                    string
		jsonOut, verbose, noColor bool
	)
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "Show a saved plan",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return errors.New("rtctl show takes the FILE a plan was saved to (rtctl plan -out=FILE); rtctl plan shows what the account holds against the configuration, and rtctl journal what rtctl posted")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := planFormat(format, jsonOut)
			if err != nil {
				return err
			}
			saved, err := workspace.ReadSavedPlan(args[0])
			if err != nil {
				return err
			}
			view := views.NewPlan(f, views.PlanOptions{Color: f == views.PlanText && diagColor(e, noColor, e.stdout), Verbose: verbose}, e.out())
			view.SavedFrom(saved.ConfigDir, saved.Plan.Now)
			return view.Plan(saved.Plan)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&jsonOut, "json", false, "print the plan as a versioned JSON document (same as --format json)")
	fl.StringVar(&format, "format", "", "output format: text (default), json, or markdown")
	fl.BoolVarP(&verbose, "verbose", "v", false, "list in-sync and out-of-window items too")
	fl.BoolVar(&noColor, "no-color", false, "never colour the output")
	return cmd
}
