package spec

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/rtctl/rtctl/internal/views/hcldiag"
)

// TestOverlapMessageKeepsTimesWhole checks that a wrapped overlap error
// never parts a time from its date or its offset (issue 24, item 10: the
// message wrapped "2026-11-20" / "09:30:00 +01:00").
func TestOverlapMessageKeepsTimesWhole(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.rt.hcl": `
rtctl {
  timezone = "Europe/Berlin"
}
offline_time "standup" {
  start    = "2026-11-20 09:00"
  duration = "30m"
  activity = "Meeting"
}
offline_time "review" {
  start    = "2026-11-20 09:15"
  duration = "30m"
  activity = "Meeting"
}
`})
	cfg, diags := Load(context.Background(), dir, LoadOptions{})
	if !diags.HasErrors() {
		t.Fatal("no overlap error")
	}
	var buf bytes.Buffer
	if err := hcldiag.Render(&buf, cfg.Files, diags, false); err != nil {
		t.Fatal(err)
	}
	cut := regexp.MustCompile(`(?m)(\d{4}-\d{2}-\d{2}$|\d{2}:\d{2}:\d{2}$|^\d{2}:\d{2}|^[+-]\d{2}:\d{2})`)
	if m := cut.FindString(buf.String()); m != "" {
		t.Errorf("a time is cut at %q:\n%s", m, buf.String())
	}
	if !strings.Contains(buf.String(), "2026-11-20T09:00:00+01:00") {
		t.Errorf("the times are not written as a configuration accepts them:\n%s", buf.String())
	}
}
