package spec_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/spec/reference"
)

// TestReferenceUpToDate checks that docs/configuration.md is what
// Reference writes from the schemas and the function table, and that it has
// words for every block, attribute and function (issue 24, item 8). Set
// RTCTL_UPDATE_GOLDEN=1 to rewrite the page.
func TestReferenceUpToDate(t *testing.T) {
	if gaps := reference.Gaps(); len(gaps) > 0 {
		t.Errorf("the language reference has no description for: %s (add them in pkg/spec/reference/reference.go)", strings.Join(gaps, ", "))
	}
	path := filepath.Join("..", "..", "docs", "configuration.md")
	got := reference.Reference()
	if updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with RTCTL_UPDATE_GOLDEN=1 go test ./pkg/spec -run TestReferenceUpToDate)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("docs/configuration.md is out of date (regenerate it with RTCTL_UPDATE_GOLDEN=1 go test ./pkg/spec -run TestReferenceUpToDate):\n%s", diff)
	}
}

// TestReferenceNamesEverything checks a few things a person looks up are
// on the page.
func TestReferenceNamesEverything(t *testing.T) {
	page := reference.Reference()
	for _, want := range []string{
		"| `on_overlap` |", "| `on_change` |", "| `source` |", "| `until_end_of_day` |",
		"### focus_session \"NAME\"", "### data \"ical\"", "### data \"git_log\"",
		"| `timeadd(timestamp, duration)` |", "| `today()` |", "| `daterange(",
		"### Durations", "`minutes`", "### Times", "RTCTL_VAR_NAME",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the reference lacks %q", want)
		}
	}
}

// TestSchemaUpToDate checks docs/configuration.schema.json, the schema for
// programs (an editor's completion), against Schema, as the page is.
func TestSchemaUpToDate(t *testing.T) {
	b, err := json.MarshalIndent(reference.Schema(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := string(b) + "\n"
	path := filepath.Join("..", "..", "docs", "configuration.schema.json")
	if updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with RTCTL_UPDATE_GOLDEN=1 go test ./pkg/spec -run TestSchemaUpToDate)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("docs/configuration.schema.json is out of date (regenerate it with RTCTL_UPDATE_GOLDEN=1 go test ./pkg/spec -run TestSchemaUpToDate):\n%s", diff)
	}
	var s reference.SchemaDoc
	if err := json.Unmarshal(want, &s); err != nil {
		t.Fatal(err)
	}
	if !s.Blocks["highlight"].Attributes["date"].Required || s.Blocks["highlight"].Blocks["lifecycle"].Attributes["on_change"].Description == "" {
		t.Errorf("the schema lacks highlight's attributes: %+v", s.Blocks["highlight"])
	}
	if s.DataSources["ical"].Attributes["url"].Type != "string" || s.Functions["timeadd"].Signature != "timeadd(timestamp, duration)" {
		t.Errorf("the schema lacks a data source's or a function's details")
	}
}

// updateGolden is the one switch that rewrites every golden file of the
// module (README, "Developing rtctl"): RTCTL_UPDATE_GOLDEN=1.
var updateGolden = os.Getenv("RTCTL_UPDATE_GOLDEN") != ""
