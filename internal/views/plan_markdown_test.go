package views

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/plan"
)

func markdownPlan() *plan.Plan {
	return &plan.Plan{
		Now:         at("2026-11-20 19:00"),
		Location:    berlin,
		Lookback:    14 * 24 * time.Hour,
		WindowStart: at("2026-11-06 19:00"),
		Warnings:    []string{"The journal has 1 damaged line"},
		Actions: []plan.Action{
			{Address: "offline_time.standup", Kind: plan.KindOffline, Status: plan.Create, Reason: "not in the account",
				Offline: &plan.Offline{Start: at("2026-11-20 09:00"), End: at("2026-11-20 09:15"), Activity: "Meeting", Details: "Daily | standup <b>*now*</b>"}},
			{Address: "offline_time.offsite[chunk 1/2]", Kind: plan.KindOffline, Status: plan.Create, Reason: "not in the account",
				Offline: &plan.Offline{Start: at("2026-11-19 09:00"), End: at("2026-11-19 13:00"), Activity: "Offsite", Chunk: 1, Chunks: 2, Note: "trimmed: overlapped offline_time.x"}},
			{Address: "highlight.release", Kind: plan.KindHighlight, Status: plan.Conflict, Reason: "the account holds a similar highlight",
				Highlight: &plan.Highlight{Date: "2026-11-20", Description: "Shipped `v1.2`\nto everyone", Source: "git"}},
			{Address: "offline_time.evening", Kind: plan.KindOffline, Status: plan.Deferred, Reason: "ends 2026-11-20 20:00, in the future; a later run posts it",
				Offline: &plan.Offline{Start: at("2026-11-20 19:00"), End: at("2026-11-20 20:00"), Activity: "Choir"}},
			{Address: "highlight.a", Kind: plan.KindHighlight, Status: plan.InSync, Reason: "in the account", Highlight: &plan.Highlight{Date: "2026-11-18", Description: "A"}},
			{Address: "highlight.b", Kind: plan.KindHighlight, Status: plan.InSync, Reason: "in the account", Highlight: &plan.Highlight{Date: "2026-11-18", Description: "B"}},
			{Address: "highlight.c", Kind: plan.KindHighlight, Status: plan.InSync, Reason: "in the account", Highlight: &plan.Highlight{Date: "2026-11-18", Description: "C"}},
		},
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b strings.Builder
	if err := writePlanMarkdown(&b, markdownPlan(), PlanOptions{MarkdownMaxRows: 2}); err != nil {
		t.Fatal(err)
	}
	want := "### rtctl plan\n" +
		"\n" +
		"**Plan: 2 to create, 1 conflict, 1 deferred, 3 in sync.**\n" +
		"\n" +
		"Made for Fri 2026-11-20 19:00 CET (Europe/Berlin), lookback 14d.\n" +
		"\n" +
		"> [!WARNING]\n" +
		"> The journal has 1 damaged line\n" +
		"\n" +
		"#### To create (2)\n" +
		"\n" +
		"| | Item | What | Why |\n" +
		"|---|---|---|---|\n" +
		"| `+` | `offline_time.standup` | Fri 2026-11-20 09:00–09:15 (15m)  \"Meeting\": \"Daily \\| standup &lt;b&gt;\\*now\\*&lt;/b&gt;\" |  |\n" +
		"| `+` | `offline_time.offsite[chunk 1/2]` | Thu 2026-11-19 09:00–13:00 (4h)  \"Offsite\" | trimmed: overlapped offline\\_time.x |\n" +
		"\n" +
		"#### In conflict (1)\n" +
		"\n" +
		"| | Item | What | Why |\n" +
		"|---|---|---|---|\n" +
		"| `!` | `highlight.release` | 2026-11-20  \"Shipped \\`v1.2\\`\\\\nto everyone\" (source \"git\") | the account holds a similar highlight |\n" +
		"\n" +
		"#### Deferred (1)\n" +
		"\n" +
		"| | Item | What | Why |\n" +
		"|---|---|---|---|\n" +
		"| `>` | `offline_time.evening` | Fri 2026-11-20 19:00–20:00 (1h)  \"Choir\" | ends 2026-11-20 20:00, in the future; a later run posts it |\n" +
		"\n" +
		"<details><summary>In sync (3)</summary>\n" +
		"\n" +
		"| | Item | What | Why |\n" +
		"|---|---|---|---|\n" +
		"| `=` | `highlight.a` | 2026-11-18  \"A\" | in the account |\n" +
		"| `=` | `highlight.b` | 2026-11-18  \"B\" | in the account |\n" +
		"| | … and 1 more | | |\n" +
		"\n" +
		"</details>\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("markdown (-want +got):\n%s", diff)
	}
}

func TestWriteMarkdownNoChanges(t *testing.T) {
	p := &plan.Plan{Now: at("2026-11-20 19:00"), Location: berlin, Lookback: 14 * 24 * time.Hour}
	var b strings.Builder
	if err := writePlanMarkdown(&b, p, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "### rtctl plan\n\n**No changes. Your account matches the configuration.**\n\nMade for Fri 2026-11-20 19:00 CET (Europe/Berlin), lookback 14d.\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("markdown (-want +got):\n%s", diff)
	}
}

func TestMarkdownCode(t *testing.T) {
	for in, want := range map[string]string{
		`offline_time.a["x"]`: "`offline_time.a[\"x\"]`",
		"a|b":                 "`a\\|b`",
		"a`b":                 "``a`b``",
		"`a":                  "`` `a ``",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
}
