package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/logging"
	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// run executes rtctl with args and returns the process exit code. It never
// panics on bad input and never prints a Go stack trace.
//
// The first interrupt (Ctrl-C) or SIGTERM cancels the command's context, so
// apply stops starting POSTs and records those in flight; a second one ends
// the process at once, with 128 plus the signal's number as a shell reports
// a process that signal ended (exitAbandoned, exitAbandonedTerm), after a
// summary that names the POSTs it abandons.
func run(args []string, e *env) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	// Everything printed passes a redactor that learns the credentials as
	// they are read: the last line of defence behind every view's care.
	own := *e
	e = &own
	e.secrets = &logging.Redactor{}
	stdout, stderr := e.secrets.Writer(e.stdout), e.secrets.Writer(e.stderr)
	e.stdout, e.stderr = stdout, stderr
	e.view = views.NewView(stdout, stderr)
	isTerminal := e.isTerminal
	e.isTerminal = func(w any) bool {
		if rw, ok := w.(*logging.RedactingWriter); ok {
			w = rw.Underlying()
		}
		return isTerminal(w)
	}
	if ansi := e.ansi; ansi != nil {
		e.ansi = func(w any) bool {
			if rw, ok := w.(*logging.RedactingWriter); ok {
				w = rw.Underlying()
			}
			return ansi(w)
		}
	}
	if termWidth := e.termWidth; termWidth != nil {
		e.termWidth = func(w any) int {
			if rw, ok := w.(*logging.RedactingWriter); ok {
				w = rw.Underlying()
			}
			return termWidth(w)
		}
	}
	defer func() {
		for _, c := range e.closers {
			_ = c()
		}
		_ = stdout.Flush()
		_ = stderr.Flush()
	}()
	e.inFlight = &views.InFlight{}
	abandon := func(sig os.Signal) {
		e.inFlight.FlushView()
		_ = stdout.Flush()
		code := abandonedCode(sig)
		e.out().Abandoned(e.inFlight.AbandonLine(sig == syscall.SIGTERM, code))
		_ = stderr.Flush()
		os.Exit(code)
	}
	// Signals that come before this are waiting in sigs.
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case sig := <-sigs:
			abandon(sig)
		case <-done:
		}
	}()
	root := newRootCmd(e)
	root.SetArgs(terraformSpellings(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	err = unknownCommandError(subcommandTypo(cmd, err))
	if cmd != nil {
		err = usageError(cmd, cmd.Flags().Args(), err)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			e.out().Error(ee.err)
		}
		return ee.code
	}
	e.out().Error(errorMessage(err))
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
			e.out().DirSpelling(dir)
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
		newDoctorCmd(e),
	)
	root.AddCommand(terraformCommandStubs(root)...)
	// Cobra sets the distance of "did you mean" on the root only, when it
	// first looks; the groups (journal, auth, sandbox) suggest too.
	var suggest func(c *cobra.Command)
	suggest = func(c *cobra.Command) {
		c.SuggestionsMinimumDistance = 2
		for _, sub := range c.Commands() {
			suggest(sub)
		}
	}
	suggest(root)
	registerCompletions(root)
	return root
}

// subcommandTypo turns "no configuration directory verfy" into the
// unknown subcommand it most likely was, for commands such as journal that
// take both a directory and subcommands.
func subcommandTypo(cmd *cobra.Command, err error) error {
	var nd *workspace.NoConfigDirError
	if cmd == nil || !cmd.HasAvailableSubCommands() || !errors.As(err, &nd) || cmd.Flags().NArg() != 1 {
		return err
	}
	typed := cmd.Flags().Arg(0)
	if strings.ContainsAny(typed, `/\.`) {
		return err
	}
	if s := cmd.SuggestionsFor(typed); len(s) > 0 {
		return fmt.Errorf("unknown command %q for %q; did you mean %s? (a directory is given as ./%s)", typed, cmd.CommandPath(), s[0], typed)
	}
	return err
}

// groupRunE makes a command that only groups subcommands refuse an unknown
// one, as the root does, instead of printing help and exiting 0 on a typo.
func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			return fmt.Errorf("unknown command %q for %q; did you mean %s?", args[0], cmd.CommandPath(), s[0])
		}
		return fmt.Errorf("unknown command %q for %q; see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath())
	}
	return cmd.Help()
}
