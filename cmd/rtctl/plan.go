package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/plan"
)

func newPlanCmd(e *env) *cobra.Command {
	var (
		cf               configFlags
		conn             connectionFlags
		out              string
		jsonOut          bool
		format           string
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
			format, err := planFormat(format, jsonOut)
			if err != nil {
				return err
			}
			if err := checkConfigDir(dir); err != nil {
				return err
			}
			if err := conn.check(); err != nil {
				return err
			}
			if out != "" {
				if err := checkOutFile(out); err != nil {
					return err
				}
			}
			jpath, err := cf.journalPath(e, dir, conn.sandbox)
			if err != nil {
				return err
			}
			now, err := cf.resolveNow(e)
			if err != nil {
				return err
			}
			cfg, err := cf.load(cmd.Context(), e, dir, now)
			if err != nil {
				return err
			}
			client, err := conn.client(cmd.Context(), e, dir, cfg.Timezone, cf.pinned(e))
			if err != nil {
				return err
			}
			pr, err := plan.Prepare(cmd.Context(), cfg, client, plan.PrepareOptions{
				ConfigDir:   dir,
				JournalPath: jpath,
				Now:         now,
			})
			if err != nil {
				return err
			}
			if err := writePlan(e, pr.Plan, format, plan.TextOptions{Color: cf.color(e), Verbose: verbose}); err != nil {
				return err
			}
			if out != "" {
				meta := plan.SavedMeta{ConfigDir: dir, ConfigHash: cfg.Hash, Target: conn.target(e), Snapshot: pr.Remote.Fingerprint()}
				if err := pr.Plan.WriteFile(out, meta); err != nil {
					return err
				}
				if format == "text" {
					again := "rtctl apply " + out
					if conn.sandbox {
						again = "rtctl apply --sandbox " + out
					}
					if len(cf.vars) > 0 || len(cf.varFiles) > 0 {
						again += " (with the same --var and --var-file flags)"
					}
					fmt.Fprintf(e.stdout, "\nSaved the plan to %s. To perform exactly these actions, run:\n  %s\n", out, again)
				}
			}
			if detailedExitcode && pr.Plan.HasChanges() {
				return &exitError{code: 2}
			}
			return nil
		},
	}
	cf.register(cmd)
	cf.registerNow(cmd)
	conn.register(cmd)
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "save the plan to FILE for rtctl apply FILE")
	f.BoolVar(&jsonOut, "json", false, "print the plan as a versioned JSON document (same as --format json)")
	f.StringVar(&format, "format", "", "output format: text (default), json, or markdown (for a pull-request comment)")
	f.BoolVar(&detailedExitcode, "detailed-exitcode", false, "exit 2 when apply would post something now, 0 when not, 1 on error")
	f.BoolVarP(&verbose, "verbose", "v", false, "list in-sync and out-of-window items too, not only their counts")
	return cmd
}

func newShowCmd(e *env) *cobra.Command {
	var (
		jsonOut bool
		format  string
		verbose bool
		noColor bool
	)
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "Show a saved plan",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := planFormat(format, jsonOut)
			if err != nil {
				return err
			}
			saved, err := plan.ReadFile(args[0])
			if err != nil {
				return err
			}
			p, err := saved.Restore()
			if err != nil {
				return err
			}
			if format != "text" {
				return writePlan(e, p, format, plan.TextOptions{})
			}
			fmt.Fprintf(e.stdout, "Saved plan for %s, made for %s.\n\n", saved.ConfigDir, p.Now.Format("2006-01-02 15:04 MST"))
			return p.WriteText(e.stdout, plan.TextOptions{Color: diagColor(e, noColor, e.stdout), Verbose: verbose})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&jsonOut, "json", false, "print the plan as a versioned JSON document (same as --format json)")
	f.StringVar(&format, "format", "", "output format: text (default), json, or markdown")
	f.BoolVarP(&verbose, "verbose", "v", false, "list in-sync and out-of-window items too")
	f.BoolVar(&noColor, "no-color", false, "never colour the output")
	return cmd
}

// planFormat settles --format and its older spelling --json.
func planFormat(format string, jsonOut bool) (string, error) {
	switch {
	case jsonOut && format != "" && format != "json":
		return "", fmt.Errorf("--json and --format %s ask for different outputs; use one", format)
	case jsonOut:
		return "json", nil
	case format == "":
		return "text", nil
	case format == "text", format == "json", format == "markdown":
		return format, nil
	}
	return "", fmt.Errorf("--format must be text, json or markdown, not %q", format)
}

// writePlan prints p in format (as planFormat returns it).
func writePlan(e *env, p *plan.Plan, format string, text plan.TextOptions) error {
	var err error
	switch format {
	case "json":
		err = p.WriteJSON(e.stdout)
	case "markdown":
		err = p.WriteMarkdown(e.stdout, plan.MarkdownOptions{})
	default:
		err = p.WriteText(e.stdout, text)
	}
	if err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	return nil
}

// checkOutFile refuses a --out path that cannot take a file, before the
// plan is made rather than after.
func checkOutFile(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("--out %s is a directory; give a file name", path)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return fmt.Errorf("--out %s: the directory %s does not exist", path, filepath.Dir(path))
	}
	return nil
}
