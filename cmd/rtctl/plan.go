package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func newPlanCmd(e *env) *cobra.Command {
	var (
		cf                         configFlags
		acct                       accountFlags
		out, format                string
		jsonOut, detailed, verbose bool
		targets, replace           []string
	)
	cmd := &cobra.Command{
		Use:   "plan [DIR]",
		Short: "Show what apply would post to the account, and why",
		Long: `Plan loads the configuration in DIR (default: the current directory), reads
the account's feeds once, and shows what apply would do with every declared
item: create it, or leave it because it is already there (in sync), not due
yet (deferred), older than the lookback (out of window), in conflict with what
the account holds, or uncertain after an interrupted apply. Items that rtctl
created and that are no longer declared are listed as orphaned: the API cannot
delete them.

Plan never writes to the account. With --out it saves the plan, which
"rtctl apply FILE" executes after checking that it is not stale.

` + exitCodesHelp,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := planFormat(format, jsonOut)
			if err != nil {
				return err
			}
			r, ws, err := func() (*workspace.PlanResult, *workspace.Workspace, error) {
				if err := workspace.CheckPlanOut(out); err != nil {
					return nil, nil, err
				}
				ws, err := openWorkspace(e, dirArg(args), &cf, &acct)
				if err != nil {
					return nil, nil, err
				}
				r, err := ws.Plan(cmd.Context(), workspace.PlanOptions{Targets: targets, Replace: replace})
				return r, ws, err
			}()
			if err != nil {
				erroredPlan(e, views.NewPlan(f, views.PlanOptions{}, e.out()), err)
				return err
			}
			view := views.NewPlan(f, views.PlanOptions{Color: diagColor(e, cf.noColor, e.stdout), Verbose: verbose, Rate: ws.Rate(nil), Width: e.width(e.stdout)}, e.out())
			if err := view.Plan(r.Plan); err != nil {
				return err
			}
			if out != "" {
				if err := ws.SavePlan(out, r); err != nil {
					return err
				}
				view.Saved(out, ws.Sandbox(), slices.Sorted(maps.Keys(r.Config.SecretVars)))
			}
			switch {
			case !detailed:
			case r.NeedsAttention():
				return &exitError{code: exitAttention}
			case r.Plan.HasChanges():
				return &exitError{code: exitChanges}
			}
			return nil
		},
	}
	cf.register(cmd)
	cf.registerNow(cmd)
	acct.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "save the plan to FILE for rtctl apply FILE")
	fl.BoolVar(&jsonOut, "json", false, "print the plan as a versioned JSON document (same as --format json)")
	fl.StringVar(&format, "format", "", "output format: text (default), json, or markdown (for a pull-request comment)")
	fl.BoolVar(&detailed, "detailed-exitcode", false, "exit 2 when apply would post something now, 3 when an item needs a person, 0 when neither, 1 on error")
	fl.BoolVarP(&verbose, "verbose", "v", false, "list in-sync and out-of-window items too, not only their counts")
	fl.StringArrayVar(&replace, "replace", nil, "post the changed version of the items this `ADDRESS` selects instead of holding it (the old one stays in the account); repeatable")
	fl.StringArrayVar(&targets, "target", nil, "plan only the items this `ADDRESS` selects (highlight.ship, offline_time.meetings, highlight.*); repeatable")
	return cmd
}

// planFormat settles --format and its older spelling --json.
func planFormat(format string, jsonOut bool) (views.PlanFormat, error) {
	switch {
	case jsonOut && format != "" && format != "json":
		return "", fmt.Errorf("--json and --format %s ask for different outputs; use one", format)
	case jsonOut:
		return views.PlanJSON, nil
	case format == "":
		return views.PlanText, nil
	case format == "text", format == "json", format == "markdown":
		return views.PlanFormat(format), nil
	}
	return "", fmt.Errorf("--format must be text, json or markdown, not %q", format)
}

// erroredPlan answers a plan that failed in view: plan --json with a JSON
// document on standard output, as Terraform's -json does, so that a program
// reading it always gets JSON; the text on standard error stays for people.
func erroredPlan(e *env, view views.Plan, err error) {
	var diags hcl.Diagnostics
	msg := errorMessage(err).Error()
	var ce *workspace.ConfigError
	if errors.As(err, &ce) {
		diags = ce.Diagnostics
		msg = "the configuration in " + ce.Dir + " has errors"
	}
	view.Errored(msg, diags)
}
