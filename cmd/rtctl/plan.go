package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/plan"
)

func newPlanCmd(e *env) *cobra.Command {
	var (
		cf               configFlags
		conn             connectionFlags
		out              string
		jsonOut          bool
		detailedExitcode bool
		verbose          bool
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

Exit codes: 0 success, 1 error; with --detailed-exitcode, 2 when apply would
post something now.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := dirArg(args)
			now, err := cf.resolveNow(e)
			if err != nil {
				return err
			}
			cfg, err := cf.load(e, dir, now)
			if err != nil {
				return err
			}
			client, err := conn.client(cmd.Context(), e, dir, cfg.Timezone, now)
			if err != nil {
				return err
			}
			pr, err := plan.Prepare(cmd.Context(), cfg, client, plan.PrepareOptions{
				ConfigDir:   dir,
				JournalPath: cf.journalPath(e, dir, conn.sandbox),
				Now:         now,
			})
			if err != nil {
				return err
			}
			if jsonOut {
				err = pr.Plan.WriteJSON(e.stdout)
			} else {
				err = pr.Plan.WriteText(e.stdout, plan.TextOptions{Color: cf.color(e), Verbose: verbose})
			}
			if err != nil {
				return fmt.Errorf("writing the plan: %w", err)
			}
			if out != "" {
				if err := pr.Plan.WriteFile(out, dir, cfg.Hash, pr.Remote.Fingerprint()); err != nil {
					return err
				}
				if !jsonOut {
					fmt.Fprintf(e.stdout, "\nSaved the plan to %s. To perform exactly these actions, run:\n  rtctl apply %s\n", out, out)
				}
			}
			if detailedExitcode && pr.Plan.HasChanges() {
				return &exitError{code: 2}
			}
			return nil
		},
	}
	cf.register(cmd)
	conn.register(cmd)
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "save the plan to FILE for rtctl apply FILE")
	f.BoolVar(&jsonOut, "json", false, "print the plan as a versioned JSON document")
	f.BoolVar(&detailedExitcode, "detailed-exitcode", false, "exit 2 when apply would post something now, 0 when not, 1 on error")
	f.BoolVarP(&verbose, "verbose", "v", false, "list in-sync and out-of-window items too, not only their counts")
	return cmd
}

func newShowCmd(e *env) *cobra.Command {
	var (
		jsonOut bool
		verbose bool
		noColor bool
	)
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "Show a saved plan",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			saved, err := plan.ReadFile(args[0])
			if err != nil {
				return err
			}
			p, err := saved.Restore()
			if err != nil {
				return err
			}
			if jsonOut {
				return p.WriteJSON(e.stdout)
			}
			fmt.Fprintf(e.stdout, "Saved plan for %s, made for %s.\n\n", saved.ConfigDir, p.Now.Format("2006-01-02 15:04 MST"))
			return p.WriteText(e.stdout, plan.TextOptions{Color: diagColor(e, noColor, e.stdout), Verbose: verbose})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&jsonOut, "json", false, "print the plan as a versioned JSON document")
	f.BoolVarP(&verbose, "verbose", "v", false, "list in-sync and out-of-window items too")
	f.BoolVar(&noColor, "no-color", false, "never colour the output")
	return cmd
}
