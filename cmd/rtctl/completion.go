package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtctl/rtctl/pkg/workspace"
	"github.com/spf13/cobra"
)

// registerCompletions teaches shell completion the values of rtctl's flags,
// wherever a command has them: the configuration's addresses for --target
// and --replace, its variables for --var, the words a flag takes (formats,
// backends, the read commands' choices) and time zone names; and the
// arguments of the commands that take addresses: forget and journal
// confirm what the journal holds, journal adopt what is declared. What
// they offer comes from the workspace, which reads without evaluating and
// without the key: completing never fetches a calendar, runs git or
// contacts RescueTime.
func registerCompletions(root *cobra.Command) {
	// Each flag's words, by flag name, then by command where they differ.
	words := map[string][]string{
		"output":         {"table", "csv", "json"},
		"backend":        {"local", "git"},
		"to":             {"git", "local"},
		"perspective":    {"rank", "interval", "member"},
		"resolution":     {"month", "week", "day", "hour", "minute"},
		"kind":           {"overview", "category", "activity", "productivity", "efficiency", "document"},
		"source-type":    {"computers", "mobile", "offline"},
		"report":         {"data", "overview_data", "category_data", "productivity_data"},
		"plan":           {"lite", "premium"},
		"offline-report": {"as-posted", "other-name", "hidden"},
		"sync-delay":     {"0", "realistic"},
	}
	byCommand := map[string]map[string][]string{
		"rtctl plan":   {"format": {"text", "json", "markdown"}},
		"rtctl show":   {"format": {"text", "json", "markdown"}},
		"rtctl doctor": {"output": {"text", "json"}, "report": nil},
	}
	args := map[string]cobra.CompletionFunc{
		"rtctl forget": completeJournal(workspace.AnyRecord),
		// What was sent without a known answer: what confirm settles.
		"rtctl journal confirm": completeJournal(workspace.UnansweredRecords),
		"rtctl journal adopt":   completeAddresses,
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if f, ok := args[c.CommandPath()]; ok {
			c.ValidArgsFunction = f
		}
		for name, values := range words {
			if v, ok := byCommand[c.CommandPath()][name]; ok {
				values = v
			}
			if values != nil && c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
			}
		}
		fl := c.Flags()
		if fl.Lookup("target") != nil {
			_ = c.RegisterFlagCompletionFunc("target", completeAddresses)
		}
		if fl.Lookup("replace") != nil {
			_ = c.RegisterFlagCompletionFunc("replace", completeReplace)
		}
		if fl.Lookup("var") != nil {
			_ = c.RegisterFlagCompletionFunc("var", completeVariables)
		}
		if fl.Lookup("timezone") != nil {
			_ = c.RegisterFlagCompletionFunc("timezone", completeZones)
		}
		if values, ok := byCommand[c.CommandPath()]["format"]; ok && fl.Lookup("format") != nil {
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
	return withPrefix(workspace.DeclaredAddresses(completionDir(cmd, args)), toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeReplace completes --replace: what is declared, and the items
// the journal holds, since a held item is one rtctl posted before, by the
// address of its instance (offline_time.meetings["2026-11-20"]).
func completeReplace(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	declared, dir := completeAddresses(cmd, args, toComplete)
	posted, _ := completeJournal(workspace.PostedRecords)(cmd, nil, toComplete)
	out := slices.Clone(declared)
	for _, a := range posted {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, dir
}

// completeJournal completes the addresses of the items which selects in
// the configuration's journals (or the one --journal gives), leaving out
// those already given.
func completeJournal(which workspace.Records) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		file := ""
		if f := cmd.Flags().Lookup("journal"); f != nil {
			file = f.Value.String()
		}
		out := workspace.JournalAddresses(completionDir(cmd, nil), file, which, args)
		return withPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func completeVariables(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	vars := workspace.DeclaredVariables(completionDir(cmd, args))
	out := make([]string, 0, len(vars))
	for _, v := range vars {
		out = append(out, v+"=")
	}
	return withPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func completeZones(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return withPrefix(workspace.ZoneNames(), toComplete), cobra.ShellCompDirectiveNoFileComp
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
