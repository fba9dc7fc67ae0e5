package views

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/pkg/plan"
)

type style struct {
	symbol string
	color  string // ANSI SGR parameters
	title  string
}

var styles = map[plan.Status]style{
	plan.Create:      {"+", "32", "to create"},
	plan.Conflict:    {"!", "31", "in conflict"},
	plan.Uncertain:   {"?", "33", "uncertain"},
	plan.Deferred:    {">", "36", "deferred"},
	plan.Orphaned:    {"*", "35", "orphaned"},
	plan.OutOfWindow: {"<", "90", "out of window"},
	plan.InSync:      {"=", "90", "in sync"},
	plan.Held:        {"-/+", "33", "held"},
}

// listedByDefault says which statuses are listed item by item; the others
// are only counted unless the rendering is verbose, so that a configuration
// of a thousand items that are in sync does not bury the one that is not.
func listedByDefault(s plan.Status) bool {
	return s != plan.InSync && s != plan.OutOfWindow
}

type textWriter struct {
	w     io.Writer
	color bool
	err   error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, args...)
}

func (t *textWriter) paint(sgr, s string) string {
	if !t.color || sgr == "" {
		return s
	}
	return "\x1b[" + sgr + "m" + s + "\x1b[0m"
}

// WriteText renders the plan for a person: a legend of the symbols used, one
// block per listed item grouped by status, warnings, and a one-line summary.
func writePlanText(w io.Writer, p *plan.Plan, opts PlanOptions) error {
	t := &textWriter{w: w, color: opts.Color}
	groups := map[plan.Status][]plan.Action{}
	for _, a := range p.Actions {
		groups[a.Status] = append(groups[a.Status], a)
	}
	listed := func(s plan.Status) bool { return len(groups[s]) > 0 && (opts.Verbose || listedByDefault(s)) }

	if p.JournalDoubt != "" {
		// First: it changes what "not in the account" means for every item.
		t.printf("%s %s\n\n", t.paint("33", "Warning:"), p.JournalDoubt)
	}
	var legend []string
	for _, s := range plan.Statuses {
		if listed(s) {
			st := styles[s]
			legend = append(legend, fmt.Sprintf("  %s %s", t.paint(st.color, st.symbol), st.title))
		}
	}
	if len(legend) > 0 {
		t.printf("Symbols:\n%s\n", strings.Join(legend, "\n"))
	}
	for _, s := range plan.Statuses {
		if !listed(s) {
			continue
		}
		st := styles[s]
		t.printf("\n%s (%d):\n", capitalize(st.title), len(groups[s]))
		for _, a := range groups[s] {
			// Values are quoted with %q; reasons, notes and warnings
			// may quote the account or a file as they are.
			t.printf("  %s %s\n", t.paint(st.color, st.symbol), t.paint("1", termsafe.Escape(a.Address)))
			t.printf("      %s\n", describe(p, a))
			if a.Status != plan.Create || a.Reason != "not in the account" {
				for _, line := range wrapComment(termsafe.Escape(a.Reason), opts.Width) {
					body := strings.TrimLeft(line, " ")
					t.printf("%s%s\n", line[:len(line)-len(body)], t.paint("90", body))
				}
			}
			if a.Offline != nil && a.Offline.Note != "" {
				for _, line := range wrapComment(termsafe.Escape(a.Offline.Note), opts.Width) {
					body := strings.TrimLeft(line, " ")
					t.printf("%s%s\n", line[:len(line)-len(body)], t.paint("90", body))
				}
			}
		}
	}
	for _, warn := range p.Warnings {
		t.printf("\n%s %s\n", t.paint("33", "Warning:"), termsafe.EscapeLines(warn))
	}
	t.printf("\n%s\n", PlanSummaryLine(p))
	if eta := etaLine(p, opts.Rate); eta != "" {
		t.printf("%s\n", eta)
	}
	return t.err
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// describe renders an item's salient values on one line, in the account's
// zone.
func describe(p *plan.Plan, a plan.Action) string {
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	switch {
	case a.Offline != nil:
		o := a.Offline
		s, e := o.Start.In(loc), o.End.In(loc)
		span := s.Format("Mon 2006-01-02 15:04") + "–" + e.Format("15:04")
		if s.Format(time.DateOnly) != e.Format(time.DateOnly) {
			span = s.Format("Mon 2006-01-02 15:04") + " – " + e.Format("Mon 2006-01-02 15:04")
		}
		out := fmt.Sprintf("%s (%s)  %q", span, plan.RoundDuration(o.Duration()), o.Activity)
		if o.Details != "" {
			out += fmt.Sprintf(": %q", o.Details)
		}
		return out
	case a.Highlight != nil:
		out := fmt.Sprintf("%s  %q", a.Highlight.Date, a.Highlight.Description)
		if a.Highlight.Source != "" {
			out += fmt.Sprintf(" (source %q)", a.Highlight.Source)
		}
		return out
	case a.Kind == plan.KindFocusEnd:
		return fmt.Sprintf("end the FocusTime session started %s", a.Focus.SessionStart.In(loc).Format("Mon 2006-01-02 15:04"))
	case a.Focus != nil:
		f := a.Focus
		length := "until the end of the day"
		if f.Minutes >= 0 {
			length = fmt.Sprintf("for %d minutes", f.Minutes)
		}
		return fmt.Sprintf("FocusTime %s, window %s–%s", length, f.WindowStart.In(loc).Format("Mon 2006-01-02 15:04"), f.WindowEnd.In(loc).Format("15:04"))
	}
	return ""
}

// SummaryLine is the plan's one-line summary, e.g.
// "Plan: 3 to create, 1 deferred, 42 in sync." or, when apply would send
// nothing, "No changes. Your account matches the configuration.", unless
// orphans wait for a person, whom the line then names the next step.
func PlanSummaryLine(p *plan.Plan) string {
	s := p.Summary()
	var parts []string
	for _, st := range []plan.Status{plan.Conflict, plan.Uncertain, plan.Held, plan.Deferred, plan.Orphaned, plan.OutOfWindow, plan.InSync} {
		if n := s[st]; n > 0 {
			label := styles[st].title
			if st == plan.Conflict {
				label = plural(n, "conflict", "conflicts")
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	if s[plan.Create] == 0 && s[plan.Conflict] == 0 && s[plan.Uncertain] == 0 && s[plan.Held] == 0 {
		line := "No changes. Your account matches the configuration."
		if n := s[plan.Orphaned]; n > 0 {
			// Not "no changes": the account holds what the configuration
			// no longer declares, and only a person can remove it.
			line = fmt.Sprintf("Nothing to post, but %d orphaned %s a person: remove %s in the RescueTime web app, then run rtctl forget --orphaned.",
				n, plural(n, "item needs", "items need"), plural(n, "it", "them"))
		}
		if len(parts) > 0 {
			line += " (" + strings.Join(parts, ", ") + ")"
		}
		return line
	}
	return "Plan: " + strings.Join(append([]string{fmt.Sprintf("%d to create", s[plan.Create])}, parts...), ", ") + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// wrapComment writes text as a "# " comment under an item, in lines of at
// most width columns (the last word may run over when a single word is
// longer), continuation lines aligned after the "# ". width 0: one line.
func wrapComment(text string, width int) []string {
	const first, next = "      # ", "        "
	words := strings.Fields(text)
	if width <= 0 || len(words) == 0 || utf8.RuneCountInString(first+text) <= width {
		return []string{first + text}
	}
	var lines []string
	line := first
	for _, w := range words {
		switch {
		case line == first || line == next:
			line += w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width:
			lines = append(lines, line)
			line = next + w
		default:
			line += " " + w
		}
	}
	return append(lines, line)
}
