package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// summaryDays is how many days the daily summary feed covers, ending
// yesterday. The documentation says "the previous two weeks"; a recorded
// feed held 15 days, so the emulator answers 15 and clients must take
// either.
const summaryDays = 15

// productivityLevels name the five levels as the summary fields do, from 2
// down to -2.
var productivityLevels = []struct {
	field string
	level int
}{
	{"very_productive", 2}, {"productive", 1}, {"neutral", 0}, {"distracting", -1}, {"very_distracting", -2},
}

// summaryCategories maps the documented per-category fields to overview
// names.
var summaryCategories = []struct{ field, overview string }{
	{"uncategorized", "Uncategorized"},
	{"business", "Business"},
	{"communication_and_scheduling", "Communication & Scheduling"},
	{"social_networking", "Social Networking"},
	{"design_and_composition", "Design & Composition"},
	{"entertainment", "Entertainment"},
	{"news", "News & Opinion"},
	{"software_development", "Software Development"},
	{"reference_and_learning", "Reference & Learning"},
	{"shopping", "Shopping"},
	{"utilities", "Utilities"},
}

// daySums are the seconds of one day, by productivity level and overview.
type daySums struct {
	total    int
	level    map[int]int
	overview map[string]int
}

func (e *Emulator) serveDailySummary(w http.ResponseWriter, r *http.Request, c *call) {
	today := midnight(c.now, c.acct.loc)
	first := addDays(today, -summaryDays)
	byDay := make(map[int64]*daySums)
	for _, s := range e.samples(c.acct, c.now, first, today, "") {
		day := midnight(s.Bucket, c.acct.loc).Unix()
		d := byDay[day]
		if d == nil {
			d = &daySums{level: map[int]int{}, overview: map[string]int{}}
			byDay[day] = d
		}
		d.total += s.Seconds
		d.level[s.Productivity] += s.Seconds
		d.overview[s.Overview] += s.Seconds
	}
	items := []orderedObject{}
	for day := addDays(today, -1); !day.Before(first); day = addDays(day, -1) {
		if d := byDay[day.Unix()]; d != nil && d.total > 0 {
			items = append(items, summaryItem(day, d))
		}
	}
	writeJSON(w, http.StatusOK, items)
}

// summaryItem renders one day with the documented fields, in the
// documented order.
func summaryItem(day time.Time, d *daySums) orderedObject {
	type part struct {
		field   string
		seconds int
	}
	parts := make([]part, 0, 20)
	for _, l := range productivityLevels {
		parts = append(parts, part{l.field, d.level[l.level]})
	}
	parts = append(parts,
		part{"all_productive", d.level[2] + d.level[1]},
		part{"all_distracting", d.level[-1] + d.level[-2]})
	for _, c := range summaryCategories {
		parts = append(parts, part{c.field, d.overview[c.overview]})
	}
	weighted := 0
	for _, l := range productivityLevels {
		weighted += d.level[l.level] * (l.level + 2) * 25
	}
	obj := orderedObject{
		{"id", day.Unix()},
		{"date", day.Format(dateLayout)},
		// Truncated, not rounded (recorded); d.total > 0 here.
		{"productivity_pulse", weighted / d.total},
	}
	// Plain float64, not apiFloat: the feed writes whole numbers without a
	// decimal point ("34", "0", "3"; recorded).
	for _, p := range parts {
		obj = append(obj, field{p.field + "_percentage", round(float64(p.seconds)*100/float64(d.total), 1)})
	}
	obj = append(obj, field{"total_hours", round(float64(d.total)/3600, 2)})
	for _, p := range parts {
		obj = append(obj, field{p.field + "_hours", round(float64(p.seconds)/3600, 2)})
	}
	obj = append(obj, field{"total_duration_formatted", formatDuration(d.total)})
	for _, p := range parts {
		obj = append(obj, field{p.field + "_duration_formatted", formatDuration(p.seconds)})
	}
	return obj
}

// formatDuration renders seconds as the feed does: hours and minutes from
// an hour up, minutes and seconds below, zero units left out ("2h 32m",
// "1h", "47m", "5m 10s", "30s"; recorded), and "no time" for zero.
// Dropping the seconds from an hour up follows the documented "2h 32m";
// whether the real feed ever writes "1h 0m 5s" is not known.
func formatDuration(seconds int) string {
	if seconds <= 0 {
		return "no time"
	}
	h, m, s := seconds/3600, seconds%3600/60, seconds%60
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%dh", h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%dm", m))
	}
	if s > 0 && h == 0 {
		parts = append(parts, fmt.Sprintf("%ds", s))
	}
	return strings.Join(parts, " ")
}

// orderedObject is a JSON object that keeps its fields in order, so the
// summary reads like the documentation.
type orderedObject []field

type field struct {
	name  string
	value any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(f.name)
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.name, err)
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
