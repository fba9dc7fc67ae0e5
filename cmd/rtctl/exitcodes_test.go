package main

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestExitCodesDocumented checks that the README's table and the help's
// list name exactly the exit codes rtctl has (issue 24, item 7: the table
// said an interrupted apply exits 1 where a second Ctrl-C exited 130).
func TestExitCodesDocumented(t *testing.T) {
	want := []int{exitOK, exitError1, exitChanges, exitAttention, exitAbandoned, exitAbandonedTerm}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		text string
		re   *regexp.Regexp
	}{
		"README.md":     {string(readme), regexp.MustCompile(`(?m)^\| (\d+) \|`)},
		"exitCodesHelp": {exitCodesHelp, regexp.MustCompile(`(?m)^  (\d+) `)},
	} {
		var got []int
		for _, m := range tc.re.FindAllStringSubmatch(tc.text, -1) {
			n, _ := strconv.Atoi(m[1])
			got = append(got, n)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s documents exit codes %v, want %v", name, got, want)
		}
	}
}

// TestTerraformAnswersDocumented checks that the README names every
// Terraform command and flag rtctl answers with its own way.
func TestTerraformAnswersDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for name := range terraformCommands {
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("the README does not name the Terraform command %s", name)
		}
	}
	for name := range terraformFlags {
		if !strings.Contains(string(readme), "`-"+name+"`") {
			t.Errorf("the README does not name the Terraform flag -%s", name)
		}
	}
}
