package main

// This file is where rtctl meets Terraform's habits: the spellings it
// rewrites (-auto-approve), the commands and flags it answers with its own
// equivalent or why there is none (destroy, -lock=false), and the one place
// that reads pflag's error wording ("unknown shorthand flag: 'd' in
// -destroy") to recover what was typed, and cobra's ("accepts 1 arg(s),
// received 0") to say what a command takes in words. A change of that
// wording breaks only flagError and usageError, and cli_terraform_spellings,
// ux_terraform_commands and ux_arg_counts say so.

import (
	"errors"
	"fmt"
	"regexp"
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

// pflagInvalid matches pflag's refusal of a flag's value, which quotes
// Go's parser ("strconv.ParseInt: parsing "abc": invalid syntax").
var pflagInvalid = regexp.MustCompile(`^invalid argument "(.*)" for "(?:-\w, )?(--[\w-]+)" flag: `)

// flagValueKinds say, by pflag's type name, what a flag's value must be.
var flagValueKinds = map[string]string{
	"int":      "a whole number, such as 4",
	"int64":    "a whole number, such as 4",
	"float64":  "a number, such as 2 or 0.5",
	"duration": "a duration with a unit after every number, such as 30s, 5m or 1h30m",
	"bool":     "true or false",
}

// noDelete is why rtctl has no way to remove what it posted.
const noDelete = "the RescueTime API cannot delete offline time, highlights or FocusTime sessions. " +
	"Remove an item in the RescueTime web app, take it out of the configuration, and run rtctl forget ADDRESS " +
	"so that plan stops reporting it (rtctl journal lists what rtctl posted)"

// terraformCommands are Terraform's commands rtctl does not have, each
// with what to do instead.
var terraformCommands = map[string]string{
	"destroy":      noDelete,
	"taint":        "rtctl plan -replace=ADDRESS posts a changed item again (the old one stays in the account: " + noDelete + ")",
	"untaint":      "an item is replaced only for the run whose plan names it with -replace=ADDRESS; there is nothing to undo",
	"refresh":      "every plan reads the account afresh (the account is the state), so there is nothing to refresh; rtctl plan shows what it found",
	"output":       "a configuration has no outputs; evaluate any expression with rtctl console (echo 'local.NAME' | rtctl console)",
	"state":        "the account is the state, and the journal records what rtctl posted: rtctl journal lists it, rtctl forget ADDRESS stops tracking an item, rtctl import highlights declares what the account holds",
	"workspace":    "a directory is one configuration for one account; use another directory (-chdir=DIR) and its own key or --endpoint",
	"login":        "rtctl auth url and rtctl auth token sign in with OAuth2; an API key is read from RESCUETIME_API_KEY or --api-key-file",
	"logout":       "rtctl keeps no login: delete the token file given to --access-token-file, or unset RESCUETIME_API_KEY",
	"force-unlock": "rtctl's lock is the operating system's and goes when the process holding it ends, even after a crash; --lock-timeout waits for another run",
	"providers":    "rtctl talks to one API and needs no providers",
	"get":          "rtctl has no modules to download",
	"graph":        "rtctl plan -v lists every item with its address",
	"test":         "rtctl validate checks a configuration, and rtctl plan --sandbox tries it against an emulated account",
}

// terraformFlags are Terraform's plan and apply flags rtctl does not have,
// by name, each with what to do instead.
var terraformFlags = map[string]string{
	"destroy":          noDelete,
	"input":            "rtctl never asks for a variable's value; apply asks for approval only on a terminal, and -auto-approve skips it in CI",
	"lock":             "rtctl always takes the account's lock, which keeps two runs from posting one item twice; the operating system releases it when rtctl ends, even after a crash, and --lock-timeout waits for another run",
	"refresh":          "every plan reads the account afresh; there is no state to refresh or to trust instead",
	"refresh-only":     "every plan reads the account afresh; there is no state to refresh",
	"state":            "the account is the state; the journal is found from the configuration's directory (--journal names another)",
	"state-out":        "the account is the state; the journal is found from the configuration's directory (--journal names another)",
	"backup":           "rtctl keeps no state file to back up; the journal is append-only",
	"compact-warnings": "rtctl's warnings are one line each already",
}

// terraformCommandStubs are hidden commands that answer a Terraform
// command rtctl does not have, where cobra would only say "unknown command".
func terraformCommandStubs(existing *cobra.Command) []*cobra.Command {
	var cmds []*cobra.Command
	for name, why := range terraformCommands {
		if c, _, err := existing.Find([]string{name}); err == nil && c != existing {
			continue
		}
		cmds = append(cmds, &cobra.Command{
			Use:                name,
			Hidden:             true,
			DisableFlagParsing: true,
			RunE: func(*cobra.Command, []string) error {
				return fmt.Errorf("rtctl has no %s: %s", name, why)
			},
		})
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Use < cmds[j].Use })
	return cmds
}

