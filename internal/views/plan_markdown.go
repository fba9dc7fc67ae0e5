package views

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/pkg/plan"
)

// DefaultMarkdownMaxRows is PlanOptions.MarkdownMaxRows when it is zero: a
// plan of thousands of in-sync items must still fit in a pull-request
// comment (GitHub refuses comments over 65,536 characters).
const DefaultMarkdownMaxRows = 100

// WriteMarkdown renders the plan as GitHub-flavoured Markdown, for a pull
// request comment or a job summary: the summary line first, a table per
// status that apply acts on or a reviewer should look at, and the in-sync and
// out-of-window items folded away in <details>. Everything taken from the
// configuration or the account is escaped, so a description cannot break the
// table or inject markup.
func writePlanMarkdown(w io.Writer, p *plan.Plan, opts PlanOptions) error {
	if opts.MarkdownMaxRows <= 0 {
		opts.MarkdownMaxRows = DefaultMarkdownMaxRows
	}
	t := &textWriter{w: w}
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	groups := map[plan.Status][]plan.Action{}
	for _, a := range p.Actions {
		groups[a.Status] = append(groups[a.Status], a)
	}

	t.printf("### rtctl plan\n\n**%s**\n\n", mdEscape(PlanSummaryLine(p)))
	t.printf("Made for %s (%s), lookback %s.\n", p.Now.In(loc).Format("Mon 2006-01-02 15:04 MST"), mdEscape(loc.String()), plan.FormatLookback(p.Lookback))
	if eta := etaLine(p, opts.Rate); eta != "" {
		t.printf("%s\n", mdEscape(eta))
	}
	for _, warn := range append([]string{p.JournalDoubt}, p.Warnings...) {
		if warn != "" {
			t.printf("\n> [!WARNING]\n> %s\n", mdEscape(warn))
		}
	}
	for _, s := range plan.Statuses {
		actions := groups[s]
		if len(actions) == 0 {
			continue
		}
		st := styles[s]
		title := fmt.Sprintf("%s (%d)", capitalize(st.title), len(actions))
		folded := !listedByDefault(s)
		if folded {
			t.printf("\n<details><summary>%s</summary>\n\n", title)
		} else {
			t.printf("\n#### %s\n\n", title)
		}
		t.printf("| | Item | What | Why |\n|---|---|---|---|\n")
		for i, a := range actions {
			if i == opts.MarkdownMaxRows {
				t.printf("| | … and %d more | | |\n", len(actions)-i)
				break
			}
			why := ""
			if a.Status != plan.Create || a.Reason != "not in the account" {
				why = a.Reason
			}
			if a.Offline != nil && a.Offline.Note != "" {
				why = strings.TrimPrefix(why+"; "+a.Offline.Note, "; ")
			}
			t.printf("| `%s` | %s | %s | %s |\n", st.symbol, mdCode(a.Address), mdEscape(describe(p, a)), mdEscape(why))
		}
		if folded {
			t.printf("\n</details>\n")
		}
	}
	return t.err
}

// mdReplacer escapes what Markdown or a table cell would interpret:
// punctuation that formats, "|" that ends a cell, "<" that opens HTML, and
// "&" that starts a character reference ("&rlm;" would put back the bidi
// mark termsafe escaped).
var mdReplacer = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `&lt;`, `>`, `&gt;`, `&`, `&amp;`, `|`, `\|`, `~`, `\~`, `#`, `\#`, `!`, `\!`,
)

// lineBreaks would end a table row or a quoted warning: they read as
// spaces.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// mdEscape makes s plain text in Markdown: line breaks become spaces,
// what a terminal would act on is escaped (termsafe), then Markdown's own
// characters.
func mdEscape(s string) string {
	return mdReplacer.Replace(termsafe.Escape(lineBreaks.Replace(s)))
}

// mdCode renders s as a code span inside a table cell. A code span shows
// its content literally, except that "|" must still be escaped for the table
// and a backtick in s needs a longer fence.
func mdCode(s string) string {
	s = strings.ReplaceAll(termsafe.Escape(lineBreaks.Replace(s)), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
