package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rtctl/rtctl/pkg/spec"
)

var testNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

// Every shape loads as rtctl validate loads it, without errors, and
// declares the items it says, all inside the lookback and before now.
func TestGeneratedConfigurationsLoad(t *testing.T) {
	for _, shape := range Shapes {
		t.Run(shape, func(t *testing.T) {
			gen, err := Generate(shape, 10, testNow)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := gen.Write(dir); err != nil {
				t.Fatal(err)
			}
			cfg, diags := spec.Load(context.Background(), dir, spec.LoadOptions{Now: testNow})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if len(cfg.OfflineTimes) != 10 {
				t.Fatalf("%d blocks, want 10", len(cfg.OfflineTimes))
			}
			first, last := cfg.OfflineTimes[0], cfg.OfflineTimes[9]
			if !first.Start.Equal(gen.First) || !last.End.Equal(gen.Last) {
				t.Errorf("blocks from %s to %s, want %s to %s", first.Start, last.End, gen.First, gen.Last)
			}
			if from := testNow.Add(-cfg.Lookback); first.Start.Before(from) || last.End.After(testNow) {
				t.Errorf("blocks from %s to %s, outside the lookback window %s to %s", first.Start, last.End, from, testNow)
			}
		})
	}
}

// The literal shape is the issue's: a 15-minute block every 20 minutes with
// start, duration and activity, about 100 bytes an item.
func TestLiteralShape(t *testing.T) {
	gen, err := Generate(ShapeLiteral, 2, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := `rtctl {
  timezone = "UTC"
  lookback = "2d"
}

offline_time "b000000" {
  start    = "2026-11-20 16:25"
  duration = "15m"
  activity = "Activity 0"
}

offline_time "b000001" {
  start    = "2026-11-20 16:45"
  duration = "15m"
  activity = "Activity 1"
}

`
	if diff := cmp.Diff(want, string(gen.Files["main.rt.hcl"])); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// data "ical" reads at most 366 days: the calendar shape fits 100,000
// events and says so when asked for more than fit.
func TestCalendarLimit(t *testing.T) {
	if _, err := Generate(ShapeCalendar, 100000, testNow); err != nil {
		t.Errorf("100,000 events: %v", err)
	}
	if _, err := Generate(ShapeCalendar, 110000, testNow); err == nil || !strings.Contains(err.Error(), "do not fit") {
		t.Errorf("110,000 events: %v", err)
	}
	if _, err := Generate("yaml", 10, testNow); err == nil {
		t.Error("unknown shape accepted")
	}
}

func TestReplaceBetweenMarkers(t *testing.T) {
	doc := "# Benchmarks\n\nintro\n\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\n\nafter\n"
	got, err := replaceBetweenMarkers([]byte(doc), "new table\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "# Benchmarks\n\nintro\n\n<!-- bench:begin -->\n\nnew table\n\n<!-- bench:end -->\n\nafter\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Replacing again gives the same document.
	again, err := replaceBetweenMarkers(got, "new table")
	if err != nil || string(again) != want {
		t.Errorf("not idempotent: %q, %v", again, err)
	}
	for name, bad := range map[string]string{
		"no begin": "text\n<!-- bench:end -->\n",
		"no end":   "<!-- bench:begin -->\ntext\n",
		"reversed": "<!-- bench:end -->\n<!-- bench:begin -->\n",
		"two":      "<!-- bench:begin --><!-- bench:end --><!-- bench:begin --><!-- bench:end -->",
	} {
		if _, err := replaceBetweenMarkers([]byte(bad), "x"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSummarize(t *testing.T) {
	st := Summarize([]Sample{
		{Wall: 3 * time.Second, CPU: 5 * time.Second, RSS: 30, Requests: 5},
		{Wall: 1 * time.Second, CPU: 2 * time.Second, RSS: 10, Requests: 5},
		{Wall: 2 * time.Second, CPU: 9 * time.Second, RSS: 20, Requests: 5},
	})
	want := Stats{N: 3, Wall: 2 * time.Second, CPU: 5 * time.Second, CPUMin: 2 * time.Second, CPUMax: 9 * time.Second, RSS: 20, Requests: 5}
	if st != want {
		t.Errorf("got %+v, want %+v", st, want)
	}
	if got := Summarize([]Sample{{RSS: 1}, {RSS: 4}}).RSS; got != 2 {
		t.Errorf("median of two: %d", got)
	}
}

func TestTable(t *testing.T) {
	r := Report{Results: []Result{{
		Shape: ShapeLiteral, Items: 10000, Bytes: 1 << 20,
		Rows: []Row{
			{CmdFloor, Stats{N: 3, Wall: time.Second, CPU: 400 * time.Millisecond, CPUMin: 390 * time.Millisecond, CPUMax: 410 * time.Millisecond, RSS: 100 << 20}},
			{CmdPlan, Stats{N: 3, Wall: time.Second, CPU: 800 * time.Millisecond, CPUMin: 800 * time.Millisecond, CPUMax: 900 * time.Millisecond, RSS: 150 << 20, Requests: 5, Conns: 1}},
		},
		Err: errors.New("apply: stopped\nmore"),
	}}}
	got := r.Markdown()
	for _, want := range []string{
		"| literal | 10,000 | 1.0 MiB | parse floor | 1.000 s | 0.400 s (0.390–0.410) | 100.0 MiB | – | – | – | – |",
		"| literal | 10,000 | 1.0 MiB | plan, empty account | 1.000 s | 0.800 s (0.800–0.900) | 150.0 MiB | 5 | 1 | 2.00 | 1.50 |",
		"- literal, 10,000 items: apply: stopped\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestParseFlags(t *testing.T) {
	var stderr strings.Builder
	o, err := parseFlags([]string{"-sizes", "10, 1000", "-shapes", "literal", "-env", "GOGC=200"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{10, 1000}, o.sizes); diff != "" || len(o.shapes) != 1 || o.env[0] != "GOGC=200" || o.runs != 3 {
		t.Errorf("got %+v", o)
	}
	for _, bad := range [][]string{{"-sizes", "ten"}, {"-sizes", "0"}, {"-shapes", "yaml"}, {"-runs", "0"}, {"-env", "=x"}, {"extra"}} {
		if _, err := parseFlags(bad, &stderr); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestScaling(t *testing.T) {
	res := func(n int, floor, plan time.Duration) Result {
		return Result{Shape: ShapeLiteral, Items: n, Rows: []Row{{CmdFloor, Stats{CPU: floor}}, {CmdPlan, Stats{CPU: plan}}}}
	}
	r := Report{Results: []Result{res(100000, 20*time.Second, 90*time.Second), res(10000, 2*time.Second, 10*time.Second)}}
	want := "| literal | 10,000 → 100,000 | 10× | 10.0× | 9.0× | – | – |\n"
	if got := r.Scaling(); !strings.HasSuffix(got, want) {
		t.Errorf("got\n%s\nwant the row\n%s", got, want)
	}
	if got := (Report{Results: r.Results[:1]}).Scaling(); got != "" {
		t.Errorf("one size: %q", got)
	}
}
