package spec

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
	"github.com/rtctl/rtctl/pkg/spec/datasource"
	"github.com/rtctl/rtctl/pkg/spec/values"
)

// writeConfig writes files into a new directory and returns it.
func writeConfig(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustLoad(t *testing.T, files map[string]string, opts LoadOptions) *Config {
	t.Helper()
	cfg, diags := Load(context.Background(), writeConfig(t, files), opts)
	if len(diags) > 0 {
		var b strings.Builder
		hcldiag.Render(&b, cfg.Files, diags, false)
		t.Fatalf("unexpected diagnostics:\n%s", b.String())
	}
	return cfg
}

var ignoreRanges = cmpopts.IgnoreFields(OfflineTime{}, "Range")

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestLoadItems(t *testing.T) {
	loc := berlin(t)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cfg := mustLoad(t, map[string]string{
		"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
  lookback = "1w"
}

locals {
  meetings = {
    abc = { start = "2026-11-20 10:00", minutes = 30 }
    xyz = { start = "2026-11-21T08:00:00Z", minutes = 45 }
  }
}

offline_time "standup" {
  start    = "2026-11-20 09:00"
  duration = "15m"
  activity = "Meeting"
  details  = "Daily standup"
}

offline_time "meetings" {
  for_each = local.meetings
  start    = each.value.start
  duration = "${each.value.minutes}m"
  activity = upper(each.key)
}
`,
		"more.rt.hcl": `
highlight "release" {
  count       = 2
  date        = dateadd("2026-11-20", count.index)
  description = "Release ${count.index}"
  source      = "ci"
}

focus_session "deep" {
  days     = ["Friday", "mon", "MON"]
  start    = "09:00"
  duration = "1h30m"
  from     = "2026-11-01"
}

focus_session "evening" {
  days             = ["sun"]
  start            = "20:00"
  until_end_of_day = true
}
`,
	}, LoadOptions{})

	if cfg.Timezone.String() != "Europe/Berlin" || cfg.Lookback != 7*24*time.Hour || cfg.OnOverlap != OverlapError {
		t.Errorf("settings = %v, %v, %v", cfg.Timezone, cfg.Lookback, cfg.OnOverlap)
	}
	wantOffline := []OfflineTime{
		{Address: "offline_time.standup", Start: at("2026-11-20 09:00"), End: at("2026-11-20 09:15"), Activity: "Meeting", Details: "Daily standup"},
		{Address: `offline_time.meetings["abc"]`, Start: at("2026-11-20 10:00"), End: at("2026-11-20 10:30"), Activity: "ABC"},
		{Address: `offline_time.meetings["xyz"]`, Start: at("2026-11-21 09:00"), End: at("2026-11-21 09:45"), Activity: "XYZ"},
	}
	if diff := cmp.Diff(wantOffline, cfg.OfflineTimes, ignoreRanges); diff != "" {
		t.Errorf("offline time (-want +got):\n%s", diff)
	}
	wantHighlights := []Highlight{
		{Address: "highlight.release[0]", Date: values.Date{Year: 2026, Month: time.November, Day: 20}, Description: "Release 0", Source: "ci"},
		{Address: "highlight.release[1]", Date: values.Date{Year: 2026, Month: time.November, Day: 21}, Description: "Release 1", Source: "ci"},
	}
	if diff := cmp.Diff(wantHighlights, cfg.Highlights, cmpopts.IgnoreFields(Highlight{}, "Range")); diff != "" {
		t.Errorf("highlights (-want +got):\n%s", diff)
	}
	from := values.Date{Year: 2026, Month: time.November, Day: 1}
	wantFocus := []FocusSession{
		{Address: "focus_session.deep", Days: []time.Weekday{time.Monday, time.Friday}, Start: 9 * 60, Duration: 90 * time.Minute, From: &from},
		{Address: "focus_session.evening", Days: []time.Weekday{time.Sunday}, Start: 20 * 60, UntilEndOfDay: true},
	}
	if diff := cmp.Diff(wantFocus, cfg.FocusSessions, cmpopts.IgnoreFields(FocusSession{}, "Range")); diff != "" {
		t.Errorf("focus sessions (-want +got):\n%s", diff)
	}

	// Every item keeps where it was declared.
	r := cfg.OfflineTimes[1].Range
	if filepath.Base(r.Filename) != "main.rt.hcl" || r.Start.Line != 21 {
		t.Errorf("meetings range = %s, want main.rt.hcl line 21", r)
	}
	if r := cfg.Highlights[0].Range; filepath.Base(r.Filename) != "more.rt.hcl" || r.Start.Line != 2 {
		t.Errorf("release range = %s, want more.rt.hcl line 2", r)
	}
}

func TestOverlapTrim(t *testing.T) {
	cfg := mustLoad(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone   = "UTC"
  on_overlap = "trim"
}
offline_time "a" {
  start    = "2026-11-20 09:00"
  duration = "1h"
  activity = "A"
}
offline_time "b" {
  start    = "2026-11-20 09:30"
  duration = "1h"
  activity = "B"
}
offline_time "c" {
  start    = "2026-11-20 09:10"
  duration = "20m"
  activity = "C"
}
`}, LoadOptions{})
	at := func(s string) time.Time { tm, _ := time.Parse("2006-01-02 15:04", s); return tm }
	want := []OfflineTime{
		{Address: "offline_time.a", Start: at("2026-11-20 09:00"), End: at("2026-11-20 10:00"), Activity: "A"},
		{Address: "offline_time.b", Start: at("2026-11-20 10:00"), End: at("2026-11-20 10:30"), Activity: "B",
			Trimmed: &Trim{By: "offline_time.a", OriginalStart: at("2026-11-20 09:30"), OriginalEnd: at("2026-11-20 10:30")}},
	}
	if diff := cmp.Diff(want, cfg.OfflineTimes, ignoreRanges); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	wantDropped := []OfflineTime{{Address: "offline_time.c", Start: at("2026-11-20 09:10"), End: at("2026-11-20 09:30"), Activity: "C",
		Trimmed: &Trim{By: "offline_time.a", OriginalStart: at("2026-11-20 09:10"), OriginalEnd: at("2026-11-20 09:30"), Dropped: true}}}
	if diff := cmp.Diff(wantDropped, cfg.DroppedOfflineTimes, ignoreRanges); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
}

