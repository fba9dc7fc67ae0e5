package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// TestDoctorReportHoldsNoValue builds rtctl doctor --report's file from an
// account seeded with canaries (its key, a highlight's description and
// source, an offline block's activity and details, posted and then read
// back by doctor, with the probe) and searches it for every canary in every
// encoding, and for the account's dates, zone and endpoint. The report must
// still hold the shapes.
func TestDoctorReportHoldsNoValue(t *testing.T) {
	const (
		key      = "k7f3a9b1c2d4e5f60q8wz"
		desc     = "Quokka marmalade lighthouse"
		source   = "zephyr-bassoon-origami"
		activity = "Tangerine velociraptor"
		details  = "Walrus accordion nebula"
	)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(now)})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.AddAccount(emulator.Account{Key: key, Plan: emulator.Premium, TimeZone: "Asia/Kathmandu", Seed: 3}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cfg := `rtctl {
  timezone = "Asia/Kathmandu"
}

highlight "canary" {
  date        = "2026-11-20"
  description = "` + desc + `"
  source      = "` + source + `"
}

offline_time "canary" {
  start    = "2026-11-20 09:00"
  duration = "30m"
  activity = "` + activity + `"
  details  = "` + details + `"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "report.json")
	vars := map[string]string{"RTCTL_ENDPOINT": srv.URL, "RESCUETIME_API_KEY": key, "RTCTL_STATE_DIR": t.TempDir()}
	var out bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &out,
		getenv: func(k string) string { return vars[k] }, now: func() time.Time { return now },
		httpClient: &http.Client{}, isTerminal: func(any) bool { return false },
		fingerprint: rememberedFingerprint,
	}
	t.Chdir(dir) // doctor works on the configuration in the working directory
	for _, args := range [][]string{
		{"apply", "--auto-approve"},
		{"apply", "--auto-approve"}, // the feeds show the posts: evidence
		{"doctor", "--probe", "--auto-approve", "--report", report},
	} {
		if code := run(args, e); code != 0 {
			t.Fatalf("rtctl %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
		}
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	lower := bytes.ToLower(data)
	for _, canary := range []string{key, desc, source, activity, details, "rtctl doctor probe", "Asia/Kathmandu"} {
		for _, f := range canaryForms(canary) {
			hay := data
			if f.foldCase {
				hay = lower
			}
			if bytes.Contains(hay, []byte(f.text)) {
				t.Errorf("the report holds %q %s", canary, f.name)
			}
		}
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, value := range []string{"2026", "11-20", host, "127.0.0.1", "+05:45", "Kathmandu", "VS Code", "Offline"} {
		if bytes.Contains(data, []byte(value)) {
			t.Errorf("the report holds the value %q", value)
		}
	}
	// It is a report of shapes all the same.
	for _, shape := range []string{`"Time Spent (seconds)"`, `"X-Request-Id"`, `"daily_summary_feed"`, `"highlights_feed"`,
		`"status": 200`, `"datetime-offset"`, `"decimal"`, `"productivity_pulse"`, `"offline_report": "as-posted"`} {
		if !bytes.Contains(data, []byte(shape)) {
			t.Errorf("the report lacks %s:\n%.2000s", shape, data)
		}
	}
}
