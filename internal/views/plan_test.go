package views

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/plan"
)

// updateGolden is the one switch that rewrites every golden file of the
// module (README, "Developing rtctl"): RTCTL_UPDATE_GOLDEN=1.
var updateGolden = os.Getenv("RTCTL_UPDATE_GOLDEN") != ""

// golden compares got with testdata/name, or rewrites it with
// RTCTL_UPDATE_GOLDEN=1.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run RTCTL_UPDATE_GOLDEN=1 go test ./internal/views to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; RTCTL_UPDATE_GOLDEN=1 rewrites it):\n%s", name, diff)
	}
}

// TestPlanGolden pins every rendering of a plan. A change to a domain
// struct that changes any of them, the versioned JSON above all, fails here.
func TestPlanGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *plan.Plan
		f    PlanFormat
		opts PlanOptions
	}{
		{"plan.txt", fixturePlan(), PlanText, PlanOptions{}},
		{"plan_verbose_color.txt", fixturePlan(), PlanText, PlanOptions{Verbose: true, Color: true}},
		{"plan.md", fixturePlan(), PlanMarkdown, PlanOptions{}},
		{"plan_rows.md", fixturePlan(), PlanMarkdown, PlanOptions{MarkdownMaxRows: 1}},
		{"plan.json", fixturePlan(), PlanJSON, PlanOptions{}},
		{"plan_empty.txt", emptyPlan(), PlanText, PlanOptions{}},
		{"plan_empty.json", emptyPlan(), PlanJSON, PlanOptions{}},
		{"plan_empty.md", emptyPlan(), PlanMarkdown, PlanOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WritePlan(&b, tc.p, tc.f, tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, b.Bytes())
		})
	}
}

// TestSummaryLineNamesWhatNeedsAPerson: "No changes" is never the headline
// while an orphan waits for a person; the line says what to do instead.
func TestSummaryLineNamesWhatNeedsAPerson(t *testing.T) {
	for _, tc := range []struct {
		statuses []plan.Status
		want     string
	}{
		{[]plan.Status{plan.InSync, plan.InSync}, "No changes. Your account matches the configuration. (2 in sync)"},
		{[]plan.Status{plan.Orphaned, plan.InSync, plan.InSync}, "Nothing to post, but 1 orphaned item needs a person: remove it in the RescueTime web app, then run rtctl forget --orphaned. (1 orphaned, 2 in sync)"},
		{[]plan.Status{plan.Orphaned, plan.Orphaned}, "Nothing to post, but 2 orphaned items need a person: remove them in the RescueTime web app, then run rtctl forget --orphaned. (2 orphaned)"},
		{[]plan.Status{plan.Create, plan.Orphaned}, "Plan: 1 to create, 1 orphaned."},
	} {
		p := &plan.Plan{}
		for _, st := range tc.statuses {
			p.Actions = append(p.Actions, plan.Action{Status: st})
		}
		if got := PlanSummaryLine(p); got != tc.want {
			t.Errorf("PlanSummaryLine(%v)\n got %q\nwant %q", tc.statuses, got, tc.want)
		}
	}
}

// TestPlanReasonsWrapToTheTerminal checks that a long reason is wrapped at
// the terminal's width, each line under the first, where it ran on as one
// line (issue 24, item 10); without a width nothing is wrapped.
func TestPlanReasonsWrapToTheTerminal(t *testing.T) {
	reason := "changed since rtctl posted it 2026-11-20 19:00 (end \"2026-11-20 12:30\" → \"2026-11-20 12:45\"). The API cannot update or delete, so posting it would leave the old one in the account"
	p := &plan.Plan{Actions: []plan.Action{{Address: "highlight.x", Status: plan.Held, Reason: reason, Kind: plan.KindHighlight, Highlight: &plan.Highlight{Date: "2026-11-20", Description: "x"}}}}
	var buf bytes.Buffer
	if err := WritePlan(&buf, p, PlanText, PlanOptions{Width: 60}); err != nil {
		t.Fatal(err)
	}
	var comment []string
	for _, line := range strings.Split(buf.String(), "\n") {
		if n := len([]rune(line)); n > 60 {
			t.Errorf("line of %d characters at width 60: %q", n, line)
		}
		if strings.HasPrefix(line, "      # ") {
			comment = append(comment, line)
		} else if strings.HasPrefix(line, "        ") {
			comment = append(comment, line)
		}
	}
	if len(comment) < 3 || !strings.HasPrefix(comment[0], "      # changed since") {
		t.Errorf("the reason is not wrapped under its first line:\n%s", buf.String())
	}
	if got := strings.Join(strings.Fields(strings.ReplaceAll(strings.Join(comment, " "), "#", "")), " "); got != strings.Join(strings.Fields(reason), " ") {
		t.Errorf("the wrapped reason reads\n%q\nwant\n%q", got, reason)
	}
	buf.Reset()
	if err := WritePlan(&buf, p, PlanText, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "# "+reason+"\n") {
		t.Errorf("without a width the reason is wrapped:\n%s", buf.String())
	}
}
