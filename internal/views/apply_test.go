package views

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/plan"
)

// TestApplyTextTerminalShowsETA checks the updating line of a terminal:
// done/total, the time elapsed and, from the pace so far, the time left.
func TestApplyTextTerminalShowsETA(t *testing.T) {
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	v := NewApplyText(&out, ApplyTextOptions{Terminal: true, Now: func() time.Time { return now }, Stderr: &out})
	todo := []plan.Action{{Address: "highlight.a"}, {Address: "highlight.b"}, {Address: "highlight.c"}, {Address: "highlight.d"}}
	v.Run(todo)
	v.Start(todo[0])
	now = now.Add(30 * time.Second)
	v.Result(apply.ItemResult{Action: todo[0], Outcome: apply.Created})
	v.Start(todo[1])
	if got := out.String(); !strings.Contains(got, "[1/4] 0:30 elapsed, about 1:30 left  highlight.b") {
		t.Errorf("progress line %q, want done/total, elapsed and the time left", got)
	}
	now = now.Add(30 * time.Second)
	v.Result(apply.ItemResult{Action: todo[1], Outcome: apply.Failed, Err: errors.New("refused")})
	v.Finish()
	if got := out.String(); !strings.Contains(got, "[2/4] ! highlight.b: failed. refused\n") || !strings.HasSuffix(got, "[2/4] done in 1:00\n") {
		t.Errorf("output %q, want the failure on a line of its own and the total time", got)
	}
}

func TestETALine(t *testing.T) {
	p := &plan.Plan{}
	for range 2000 {
		p.Actions = append(p.Actions, plan.Action{Status: plan.Create})
	}
	if got, want := etaLine(p, 1), "Apply will take about 33 minutes: 2000 POSTs at 1 a second."; !strings.HasPrefix(got, want) {
		t.Errorf("etaLine = %q, want it to start %q", got, want)
	}
	if got := etaLine(p, 0); got != "" {
		t.Errorf("no limit: %q, want nothing", got)
	}
	if got := etaLine(p, 50); got != "" {
		t.Errorf("40 s: %q, want nothing under a minute", got)
	}
	if got := etaLine(p, 0.25); !strings.Contains(got, "about 2 hours 13 minutes") {
		t.Errorf("etaLine = %q", got)
	}
}

// TestApplyTextResultsInPlanOrder checks that the result lines follow the
// plan's order, whatever order the parallel POSTs end in (issue 24, item
// 10: the lines came in the order of the answers, so the apply's listing
// did not read against the plan's), and that the counter counts the lines.
func TestApplyTextResultsInPlanOrder(t *testing.T) {
	todo := []plan.Action{{Address: "highlight.a"}, {Address: "highlight.b"}, {Address: "highlight.c"}, {Address: "highlight.d"}}
	for _, tc := range []struct {
		name   string
		answer []int // the order the POSTs end in
		flush  bool  // Flush after the answers, as a second Ctrl-C does
		want   string
	}{
		{
			name:   "all answered",
			answer: []int{2, 0, 3, 1},
			want:   "[1/4] + highlight.a: created\n[2/4] + highlight.b: created\n[3/4] + highlight.c: created\n[4/4] + highlight.d: created\n",
		},
		{
			// b is still in flight: c and d wait for it.
			name:   "one in flight",
			answer: []int{3, 0, 2},
			want:   "[1/4] + highlight.a: created\n",
		},
		{
			// A second Ctrl-C abandons b: what was answered is shown before
			// the process ends, in the plan's order.
			name:   "flushed",
			answer: []int{3, 0, 2},
			flush:  true,
			want:   "[1/4] + highlight.a: created\n[2/4] + highlight.c: created\n[3/4] + highlight.d: created\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			v := NewApplyText(&out, ApplyTextOptions{Stderr: &out})
			v.Run(todo)
			for _, i := range tc.answer {
				v.Start(todo[i])
			}
			for _, i := range tc.answer {
				v.Result(apply.ItemResult{Action: todo[i], Outcome: apply.Created})
			}
			if tc.flush {
				v.Flush()
			}
			if got := strings.TrimPrefix(out.String(), "\n"); got != tc.want {
				t.Errorf("result lines:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestApplyJSONOutcomeWords pins the event stream's outcome words: format
// 1.0 wrote "skipped" for an item never sent, and the Go name
// (apply.NotSent, written "not_sent" like the journal's) must not leak
// into it.
func TestApplyJSONOutcomeWords(t *testing.T) {
	for _, tc := range []struct {
		outcome apply.Outcome
		want    string
	}{
		{apply.Created, `"outcome":"created"`},
		{apply.Failed, `"outcome":"failed"`},
		{apply.Unknown, `"outcome":"unknown"`},
		{apply.NotSent, `"outcome":"skipped"`},
	} {
		var out bytes.Buffer
		v := NewApplyJSON(&out, func() time.Time { return time.Unix(0, 0) })
		v.Result(apply.ItemResult{Action: plan.Action{Address: "a.b"}, Outcome: tc.outcome})
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%s: event %s, want %s", tc.outcome, out.String(), tc.want)
		}
	}
}
