package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// maxConsoleInput bounds one expression typed or piped into the console,
// its continuation lines included.
const maxConsoleInput = 1 << 20

func newConsoleCmd(e *env) *cobra.Command {
	var cf configFlags
	cmd := &cobra.Command{
		Use:   "console [DIR]",
		Short: "Evaluate expressions in the configuration's scope",
		Long: `Console loads the configuration in DIR (default: the current directory), with
its variables and data sources, and evaluates each expression it reads, one a
line, as terraform console does: today(), var.NAME, local.NAME,
data.ical.work.events, data.git_log.repo.days, and every function. An
expression whose brackets are still open continues on the next line.

On a terminal it prompts and goes on after an error; piped in, it prints one
value a line and exits 1 if any expression failed. It reads the calendars
and repositories the configuration reads, never the account. Sensitive
values (env(), variables declared sensitive, a calendar's address) are shown
as (sensitive value), and credentials never. "exit" or end of input ends it.`,
		Example: `  rtctl console
  echo 'today()' | rtctl console
  echo '[for e in data.ical.work.events : e.summary]' | rtctl console --now 2026-11-20T18:00:00Z`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWorkspace(e, dirArg(args), &cf, nil)
			if err != nil {
				return err
			}
			con, err := ws.Console(cmd.Context())
			if err != nil {
				return err
			}
			return runConsole(cmd.Context(), e, con, diagColor(e, cf.noColor, e.stderr))
		},
	}
	f := cmd.Flags()
	f.BoolVar(&cf.noColor, "no-color", false, "never colour the output (NO_COLOR and a non-terminal output also turn it off)")
	f.StringVar(&cf.now, "now", "", "evaluate as if it were this instant, for today() and data source windows (RFC 3339; default RTCTL_NOW, else the current time)")
	addVarFlags(cmd, &cf.vars, &cf.varFiles)
	addLimitFlag(cmd, &cf.limits)
	addCredentialFileFlags(cmd, &cf)
	return cmd
}

// console evaluates expressions in the configuration's scope
// (workspace.Console's): each value as the console shows it, or the
// diagnostics, which name the files of Files.
type console interface {
	Evaluate(src string) (string, hcl.Diagnostics)
	Files() map[string]*hcl.File
}

// runConsole reads expressions until the end of input, "exit" or ctx
// ends, and writes each value or its diagnostics.
func runConsole(ctx context.Context, e *env, con console, color bool) error {
	interactive := e.isTerminal(e.stdin)
	view := views.NewConsole(e.out())
	lines := make(chan string)
	scanErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(e.stdin)
		sc.Buffer(make([]byte, 0, 4096), maxConsoleInput)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		scanErr <- sc.Err()
		close(lines)
	}()
	failed := 0
	var expr strings.Builder
	for {
		if interactive {
			view.Prompt(expr.Len() > 0)
		}
		var line string
		var ok bool
		select {
		case line, ok = <-lines:
		case <-ctx.Done():
			view.EndLine()
			return nil
		}
		if !ok {
			if err := <-scanErr; errors.Is(err, bufio.ErrTooLong) {
				return fmt.Errorf("an input line is longer than %d bytes, the most the console reads", maxConsoleInput)
			} else if err != nil {
				return fmt.Errorf("reading expressions: %w", err)
			}
			if interactive {
				view.EndLine()
			}
			break
		}
		if expr.Len() == 0 && strings.TrimSpace(line) == "exit" {
			break
		}
		expr.WriteString(line)
		expr.WriteByte('\n')
		if expr.Len() > maxConsoleInput {
			return fmt.Errorf("an expression is longer than %d bytes, the most the console reads", maxConsoleInput)
		}
		open, empty := workspace.ConsoleInput(expr.String())
		if open {
			continue
		}
		src := strings.TrimSpace(expr.String())
		expr.Reset()
		if empty {
			continue
		}
		value, diags := con.Evaluate(src)
		if err := hcldiag.Render(e.stderr, con.Files(), diags, color); err != nil {
			return err
		}
		if diags.HasErrors() {
			failed++
			continue
		}
		view.Value(value)
	}
	// A bracket left open at the end of input is an expression too, and
	// its error says what is missing.
	if src := strings.TrimSpace(expr.String()); src != "" {
		if _, diags := con.Evaluate(src); diags.HasErrors() {
			failed++
			if err := hcldiag.Render(e.stderr, con.Files(), diags, color); err != nil {
				return err
			}
		}
	}
	if failed > 0 && !interactive {
		return &exitError{code: 1}
	}
	return nil
}
