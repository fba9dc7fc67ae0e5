package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/hclfmt"
	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/pkg/spec"
	"github.com/rtctl/rtctl/pkg/spec/confdir"
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
			f := &formatter{e: e, check: check, diff: showDiff, noColor: noColor}
			// Every path is checked before any is formatted, so a mistyped
			// glob (rtctl fmt *) changes nothing rather than some files.
			for _, a := range args {
				if err := hclfmt.CheckPath(a); err != nil {
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
	check, diff         bool
	noColor             bool
	failed, unformatted bool
}

func (f *formatter) fail(err error) {
	fmt.Fprintf(f.e.stderr, "Error: %s\n", termsafe.EscapeLines(err.Error()))
	f.failed = true
}

func (f *formatter) path(p string) {
	if p == "-" {
		src, err := io.ReadAll(f.e.stdin)
		if err != nil {
			f.fail(fmt.Errorf("reading standard input: %w", err))
			return
		}
		f.file("<stdin>", src, true)
		return
	}
	info, err := os.Stat(p)
	if err != nil {
		f.fail(fmt.Errorf("cannot format %s: %w", p, err))
		return
	}
	if !info.IsDir() {
		src, err := confdir.ReadSourceFile(p)
		if err != nil {
			f.fail(fmt.Errorf("reading %s: %w", p, err))
			return
		}
		f.file(p, src, false)
		return
	}
	files, err := spec.FormattableFiles(p)
	if err != nil {
		f.fail(fmt.Errorf("listing %s: %w", p, err))
		return
	}
	for _, name := range files {
		// An entry of the directory is read only if it stays inside it
		// (fmt would otherwise show, and rewrite, a linked file anywhere).
		src, err := confdir.ReadDirFile(p, name)
		var nr *confdir.NotRegularError
		var out *confdir.OutsideError
		switch {
		case errors.As(err, &nr), errors.As(err, &out):
			f.fail(fmt.Errorf("cannot format: %w", err))
			continue
		case err != nil:
			f.fail(fmt.Errorf("reading %s: %w", name, err))
			continue
		}
		f.file(name, src, false)
	}
}

func (f *formatter) file(name string, src []byte, stdin bool) {
	out, diags := spec.Format(src, name)
	if diags.HasErrors() {
		files := map[string]*hcl.File{name: {Bytes: src}}
		(&reporter{e: f.e, noColor: f.noColor}).Diagnostics(files, diags)
		f.failed = true
		return
	}
	changed := !bytes.Equal(src, out)
	if changed {
		f.unformatted = true
	}
	if stdin {
		switch {
		case f.diff && changed:
			f.e.stdout.Write(diff.Diff(name, src, name, out))
		case !f.check && !f.diff:
			f.e.stdout.Write(out)
		}
		return
	}
	if !changed {
		return
	}
	// The names and the lines are the directory's, shown to a person.
	fmt.Fprintln(f.e.stdout, termsafe.Escape(name))
	if f.diff {
		f.e.stdout.Write([]byte(termsafe.EscapeLines(string(diff.Diff("old/"+name, src, "new/"+name, out)))))
	}
	if f.check {
		return
	}
	if err := hclfmt.Replace(name, out); err != nil {
		f.fail(err)
	}
}
