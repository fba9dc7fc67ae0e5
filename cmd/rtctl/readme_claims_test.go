package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rtctl/rtctl/internal/secretfile"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec"
)

// The READMEs' mechanical claims: every rtctl command line they show names
// commands and flags rtctl has, every flag they name alone is a flag of
// some command, every environment variable they name is read by the code,
// and every file they link or name is in the repository (issue 24: "the
// README's claims are each checked by a test or removed"). What the
// commands then do and print is held by the testscripts and by
// TestREADMEWalkthrough.

var readmes = []string{"../../README.md", "../../examples/README.md"}

// readmeCommands are the rtctl command lines of a README: in code spans,
// and on the lines of its code blocks (fenced, or indented).
func readmeCommands(text string) []string {
	var out []string
	for _, m := range regexp.MustCompile("`(rtctl [^`]*)`").FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if !fenced && !strings.HasPrefix(line, "    ") {
			continue
		}
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "rtctl ") {
			out = append(out, line)
		}
	}
	return out
}

// commandWords splits a shown command line into its arguments, up to a
// comment, a pipe or another command, with quotes removed.
func commandWords(line string) []string {
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	for _, sep := range []string{"&&", "|", ";"} {
		if i := strings.Index(line, sep); i >= 0 && !strings.Contains(line[:i], "'") {
			line = line[:i]
		}
	}
	var words []string
	for _, w := range strings.Fields(line) {
		words = append(words, strings.Trim(w, `'"`))
	}
	return words[1:] // without "rtctl"
}

func TestREADMECommandsExist(t *testing.T) {
	root := newRootCmd(&env{getenv: func(string) string { return "" }})
	// cobra adds it as the command runs.
	root.InitDefaultCompletionCmd()
	for _, path := range readmes {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range readmeCommands(string(text)) {
			args := terraformSpellings(root, commandWords(line))
			// A synopsis names alternatives: bash|zsh.
			for i, a := range args {
				args[i], _, _ = strings.Cut(a, "|")
			}
			var words []string
			for _, a := range args {
				if !strings.HasPrefix(a, "-") {
					words = append(words, a)
				}
			}
			cmd, _, err := root.Find(words)
			if err != nil || cmd == root && len(words) > 0 && !isArgument(words[0]) {
				t.Errorf("%s: %q names no rtctl command (%v)", path, line, err)
				continue
			}
			for _, a := range args {
				if !strings.HasPrefix(a, "-") {
					continue
				}
				// -name is Terraform's spelling of --name.
				name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
				if lookupFlag(cmd, name) == nil {
					t.Errorf("%s: %q: %s has no flag %s", path, line, cmd.CommandPath(), a)
				}
			}
		}
	}
}

// isArgument tells a command's argument (a directory, a file) from a
// misspelt command.
func isArgument(w string) bool {
	return strings.ContainsAny(w, "/.") || strings.ToUpper(w) == w
}

func lookupFlag(cmd *cobra.Command, name string) any {
	if len(name) == 1 {
		if f := cmd.Flags().ShorthandLookup(name); f != nil {
			return f
		}
		if f := cmd.InheritedFlags().ShorthandLookup(name); f != nil {
			return f
		}
		return nil
	}
	if f := cmd.Flags().Lookup(name); f != nil {
		return f
	}
	if f := cmd.InheritedFlags().Lookup(name); f != nil {
		return f
	}
	return nil
}

// TestREADMEFlagsExist checks that every flag a README names on its own
// (`--target ADDRESS`, `-o`) is a flag of some rtctl command, or one of
// Terraform's that rtctl answers instead of having.
func TestREADMEFlagsExist(t *testing.T) {
	root := newRootCmd(&env{getenv: func(string) string { return "" }})
	all := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			all[f.Name] = true
			if f.Shorthand != "" {
				all[f.Shorthand] = true
			}
		})
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { all[f.Name] = true })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	flagRe := regexp.MustCompile("`(--?[a-z][a-z-]*)")
	for _, path := range readmes {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range flagRe.FindAllStringSubmatch(string(text), -1) {
			name := strings.TrimLeft(m[1], "-")
			if !all[name] && terraformFlags[name] == "" {
				t.Errorf("%s names the flag %s, which no rtctl command has", path, m[1])
			}
		}
	}
}

