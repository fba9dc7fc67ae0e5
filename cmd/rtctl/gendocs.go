package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/rtctl/rtctl/internal/atomicfile"
)

// newGenDocsCmd writes the man pages and shell completions that release
// archives ship (.goreleaser.yaml runs it before building). It is hidden:
// people get completions from `rtctl completion`, and man pages from a
// release archive or a package.
func newGenDocsCmd(e *env) *cobra.Command {
	var manDir, complDir string
	cmd := &cobra.Command{
		Use:    "__gendocs",
		Short:  "Write man pages and shell completions for a release",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if manDir == "" && complDir == "" {
				return errors.New("nothing to do: give --man DIR, --completions DIR or both")
			}
			root := cmd.Root()
			if manDir != "" {
				if err := writeManPages(root, manDir, manDate(e)); err != nil {
					return err
				}
			}
			if complDir != "" {
				if err := writeCompletions(root, complDir); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&manDir, "man", "", "write a man page per command (section 1) into `DIR`")
	cmd.Flags().StringVar(&complDir, "completions", "", "write bash, zsh, fish and PowerShell completions into `DIR`")
	return cmd
}

// manDate is the date the pages carry: the commit's, so a rebuild of the
// same commit makes the same pages, else today.
func manDate(e *env) time.Time {
	if t, err := time.Parse(time.RFC3339, readVersion().CommitTime); err == nil {
		return t
	}
	return e.now()
}

// writeManPages writes rtctl.1, rtctl-plan.1, ... for every command a person
// can run, as cobra's doc.GenManTree would, but through writeDocFile.
func writeManPages(root *cobra.Command, dir string, date time.Time) error {
	root.DisableAutoGenTag = true // no "Auto generated" line with a date in it
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
				if err := walk(sub); err != nil {
					return err
				}
			}
		}
		header := &doc.GenManHeader{Section: "1", Date: &date, Source: "rtctl " + buildVersion(), Manual: "rtctl manual"}
		var buf bytes.Buffer
		if err := doc.GenMan(c, header, &buf); err != nil {
			return fmt.Errorf("man page of %s: %w", c.CommandPath(), err)
		}
		return writeDocFile(dir, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1", buf.Bytes())
	}
	return walk(root)
}

// writeCompletions writes each shell's completion script under the name
// that shell's completion directory expects.
func writeCompletions(root *cobra.Command, dir string) error {
	for _, s := range []struct {
		name string
		gen  func(io.Writer) error
	}{
		{"rtctl.bash", func(w io.Writer) error { return root.GenBashCompletionV2(w, true) }},
		{"_rtctl", root.GenZshCompletion},
		{"rtctl.fish", func(w io.Writer) error { return root.GenFishCompletion(w, true) }},
		{"rtctl.ps1", root.GenPowerShellCompletionWithDesc},
	} {
		var buf bytes.Buffer
		if err := s.gen(&buf); err != nil {
			return fmt.Errorf("completion %s: %w", s.name, err)
		}
		if err := writeDocFile(dir, s.name, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// writeDocFile replaces dir/name, readable by all as installed docs are; a
// symlink there is refused, never written through (atomicfile).
func writeDocFile(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	path := filepath.Join(dir, name)
	if err := atomicfile.Write(path, data); err != nil {
		return err
	}
	if err := os.Chmod(path, 0o644); err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	return nil
}
