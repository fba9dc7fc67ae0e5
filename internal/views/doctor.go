package views

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// doctorMarks are the signs in front of each of doctor's lines.
var doctorMarks = map[workspace.CheckStatus]string{
	workspace.CheckOK:      "ok  ",
	workspace.CheckWarn:    "warn",
	workspace.CheckFail:    "FAIL",
	workspace.CheckUnknown: "??  ",
}

// WriteDoctorText renders doctor's report: the account, then one line per
// check with what to do under it.
func WriteDoctorText(w io.Writer, r *workspace.DoctorReport) error {
	fmt.Fprintf(w, "Account: %s\nAnswered by: %s\n\n", doctorClean(r.Target), doctorClean(r.Backend))
	width := 0
	for _, c := range r.Checks {
		width = max(width, len(c.Name))
	}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "%s  %-*s  %s\n", doctorMarks[c.Status], width, c.Name, doctorClean(c.Finding))
		if c.Do != "" {
			fmt.Fprintf(w, "      %-*s  -> %s\n", width, "", doctorClean(c.Do))
		}
	}
	if p := r.Probe; p != nil {
		fmt.Fprintln(w)
		WriteProbeResult(w, p)
	}
	n := r.Problems()
	switch n {
	case 0:
		_, err := fmt.Fprintln(w, "\nNo problem found.")
		return err
	default:
		_, err := fmt.Fprintf(w, "\n%d problem(s) found.\n", n)
		return err
	}
}

// WriteDoctorJSON renders the report as JSON (rtctl doctor -o json). It
// holds the account's names and dates; the shareable report is
// WriteShapeReport.
func WriteDoctorJSON(w io.Writer, r *workspace.DoctorReport) error {
	return writeJSON(w, struct {
		FormatVersion string `json:"format_version"`
		*workspace.DoctorReport
		ModelFlags string `json:"model_flags,omitempty"`
	}{"1", r, r.Model.Flags()})
}

// WriteShapeReport writes rtctl doctor --report's file: shapes, never
// values.
func WriteShapeReport(w io.Writer, s *workspace.ShapeReport) error { return writeJSON(w, s) }

// WriteProbePrompt says exactly what the probe will post, and that it
// cannot be taken back through the API.
func WriteProbePrompt(w io.Writer, in workspace.ProbeIntent) {
	loc := in.Start.Location()
	if in.Already {
		fmt.Fprintf(w, "An earlier probe already posted its block (%s to %s); nothing is posted again. The report is watched until it shows it.\n",
			in.Start.Format("2006-01-02 15:04"), in.End.In(loc).Format("15:04 MST"))
		return
	}
	fmt.Fprintf(w, `rtctl doctor --probe will post ONE offline time block to this RescueTime account:

  when:     %s to %s (%s)
  activity: %s
  details:  %s
  request:  %s

The API cannot delete it: it stays in the account until you remove it by
hand in RescueTime's web app. rtctl then reads the report every minute
until the block appears, and records when and how it did in the journal,
for later plans to use. Offline time you declare over those five minutes
would then show as a conflict with it.
`, in.Start.Format("2006-01-02 15:04"), in.End.In(loc).Format("15:04"), loc, doctorClean(in.Activity), doctorClean(in.Details), doctorClean(in.Request.String()))
}

// WriteProbeResult says what the probe saw.
func WriteProbeResult(w io.Writer, p *workspace.ProbeResult) {
	switch {
	case p.Seen && p.Shape == "as-posted":
		fmt.Fprintf(w, "Probe: the report showed the block %s after it was posted, under the activity posted (category %q).\n", doctorDelay(p.Delay), doctorClean(p.Category))
	case p.Seen:
		fmt.Fprintf(w, "Probe: the report showed the block %s after it was posted, under %q (category %q), not under the activity posted.\n", doctorDelay(p.Delay), doctorClean(p.Activity), doctorClean(p.Category))
	default:
		fmt.Fprintf(w, "Probe: the report did not show the block within %s: it hides posted offline time, or syncs later than that. Run rtctl doctor again later: a block still missing after %s counts as hidden.\n", plan.RoundDuration(p.Watched), plan.RoundDuration(plan.SettleAfter))
	}
}

func doctorDelay(d time.Duration) string {
	if d < time.Minute {
		return "within a minute"
	}
	return plan.RoundDuration(d)
}

// doctorClean keeps what the server or the configuration said from
// steering the terminal: control characters become spaces.
func doctorClean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
}