// TestVariablePrecedence checks each source overrides the ones below it:
// default < RTCTL_VAR_ < *.rtvars.hcl < --var-file < --var.
func TestVariablePrecedence(t *testing.T) {
	files := map[string]string{
		"main.rt.hcl": `
rtctl { timezone = "UTC" }
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "days" { type = list(string) }
highlight "h" {
  for_each    = { a = var.a, b = var.b, c = var.c, d = var.d, e = var.e, days = join(",", var.days) }
  date        = "2026-11-20"
  description = each.value
}
`,
		"x.rtvars.hcl": "c = \"auto\"\nd = \"auto\"\ne = \"auto\"\n",
	}
	dir := writeConfig(t, files)
	varFile := filepath.Join(dir, "cli.vars")
	if err := os.WriteFile(varFile, []byte("d = \"file\"\ne = \"file\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"RTCTL_VAR_b": "env", "RTCTL_VAR_c": "env", "RTCTL_VAR_days": `["mon", "tue"]`}
	cfg, diags := Load(context.Background(), dir, LoadOptions{
		Vars:     map[string]string{"e": "cli"},
		VarFiles: []string{varFile},
		Getenv:   func(k string) string { return env[k] },
	})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	got := map[string]string{}
	for _, h := range cfg.Highlights {
		got[strings.TrimSuffix(strings.TrimPrefix(h.Address, `highlight.h["`), `"]`)] = h.Description
	}
	want := map[string]string{"a": "default", "b": "env", "c": "auto", "d": "file", "e": "cli", "days": "mon,tue"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

// fakeSource is a data source registered by the test, proving data sources
// plug in without loader changes: it echoes its config and what the loader
// gave it.
type fakeSource struct{ calls *[]string }

func (f fakeSource) ConfigSpec() hcldec.Spec {
	return &hcldec.ObjectSpec{
		"prefix": &hcldec.AttrSpec{Name: "prefix", Type: cty.String, Required: true},
		"count":  &hcldec.AttrSpec{Name: "count", Type: cty.Number},
	}
}

func (f fakeSource) Read(dc datasource.Context, config cty.Value) (cty.Value, hcl.Diagnostics) {
	*f.calls = append(*f.calls, dc.Address)
	prefix := config.GetAttr("prefix").AsString()
	if prefix == "fail" {
		return cty.NilVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Fake failure", Subject: dc.Range.Ptr()}}
	}
	n := 1
	if c := config.GetAttr("count"); !c.IsNull() {
		i, _ := c.AsBigFloat().Int64()
		n = int(i)
	}
	events := map[string]cty.Value{}
	for i := 0; i < n; i++ {
		events[fmt.Sprintf("%s%d", prefix, i)] = cty.ObjectVal(map[string]cty.Value{
			"start": cty.StringVal(dc.Now.In(dc.Timezone).AddDate(0, 0, i).Format("2006-01-02") + " 14:00"),
			"title": cty.StringVal(fmt.Sprintf("%s event %d", prefix, i)),
		})
	}
	return cty.ObjectVal(map[string]cty.Value{
		"events":   cty.MapVal(events),
		"timezone": cty.StringVal(dc.Timezone.String()),
	}), nil
}

func TestDataSourcePlugsIn(t *testing.T) {
	var calls []string
	reg := datasource.Registry{"fake": fakeSource{calls: &calls}}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	cfg := mustLoad(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = local.tz
}
locals {
  tz     = "Europe/Berlin"
  prefix = data.fake.first.timezone == "Europe/Berlin" ? "second" : "wrong"
}
# Declared before what it depends on: evaluation follows references.
data "fake" "second" {
  prefix = local.prefix
  count  = 2
}
data "fake" "first" {
  prefix = "first"
}
offline_time "calendar" {
  for_each = data.fake.second.events
  start    = each.value.start
  duration = "30m"
  activity = "Meeting"
  details  = each.value.title
}
`}, LoadOptions{DataSources: reg, Now: now})
	if diff := cmp.Diff([]string{"data.fake.first", "data.fake.second"}, calls); diff != "" {
		t.Errorf("read order (-want +got):\n%s", diff)
	}
	var got []string
	for _, o := range cfg.OfflineTimes {
		got = append(got, o.Address+" "+o.Start.Format(time.RFC3339)+" "+o.Details)
	}
	want := []string{
		`offline_time.calendar["second0"] 2026-11-20T14:00:00+01:00 second event 0`,
		`offline_time.calendar["second1"] 2026-11-21T14:00:00+01:00 second event 1`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}

	// A failing data source is reported where it is declared, and what
	// depends on it is not reported a second time.
	_, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl { timezone = "UTC" }
data "fake" "broken" { prefix = "fail" }
highlight "h" {
  for_each    = data.fake.broken.events
  date        = "2026-11-20"
  description = each.value.title
}
`}), LoadOptions{DataSources: reg})
	if len(diags) != 1 || diags[0].Summary != "Fake failure" || diags[0].Subject.Start.Line != 3 {
		t.Errorf("diags = %v, want one Fake failure on line 3", diags)
	}
}

func TestDataSourceCycle(t *testing.T) {
	var calls []string
	_, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl { timezone = local.tz }
locals { tz = data.fake.x.timezone }
data "fake" "x" { prefix = "x" }
`}), LoadOptions{DataSources: datasource.Registry{"fake": fakeSource{calls: &calls}}})
	if len(diags) != 1 || diags[0].Summary != "Cycle in references" {
		t.Fatalf("diags = %v", diags)
	}
	if want := "rtctl → local.tz → data.fake.x → rtctl"; !strings.Contains(diags[0].Detail, want) {
		t.Errorf("detail %q does not name the cycle %q", diags[0].Detail, want)
	}
	if len(calls) != 0 {
		t.Errorf("data source read despite the cycle: %v", calls)
	}
}

func TestFileAndEnvFunctions(t *testing.T) {
	dir := writeConfig(t, map[string]string{
		"main.rt.hcl": `
rtctl { timezone = "UTC" }
highlight "h" {
  date        = "2026-11-20"
  description = "${trimspace(file("notes/today.txt"))} on ${nonsensitive(env("HOST_LABEL"))}${nonsensitive(env("UNSET"))}"
}
`,
	})
	if err := os.MkdirAll(filepath.Join(dir, "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes", "today.txt"), []byte("Wrote docs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := Load(context.Background(), dir, LoadOptions{Getenv: func(k string) string {
		if k == "HOST_LABEL" {
			return "laptop"
		}
		return ""
	}})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if got := cfg.Highlights[0].Description; got != "Wrote docs on laptop" {
		t.Errorf("description = %q", got)
	}
}

func TestHash(t *testing.T) {
	files := map[string]string{"main.rt.hcl": `
rtctl { timezone = "UTC" }
variable "text" { default = "a" }
highlight "h" {
  date        = "2026-11-20"
  description = var.text
}
`}
	a := mustLoad(t, files, LoadOptions{})
	b := mustLoad(t, files, LoadOptions{})
	c := mustLoad(t, files, LoadOptions{Vars: map[string]string{"text": "b"}})
	files["main.rt.hcl"] += "\n"
	d := mustLoad(t, files, LoadOptions{})
	if a.Hash == "" || a.Hash != b.Hash {
		t.Errorf("hash not stable: %q vs %q", a.Hash, b.Hash)
	}
	if c.Hash == a.Hash {
		t.Error("hash ignores variable values")
	}
	if d.Hash == a.Hash {
		t.Error("hash ignores source changes")
	}
}

func TestExamplesValidate(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "examples", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			opts, warnings, dir := exampleLoadOptions(t, filepath.Base(dir))
			cfg, diags := Load(context.Background(), dir, opts)
			var unexpected hcl.Diagnostics
			for _, d := range diags {
				if d.Severity == hcl.DiagError || !slices.Contains(warnings, d.Summary) {
					unexpected = append(unexpected, d)
				}
			}
			if len(unexpected) > 0 {
				var b strings.Builder
				hcldiag.Render(&b, cfg.Files, unexpected, false)
				t.Fatalf("example does not validate cleanly:\n%s", b.String())
			}
			if len(cfg.OfflineTimes)+len(cfg.Highlights)+len(cfg.FocusSessions) == 0 {
				t.Error("example declares no items")
			}
			for name, f := range cfg.Files {
				if out, _ := Format(f.Bytes, name); string(out) != string(f.Bytes) {
					t.Errorf("%s is not formatted (run rtctl fmt)", name)
				}
			}
		})
	}
	if n < 3 {
		t.Errorf("found %d examples, want at least 3", n)
	}
}

func TestStarterConfigValidates(t *testing.T) {
	for _, tz := range []string{"UTC", "Europe/Berlin"} {
		cfg := mustLoad(t, map[string]string{StarterFileName: string(StarterConfig(tz))}, LoadOptions{})
		if cfg.Timezone.String() != tz {
			t.Errorf("starter time zone = %s, want %s", cfg.Timezone, tz)
		}
		if out, _ := Format(StarterConfig(tz), "x"); string(out) != string(StarterConfig(tz)) {
			t.Errorf("starter configuration is not canonically formatted")
		}
	}
}

// Diagnostics render the same from a file cut after their snippet as from
// the whole file, the context line ("in rtctl") included.
func TestRenderDiagnosticsCutsTheFile(t *testing.T) {
	var src strings.Builder
	src.WriteString("rtctl {\n  timezone = \"UTC\"\n  lookback = \"40d\"\n}\n")
	for i := range 100 {
		fmt.Fprintf(&src, "highlight \"h%d\" {\n  date        = \"2026-11-20\"\n  description = \"%d\"\n}\n", i, i)
	}
	src.WriteString("highlight \"last\" {\n  date        = \"2026-11-40\"\n  description = \"x\"\n}\n")
	cfg, diags := Load(context.Background(), writeConfig(t, map[string]string{"main.rt.hcl": src.String()}), LoadOptions{Now: testNow})
	if len(diags) == 0 {
		t.Fatal("no diagnostics to render")
	}
	var got, want strings.Builder
	if err := hcldiag.Render(&got, cfg.Files, diags, false); err != nil {
		t.Fatal(err)
	}
	if err := hcl.NewDiagnosticTextWriter(&want, cfg.Files, hcldiag.Width, false).WriteDiagnostics(diags); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("cut:\n%s\nwhole:\n%s", got.String(), want.String())
	}
	if !strings.Contains(got.String(), "in rtctl:") || !strings.Contains(got.String(), "line 406") {
		t.Errorf("want a diagnostic in the rtctl block and one near the end:\n%s", got.String())
	}
}

func TestParseVarArg(t *testing.T) {
	if n, v, err := ParseVarArg("team=a=b"); err != nil || n != "team" || v != "a=b" {
		t.Errorf("got %q %q %v", n, v, err)
	}
	for _, bad := range []string{"team", "=x", "1x=2"} {
		if _, _, err := ParseVarArg(bad); err == nil {
			t.Errorf("ParseVarArg(%q) accepted", bad)
		}
	}
}
