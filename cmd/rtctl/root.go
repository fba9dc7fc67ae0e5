package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/logging"
	"github.com/rtctl/rtctl/internal/termsafe"
)

// run executes rtctl with args and returns the process exit code. It never
// panics on bad input and never prints a Go stack trace.
//
// The first interrupt (Ctrl-C) or SIGTERM cancels the command's context, so
// apply stops starting POSTs and records those in flight; a second one kills
// the process as usual.
func run(args []string, e *env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	// Everything printed passes a redactor that learns the credentials as
	// they are read: the last line of defence behind every view's care.
	own := *e
	e = &own
	e.secrets = &logging.Redactor{}
	stdout, stderr := e.secrets.Writer(e.stdout), e.secrets.Writer(e.stderr)
	e.stdout, e.stderr = stdout, stderr
	isTerminal := e.isTerminal
	e.isTerminal = func(w any) bool {
		if rw, ok := w.(*logging.RedactingWriter); ok {
			w = rw.Underlying()
		}
		return isTerminal(w)
	}
	defer func() {
		for _, c := range e.closers {
			_ = c()
		}
		_ = stdout.Flush()
		_ = stderr.Flush()
	}()
	root := newRootCmd(e)
	root.SetArgs(terraformSpellings(root, args))
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(e.stderr, "Error: %s\n", termsafe.EscapeLines(ee.err.Error()))
		}
		return ee.code
	}
	// An error may name a file of the directory or quote a server.
	fmt.Fprintf(e.stderr, "Error: %s\n", termsafe.EscapeLines(errorMessage(err).Error()))
	return 1
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "rtctl",
		Short: "Manage a RescueTime account as code",
		Long: `rtctl manages a RescueTime account as code.

Declare the offline time, daily highlights and FocusTime schedules you want in
*.rt.hcl files, review them in git, and let rtctl make the account match:

  rtctl plan     show what would be posted, and why
  rtctl apply    post it, at most once per item

Every command can run against a built-in sandbox account (--sandbox) or a
local emulator of the RescueTime API, so you can try rtctl without an account.
The API key is read from RESCUETIME_API_KEY and never printed.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion(),
	}
	root.SetVersionTemplate("rtctl {{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	var chdir, dir string
	pf := root.PersistentFlags()
	pf.StringVar(&chdir, "chdir", "", "switch to `DIR` before doing anything else, as terraform -chdir does")
	// --dir is how read commands used to name a sandbox's directory: it is
	// accepted everywhere, as -chdir, with a word on the usual spellings.
	pf.StringVar(&dir, "dir", "", "the same as -chdir")
	_ = pf.MarkHidden("dir")
	pf.BoolP("verbose", "v", false, "say more: list in-sync items in plans, and what happens on the network (retries)")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		e.verbose, _ = cmd.Flags().GetBool("verbose")
		if dir != "" {
			if chdir != "" {
				return errors.New("give -chdir or --dir, not both")
			}
			fmt.Fprintf(e.stderr, "Note: --dir %s is spelled -chdir=%s (before the command), or given as the argument of plan, apply, validate and journal.\n", dir, dir)
			chdir = dir
		}
		if chdir == "" {
			return nil
		}
		if err := os.Chdir(chdir); err != nil {
			return fmt.Errorf("-chdir=%s: %w", chdir, unwrapPath(err))
		}
		return nil
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.AddCommand(
		newVersionCmd(e),
		newEmulatorCmd(e),
		newValidateCmd(e),
		newFmtCmd(e),
		newInitCmd(e),
		newPlanCmd(e),
		newShowCmd(e),
		newApplyCmd(e),
		newJournalCmd(e),
		newForgetCmd(e),
		newForceUnlockCmd(e),
		newImportCmd(e),
		newConsoleCmd(e),
		newSandboxCmd(e),
		newAuthCmd(e),
		newDataCmd(e),
		newSummaryCmd(e),
		newAlertsCmd(e),
		newHighlightsCmd(e),
		newFocusCmd(e),
		newGenDocsCmd(e),
	)
	return root
}

// groupRunE makes a command that only groups subcommands refuse an unknown
// one, as the root does, instead of printing help and exiting 0 on a typo.
func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unknown command %q for %q; see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath())
	}
	return cmd.Help()
}
