package rtapi

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkParseAnalyticData decodes a month of five-minute buckets with
// four activities each (about 35,000 rows), the largest chunk
// AnalyticDataChunked asks for.
func BenchmarkParseAnalyticData(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"notes":"n","row_headers":["Date","Time Spent (seconds)","Number of People","Activity","Category","Productivity"],"rows":[`)
	start := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < MinuteChunkDays*24*12; i++ {
		ts := start.Add(time.Duration(i) * 5 * time.Minute).Format("2006-01-02T15:04:05")
		for a := 0; a < 4; a++ {
			if i > 0 || a > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `["%s",%d,1,"Activity %d","Editing & IDEs",%d]`, ts, 60+a, a, a-2)
		}
	}
	sb.WriteString("]}")
	data := []byte(sb.String())
	loc, _ := time.LoadLocation("Europe/Berlin")
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseAnalyticData(data, FormatJSON, loc); err != nil {
			b.Fatal(err)
		}
	}
}
