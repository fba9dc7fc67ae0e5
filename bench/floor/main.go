// Command floor is the parse floor that bench compares rtctl with: the least
// work any tool must do to read a configuration. For every *.rt.hcl file of
// DIR it parses the file with hclsyntax.ParseConfig and evaluates every
// attribute of every block (nested blocks included) whose expression refers
// to nothing, with no EvalContext: the literal attributes, the only ones
// that can be evaluated without rtctl's language. For every *.ics file it
// parses the calendar with github.com/arran4/golang-ical. It prints what it
// read, so bench can check it read everything.
//
//	floor DIR
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	ics "github.com/arran4/golang-ical"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Counts is what the floor read.
type Counts struct {
	Blocks, Attributes, Evaluated, Events int
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor DIR")
		os.Exit(2)
	}
	c, err := Read(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Printf("blocks=%d attributes=%d evaluated=%d events=%d\n", c.Blocks, c.Attributes, c.Evaluated, c.Events)
}

// Read reads every configuration and calendar file of dir.
func Read(dir string) (Counts, error) {
	var c Counts
	entries, err := os.ReadDir(dir)
	if err != nil {
		return c, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, ".rt.hcl"):
			src, err := os.ReadFile(path)
			if err != nil {
				return c, err
			}
			f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
			if diags.HasErrors() {
				return c, diags
			}
			c.walk(f.Body.(*hclsyntax.Body))
		case strings.HasSuffix(name, ".ics"):
			src, err := os.ReadFile(path)
			if err != nil {
				return c, err
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(src))
			if err != nil {
				return c, fmt.Errorf("%s: %w", name, err)
			}
			c.Events += len(cal.Events())
		}
	}
	return c, nil
}

func (c *Counts) walk(body *hclsyntax.Body) {
	for _, a := range body.Attributes {
		c.Attributes++
		if len(a.Expr.Variables()) > 0 {
			continue
		}
		if _, diags := a.Expr.Value(nil); !diags.HasErrors() {
			c.Evaluated++
		}
	}
	for _, b := range body.Blocks {
		c.Blocks++
		c.walk(b.Body)
	}
}
