package main

import (
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// fmtExitUnformatted is fmt --check's exit code when a file needs
// formatting, as terraform fmt -check uses.
const fmtExitUnformatted = 3

func newFmtCmd(e *env) *cobra.Command {
	var check, showDiff, noColor bool
	cmd := &cobra.Command{
		Use:   "fmt [PATH...]",
		Short: "Rewrite configuration files in the canonical format",
		Long: `Fmt rewrites configuration files in the canonical layout, as terraform fmt
does. A directory (default: the current one) means its *.rt.hcl and
*.rtvars.hcl files; "-" formats standard input to standard output. Files of
other kinds are refused, and then nothing is changed.

It lists the files it changed. With --check it changes nothing, lists the files
that need formatting and exits 3 if there are any. --diff shows the changes.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			f := &formatter{e: e, view: views.NewFmt(e.out()), check: check, diff: showDiff, noColor: noColor}
			// Every path is checked before any is formatted, so a mistyped
			// glob (rtctl fmt *) changes nothing rather than some files.
			for _, a := range args {
				if err := workspace.CheckFormatPath(a); err != nil {
					f.fail(err)
				}
			}
			if f.failed {
				return &exitError{code: 1}
			}
			for _, a := range args {
				f.path(a)
			}
			switch {
			case f.failed:
				return &exitError{code: 1}
			case check && f.unformatted:
				return &exitError{code: fmtExitUnformatted}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "change nothing; exit 3 if any file needs formatting")
	cmd.Flags().BoolVar(&showDiff, "diff", false, "print a unified diff of the changes")
	cmd.Flags().BoolVar(&noColor, "no-color", false, "never colour the output")
	return cmd
}

// formatter formats the paths of one fmt run and remembers how it went.
type formatter struct {
	e                   *env
	view                views.Fmt
	check, diff         bool
	noColor             bool
	failed, unformatted bool
}

func (f *formatter) fail(err error) {
	f.view.Failed(err)
	f.failed = true
}

func (f *formatter) path(p string) {
	if p == "-" {
		src, err := io.ReadAll(f.e.stdin)
		if err != nil {
			f.fail(fmt.Errorf("reading standard input: %w", err))
			return
		}
		f.file(workspace.FormatSource("<stdin>", src), true)
		return
	}
	err := workspace.FormatPath(p, func(ff workspace.FormattedFile) {
		if ff.Err != nil {
			f.fail(ff.Err)
			return
		}
		f.file(ff, false)
	})
	if err != nil {
		f.fail(err)
	}
}

func (f *formatter) file(ff workspace.FormattedFile, stdin bool) {
	if ff.Diags.HasErrors() {
		files := map[string]*hcl.File{ff.Name: {Bytes: ff.Src}}
		(&reporter{e: f.e, noColor: f.noColor}).Diagnostics(files, ff.Diags)
		f.failed = true
		return
	}
	changed := ff.Changed()
	if changed {
		f.unformatted = true
	}
	if stdin {
		if (f.diff && changed) || (!f.check && !f.diff) {
			// A reader that went away is its own choice, as before.
			_ = f.view.Stdin(ff.Name, ff.Src, ff.Out, f.diff)
		}
		return
	}
	if !changed {
		return
	}
	f.view.Changed(ff.Name, ff.Src, ff.Out, f.diff)
	if f.check {
		return
	}
	if err := workspace.WriteFormatted(ff); err != nil {
		f.fail(err)
	}
}
