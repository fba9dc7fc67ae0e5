package emulator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestSummaryAgreesWithAnalyticData is a property test: for random
// accounts (seed, zone), clocks (around daylight-saving changes) and
// offline blocks (some across midnight), every day of the daily summary
// feed agrees with the emulator's own Analytic Data answers for that day:
// hours and percentages are the day's seconds rounded as documented, the
// pulse is truncated, durations are formatted as recorded, and a day is
// listed exactly when the data API has time for it. Deterministic: the
// random stream is seeded per case.
func TestSummaryAgreesWithAnalyticData(t *testing.T) {
	zones := []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "Australia/Lord_Howe", "UTC"}
	// Windows that hold a daylight-saving change in most of the zones.
	windows := [][2]time.Time{
		{time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 12, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)},
	}
	for seed := uint64(1); seed <= 8; seed++ {
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		zone := zones[r.IntN(len(zones))]
		win := windows[r.IntN(len(windows))]
		now := win[0].Add(time.Duration(r.Int64N(int64(win[1].Sub(win[0])))))
		t.Run(fmt.Sprintf("seed%d/%s/%s", seed, zone, now.Format(time.RFC3339)), func(t *testing.T) {
			checkSummaryAgainstData(t, r, zone, now, int64(seed))
		})
	}
}

func checkSummaryAgainstData(t *testing.T, r *rand.Rand, zone string, now time.Time, seed int64) {
	e, err := New(Options{Clock: NewManualClock(now)})
	if err != nil {
		t.Fatal(err)
	}
	const key = "prop-key"
	if err := e.AddAccount(Account{Key: key, Plan: Premium, TimeZone: zone, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(zone)
	today := midnight(now, loc)
	// Offline blocks in the last 16 days, some across local midnight.
	posted := 0
	for range 4 {
		var start time.Time
		if r.IntN(2) == 0 {
			start = addDays(today, -1-r.IntN(15)).Add(-time.Duration(r.IntN(120)) * time.Minute)
		} else {
			start = now.Add(-time.Duration(1+r.IntN(15*24)) * time.Hour)
		}
		minutes := 5 + r.IntN(236)
		if start.Add(time.Duration(minutes) * time.Minute).After(now) {
			continue
		}
		body := fmt.Sprintf(`{"start_time":%q,"duration":%d,"activity_name":"Block %d"}`, start.In(loc).Format("2006-01-02 15:04:05"), minutes, minutes)
		mustStatus(t, do(t, e, http.MethodPost, "/anapi/offline_time_post?key="+key, body, "application/json"), http.StatusOK)
		posted++
	}
	if posted == 0 {
		t.Fatal("no offline block posted; the case would not test offline time")
	}

	items := decode[[]map[string]any](t, get(t, e, "/anapi/daily_summary_feed", url.Values{"key": {key}}))
	if len(items) < summaryDays/2 {
		t.Fatalf("%d summary days; the synthetic history should fill most of them", len(items))
	}
	byDate := map[string]map[string]any{}
	for _, it := range items {
		byDate[it["date"].(string)] = it
	}
	for i := 1; i <= summaryDays; i++ {
		day := addDays(today, -i).Format(dateLayout)
		level := dataSums(t, e, key, day, "productivity")
		overview := dataSums(t, e, key, day, "overview")
		total := 0
		for _, s := range level {
			total += s
		}
		item, listed := byDate[day]
		if listed != (total > 0) {
			t.Fatalf("%s: listed in the summary %v, data API has %d s", day, listed, total)
		}
		if !listed {
			continue
		}
		delete(byDate, day)
		if id := int64(item["id"].(float64)); id != addDays(today, -i).Unix() {
			t.Errorf("%s: id %d is not local midnight", day, id)
		}
		weighted := 0
		for p, s := range level {
			var lv int
			fmt.Sscan(p, &lv)
			weighted += s * (lv + 2) * 25
		}
		if pulse := item["productivity_pulse"].(float64); pulse != float64(weighted/total) {
			t.Errorf("%s: pulse %v, want %d (truncated %.3f)", day, pulse, weighted/total, float64(weighted)/float64(total))
		}
		amounts := map[string]int{
			"very_productive": level["2"], "productive": level["1"], "neutral": level["0"],
			"distracting": level["-1"], "very_distracting": level["-2"],
			"all_productive": level["2"] + level["1"], "all_distracting": level["-1"] + level["-2"],
		}
		for _, c := range summaryCategories {
			amounts[c.field] = overview[c.overview]
		}
		checkAmount(t, day, item, "total", total, total)
		for name, secs := range amounts {
			checkAmount(t, day, item, name, secs, total)
		}
	}
	if len(byDate) != 0 {
		t.Errorf("summary days outside the previous %d: %v", summaryDays, byDate)
	}
}

// checkAmount checks one amount's hours (two decimals), percentage (one
// decimal) and formatted duration against its seconds.
func checkAmount(t *testing.T, day string, item map[string]any, name string, secs, total int) {
	t.Helper()
	near := func(field string, got any, exact, half float64) {
		g, ok := got.(float64)
		if !ok || math.Abs(g-exact) > half+1e-9 {
			t.Errorf("%s %s: %v, want %.4f rounded", day, field, got, exact)
		}
	}
	near(name+"_hours", item[name+"_hours"], float64(secs)/3600, 0.005)
	if name != "total" {
		near(name+"_percentage", item[name+"_percentage"], float64(secs)*100/float64(total), 0.05)
	}
	if got, want := item[name+"_duration_formatted"], wantFormatted(secs); got != want {
		t.Errorf("%s %s_duration_formatted: %v, want %q", day, name, got, want)
	}
}

// dataSums asks the emulator's Analytic Data API for one day ranked by
// kind and returns the seconds by the row's last column.
func dataSums(t *testing.T, e *Emulator, key, day, kind string) map[string]int {
	t.Helper()
	q := url.Values{"key": {key}, "format": {"json"}, "perspective": {"rank"}, "restrict_kind": {kind}, "restrict_begin": {day}, "restrict_end": {day}}
	w := get(t, e, "/anapi/data", q)
	mustStatus(t, w, http.StatusOK)
	out := map[string]int{}
	for _, row := range decode[dataAnswer](t, w).Rows {
		out[fmt.Sprint(row[len(row)-1])] += int(row[1].(float64))
	}
	return out
}