// TestREADMEEnvironmentRead checks that every environment variable a
// README names is read somewhere in the code (or, for a calendar's
// address, by an example configuration).
func TestREADMEEnvironmentRead(t *testing.T) {
	var code strings.Builder
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".hcl") || strings.HasSuffix(p, ".yml") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			code.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	envRe := regexp.MustCompile(`\b(?:RTCTL|RESCUETIME)_[A-Z_]*[A-Z]\b|\bRTCTL_VAR_`)
	for _, path := range readmes {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range envRe.FindAllString(string(text), -1) {
			if !strings.Contains(code.String(), `"`+name) {
				t.Errorf("%s names %s, which no code reads", path, name)
			}
		}
	}
}

// TestREADMEFilesExist checks that every file a README links, or names in
// a code span as a path of the repository, is there.
func TestREADMEFilesExist(t *testing.T) {
	linkRe := regexp.MustCompile(`\]\(([^)#:]+)\)`)
	spanRe := regexp.MustCompile("`((?:docs|examples|cmd|pkg|internal|\\.ci)/[^` ]*|[A-Za-z.]+\\.(?:yml|yaml|md)|Dockerfile|LICENSE)`")
	for _, path := range readmes {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Dir(path)
		for _, re := range []*regexp.Regexp{linkRe, spanRe} {
			for _, m := range re.FindAllStringSubmatch(string(text), -1) {
				name := m[1]
				// .rtctl is made by the first run.
				if strings.Contains(name, "*") || strings.ContainsAny(name, "<>") || strings.Contains(name, "/.rtctl") {
					continue
				}
				p := filepath.Join(base, name)
				if re == spanRe {
					p = filepath.Join("../..", name)
				}
				if _, err := os.Stat(p); err != nil {
					t.Errorf("%s names %s, which is not in the repository", path, name)
				}
			}
		}
	}
}

// TestREADMELimits holds the README's table of limits against the
// defaults: each row's value is what its --limit name is set to by
// default, and the fixed nesting is the parser's.
func TestREADMELimits(t *testing.T) {
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| [^|]+ \| ([^|]+) \| ([^|]+) \|$`)
	valueRe := regexp.MustCompile(`(\d[\d,]*) ?(MiB|elements|days)?`)
	units := map[string]int64{"MiB": 1 << 20}
	defaults := spec.DefaultLimits()
	rows := 0
	for _, m := range row.FindAllStringSubmatch(string(text), -1) {
		names := regexp.MustCompile("`([a-z-]+)`").FindAllStringSubmatch(m[2], -1)
		if strings.TrimSpace(m[2]) == "(fixed)" && strings.TrimSpace(m[1]) == "256" {
			if defaults.MaxNesting != 256 {
				t.Errorf("the README gives nesting as 256, the limit is %d", defaults.MaxNesting)
			}
			continue
		}
		if len(names) == 0 || strings.TrimSpace(m[1]) == "Limit" {
			continue
		}
		values := valueRe.FindAllStringSubmatch(m[1], -1)
		if len(values) != len(names) {
			t.Errorf("README limits row %q: %d values for %d names", m[0], len(values), len(names))
			continue
		}
		for i, n := range names {
			v, err := strconv.ParseInt(strings.ReplaceAll(values[i][1], ",", ""), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			if u := units[values[i][2]]; u != 0 {
				v *= u
			}
			set := defaults
			if err := set.Set(n[1], v); err != nil {
				t.Errorf("README limits row %q: %v", m[0], err)
				continue
			}
			if !reflect.DeepEqual(set, defaults) {
				t.Errorf("the README gives %s as %s, which is not its default", n[1], strings.TrimSpace(values[i][0]))
			}
			rows++
		}
	}
	if rows != 13 {
		t.Errorf("checked %d limits of the README's table, want the 13 that can be set", rows)
	}
}

// TestREADMEClientLimits holds the README's words on talking to
// RescueTime against the constants they describe.
func TestREADMEClientLimits(t *testing.T) {
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The paragraph is wrapped: compare it as one line.
	readme := strings.Join(strings.Fields(string(text)), " ")
	for _, c := range []struct {
		claim string
		holds bool
	}{
		{"a credential file is a regular file of at most 64 KiB", secretfile.MaxBytes == 64<<10},
		{"takes at most `--timeout` (1 minute), one attempt 30 s", rtapi.DefaultCallTimeout == time.Minute && rtapi.DefaultTimeout == 30*time.Second},
		{"an answer is at most 32 MiB", rtapi.DefaultMaxBodyBytes == 32<<20},
		{"up to half the call's timeout (30 s by default, never more than 5 minutes)", rtapi.DefaultMaxRetryAfter == 5*time.Minute},
	} {
		if !strings.Contains(readme, c.claim) {
			t.Errorf("the README no longer says %q: update this test", c.claim)
		} else if !c.holds {
			t.Errorf("the README says %q, which the code does not hold", c.claim)
		}
	}
}
