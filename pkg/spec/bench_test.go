package spec

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkLoad10000 loads 10,000 offline_time blocks declared through
// for_each over a generated map, the size of a year of busy calendars.
// Times are strings, as calendar data sources produce them.
func BenchmarkLoad10000(b *testing.B) {
	const n = 10000
	base := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	var src strings.Builder
	src.WriteString("rtctl {\n  timezone = \"UTC\"\n}\n\nlocals {\n  meetings = {\n")
	for i := 0; i < n; i++ {
		// Ten-minute blocks every quarter hour: no overlaps.
		start := base.Add(time.Duration(i) * 15 * time.Minute)
		fmt.Fprintf(&src, "    m%05d = { start = %q, title = \"Meeting %d\" }\n", i, start.Format("2006-01-02 15:04"), i)
	}
	src.WriteString("  }\n}\n\n")
	src.WriteString(`offline_time "meeting" {
  for_each = local.meetings
  start    = each.value.start
  duration = "10m"
  activity = "Meeting"
  details  = "${each.value.title} (${each.key})"
}
`)
	dir := writeConfig(b, map[string]string{"main.rt.hcl": src.String()})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cfg, diags := Load(context.Background(), dir, LoadOptions{})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if len(cfg.OfflineTimes) != n {
			b.Fatalf("loaded %d blocks, want %d", len(cfg.OfflineTimes), n)
		}
	}
}
