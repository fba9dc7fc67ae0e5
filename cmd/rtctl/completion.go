package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/spec"
)

// registerCompletions teaches shell completion the values of rtctl's flags,
// wherever a command has them: the configuration's addresses for --target
// and --replace, its variables for --var, the formats of plan and show,
// and time zone names. The configuration is read without evaluating it
// (spec.Declared): completing never fetches a calendar or runs git.
func registerCompletions(root *cobra.Command) {
	formats := map[string][]string{
		"rtctl plan": {"text", "json", "markdown"},
		"rtctl show": {"text", "json", "markdown"},
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		fl := c.Flags()
		for _, name := range []string{"target", "replace"} {
			if fl.Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, completeAddresses)
			}
		}
		if fl.Lookup("var") != nil {
			_ = c.RegisterFlagCompletionFunc("var", completeVariables)
		}
		if fl.Lookup("timezone") != nil {
			_ = c.RegisterFlagCompletionFunc("timezone", completeZones)
		}
		if values, ok := formats[c.CommandPath()]; ok && fl.Lookup("format") != nil {
			_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completionDir is the configuration directory a completion reads: the
// command's DIR argument when it names one, under -chdir when given.
func completionDir(cmd *cobra.Command, args []string) string {
	dir := "."
	chdir := ""
	if f := cmd.Root().PersistentFlags().Lookup("chdir"); f != nil {
		chdir = f.Value.String()
	}
	if len(args) > 0 {
		p := args[0]
		if chdir != "" && !filepath.IsAbs(p) {
			p = filepath.Join(chdir, p)
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	if chdir != "" {
		dir = chdir
	}
	return dir
}

func completeAddresses(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	d := spec.Declared(completionDir(cmd, args))
	var out []string
	kinds := map[string]bool{}
	for _, r := range d.Resources {
		kind, _, _ := strings.Cut(r, ".")
		kinds[kind] = true
		out = append(out, r)
	}
	// A kind selects every item of it (--target highlight).
	for _, k := range []string{spec.KindFocusSession, spec.KindHighlight, spec.KindOfflineTime} {
		if kinds[k] {
			out = append(out, k)
		}
	}
	return withPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp
}

func completeVariables(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	d := spec.Declared(completionDir(cmd, args))
	out := make([]string, 0, len(d.Variables))
	for _, v := range d.Variables {
		out = append(out, v+"=")
	}
	return withPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func completeZones(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return withPrefix(spec.ZoneNames(), toComplete), cobra.ShellCompDirectiveNoFileComp
}

// withPrefix keeps the candidates that start with prefix.
func withPrefix(cands []string, prefix string) []string {
	out := cands[:0:0]
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}