// flagError adds "did you mean" to an unknown flag, and where to look; a
// Terraform flag rtctl does not have says what to do instead.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if m := pflagInvalid.FindStringSubmatch(msg); m != nil {
		if f := cmd.Flags().Lookup(strings.TrimPrefix(m[2], "--")); f != nil {
			if want, ok := flagValueKinds[f.Value.Type()]; ok {
				return fmt.Errorf("%s %q: want %s; see %s --help", m[2], m[1], want, cmd.CommandPath())
			}
		}
	}
	if msg == "unknown shorthand flag: 'o' in -o" && cmd.Flags().Lookup("format") != nil {
		// The read commands' -o; plan and show spell it --format.
		return fmt.Errorf("%s; did you mean --format?", msg)
	}
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
	typed, value, _ := strings.Cut(typed, "=")
	if why, ok := terraformFlags[typed]; ok {
		spelled := "-" + typed
		if typed == "lock" && value != "" {
			spelled += "=" + value
		}
		return fmt.Errorf("rtctl has no %s: %s", spelled, why)
	}
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

// cobraArgCount matches cobra's argument-count refusals, which say
// "accepts 1 arg(s), received 0" without naming what the arguments are.
var cobraArgCount = regexp.MustCompile(`^(?:accepts at most (\d+)|accepts (\d+)|accepts between (\d+) and (\d+)|requires at least (\d+)) arg\(s\), (?:only )?received (\d+)$`)

// cobraRequired matches cobra's refusal of missing required flags.
var cobraRequired = regexp.MustCompile(`^required flag\(s\) (.+) not set$`)

// usageError says in words what cmd takes, in place of cobra's wording of
// a wrong argument count or a missing required flag; other errors are
// returned as they are.
func usageError(cmd *cobra.Command, args []string, err error) error {
	if cmd == nil || err == nil {
		return err
	}
	usage := strings.TrimSuffix(cmd.UseLine(), " [flags]")
	if m := cobraRequired.FindStringSubmatch(err.Error()); m != nil {
		var names []string
		for _, q := range strings.Split(m[1], ", ") {
			names = append(names, "--"+strings.Trim(q, `"`))
		}
		return fmt.Errorf("%s needs %s; see %s --help", cmd.CommandPath(), joinAnd(names), cmd.CommandPath())
	}
	m := cobraArgCount.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	var takes string
	switch {
	case m[1] != "":
		takes = "at most " + countWord(m[1], "argument", "arguments")
	case m[2] != "":
		takes = countWord(m[2], "argument", "arguments")
	case m[3] != "":
		takes = numberWord(m[3]) + " or " + numberWord(m[4]) + " arguments"
		if m[3] == "0" {
			takes = "at most " + countWord(m[4], "argument", "arguments")
		}
	default:
		takes = "at least " + countWord(m[5], "argument", "arguments")
	}
	given := "none"
	if len(args) > 0 {
		given = fmt.Sprintf("%d: %s", len(args), strings.Join(args, " "))
	}
	return fmt.Errorf("%s takes %s (usage: %s), and was given %s", cmd.CommandPath(), takes, usage, given)
}

// countWord is "one argument", "two arguments", "3 arguments".
func countWord(n, one, many string) string {
	if n == "1" {
		return "one " + one
	}
	return numberWord(n) + " " + many
}

// numberWord spells the small numbers usage talks about.
func numberWord(n string) string {
	if w, ok := map[string]string{"0": "no", "1": "one", "2": "two", "3": "three"}[n]; ok {
		return w
	}
	return n
}

// joinAnd is "a", "a and b", "a, b and c".
func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// cobraUnknown matches cobra's refusal of an unknown command, with its
// suggestions on tab-indented lines.
var cobraUnknown = regexp.MustCompile(`^(unknown command "[^"]*" for "[^"]*")(?:\s+Did you mean this\?\s+((?:\S+\s*)+))?$`)

// unknownCommandError writes cobra's unknown command on one line, as the
// groups' is, with its suggestion as "did you mean" (a tab-indented list
// came out escaped, "\tvalidate", through the terminal sanitiser).
func unknownCommandError(err error) error {
	if err == nil {
		return nil
	}
	m := cobraUnknown.FindStringSubmatch(strings.TrimSpace(err.Error()))
	if m == nil {
		return err
	}
	if m[2] == "" {
		return fmt.Errorf("%s; see rtctl --help", m[1])
	}
	return fmt.Errorf("%s; did you mean %s?", m[1], strings.Join(strings.Fields(m[2]), " or "))
}
