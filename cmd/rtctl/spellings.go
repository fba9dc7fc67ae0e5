package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// terraformSpellings rewrites the flag spellings Terraform users type into
// the ones cobra parses: a long flag with a single dash (-auto-approve,
// -out=FILE, -var 'a=b', -chdir=DIR) gets its second dash. Single letters
// stay shorthands (-v, -o json), and nothing after "--" is touched.
func terraformSpellings(root *cobra.Command, args []string) []string {
	long := longFlagNames(root)
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(a, "-"), "=")
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(name) > 1 && long[name] {
			a = "-" + a
		}
		out = append(out, a)
	}
	return out
}

// longFlagNames is every long flag name of the command tree.
func longFlagNames(root *cobra.Command) map[string]bool {
	names := map[string]bool{"help": true}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(f *pflag.Flag) { names[f.Name] = true }
		c.LocalFlags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return names
}

// flagError adds "did you mean" to an unknown flag, and where to look.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	var typed string
	switch {
	case strings.HasPrefix(msg, "unknown flag: --"):
		typed = strings.TrimPrefix(msg, "unknown flag: --")
	case strings.HasPrefix(msg, "unknown shorthand flag: "):
		// "-auto-aprove" reaches pflag as shorthands: what was typed is
		// after " in -".
		if _, rest, ok := strings.Cut(msg, " in -"); ok {
			typed = rest
		}
	}
	typed, _, _ = strings.Cut(typed, "=")
	if s := suggestFlag(cmd, typed); s != "" {
		return fmt.Errorf("%s; did you mean --%s?", msg, s)
	}
	return errors.New(msg + "; see " + cmd.CommandPath() + " --help")
}

// suggestFlag returns the flag of cmd closest to typed, or "" when none is
// close enough to be what was meant.
func suggestFlag(cmd *cobra.Command, typed string) string {
	if len(typed) < 2 {
		return ""
	}
	type cand struct {
		name string
		dist int
	}
	var cands []cand
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := levenshtein.Distance(typed, f.Name, nil)
		if d <= 2 || (len(typed) >= 3 && strings.HasPrefix(f.Name, typed)) {
			cands = append(cands, cand{f.Name, d})
		}
	})
	if len(cands) == 0 {
		return ""
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].name < cands[j].name
	})
	return cands[0].name
}
