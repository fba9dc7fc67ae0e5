package emulator

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDailySummaryMatchesHistory(t *testing.T) {
	e, _ := newTestEmulator(t)
	mustStatus(t, postOffline(t, e, `{"start_time":"2026-11-19 07:00:00","duration":90,"activity_name":"Gym"}`), http.StatusOK)
	loc := berlin(t)
	w := get(t, e, "/anapi/daily_summary_feed", url.Values{"key": {premiumKey}})
	mustStatus(t, w, http.StatusOK)
	items := decode[[]map[string]any](t, w)
	if len(items) != 15 {
		t.Fatalf("%d days, want 15 (the previous \"two weeks\", as a recorded feed held)", len(items))
	}
	for i, item := range items {
		day := time.Date(2026, 11, 19-i, 0, 0, 0, 0, loc) // newest first, never today
		if item["date"] != day.Format("2006-01-02") || item["id"] != float64(day.Unix()) {
			t.Fatalf("item %d: date %v id %v, want %s / %d", i, item["date"], item["id"], day.Format("2006-01-02"), day.Unix())
		}
		samples, _ := e.History(premiumKey, day, day.AddDate(0, 0, 1))
		total, level, sw := 0, map[int]int{}, 0
		dev := 0
		for _, s := range samples {
			total += s.Seconds
			level[s.Productivity] += s.Seconds
			sw += s.Seconds * (s.Productivity + 2) * 25
			if s.Overview == "Software Development" {
				dev += s.Seconds
			}
		}
		hours := func(s int) float64 { return math.Round(float64(s)/36) / 100 }
		pct := func(s int) float64 { return math.Round(float64(s)*1000/float64(total)) / 10 }
		want := map[string]any{
			"productivity_pulse":                  math.Trunc(float64(sw) / float64(total)), // recorded: truncated
			"total_hours":                         hours(total),
			"very_productive_hours":               hours(level[2]),
			"very_distracting_percentage":         pct(level[-2]),
			"all_productive_percentage":           pct(level[2] + level[1]),
			"neutral_hours":                       hours(level[0]),
			"software_development_hours":          hours(dev),
			"software_development_percentage":     pct(dev),
			"total_duration_formatted":            wantFormatted(total),
			"very_distracting_duration_formatted": formatDuration(level[-2]),
		}
		got := map[string]any{}
		for k := range want {
			got[k] = item[k]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", day.Format("2006-01-02"), diff)
		}
		if len(item) != 59 {
			t.Errorf("%d fields, want the 59 documented ones", len(item))
		}
	}
	if !strings.HasPrefix(w.Body.String(), `[{"id":`) {
		t.Errorf("fields not in documented order: %.40s", w.Body.String())
	}
}

// wantFormatted renders a duration the recorded way, independently of
// formatDuration: zero units left out, seconds only below an hour.
func wantFormatted(secs int) string {
	if secs == 0 {
		return "no time"
	}
	var parts []string
	if h := secs / 3600; h > 0 {
		parts = append(parts, fmt.Sprint(h, "h"))
	}
	if m := secs % 3600 / 60; m > 0 {
		parts = append(parts, fmt.Sprint(m, "m"))
	}
	if s := secs % 60; s > 0 && secs < 3600 {
		parts = append(parts, fmt.Sprint(s, "s"))
	}
	return strings.Join(parts, " ")
}

func TestFormatDuration(t *testing.T) {
	for secs, want := range map[int]string{
		0: "no time", 30: "30s", 61: "1m 1s", 9120: "2h 32m", 2820: "47m", // recorded
		3600: "1h", 3630: "1h", 3660: "1h 1m", 7200 + 59: "2h", 60: "1m", // recorded: no zero units
	} {
		if got := formatDuration(secs); got != want {
			t.Errorf("formatDuration(%d) = %q, want %q", secs, got, want)
		}
	}
}

func TestAlerts(t *testing.T) {
	e, _ := newTestEmulator(t)
	type def struct {
		ID          int64   `json:"id"`
		Description string  `json:"description"`
		Amount      float64 `json:"amount"`
	}
	type status struct {
		ID          int64  `json:"id"`
		AlertID     int64  `json:"alert_id"`
		Description string `json:"description"`
		CreatedAt   string `json:"created_at"`
	}
	defs := decode[[]def](t, get(t, e, "/anapi/alerts_feed", url.Values{"key": {premiumKey}, "op": {"list"}}))
	if len(defs) != 3 {
		t.Fatalf("%d alert definitions, want 3", len(defs))
	}
	all := decode[[]status](t, get(t, e, "/anapi/alerts_feed", url.Values{"key": {premiumKey}}))
	if len(all) == 0 {
		t.Fatal("no alert triggered in two weeks of history")
	}
	for i := 1; i < len(all); i++ {
		if all[i].CreatedAt > all[i-1].CreatedAt && all[i].ID > all[i-1].ID {
			t.Fatalf("status not reverse chronological at %d", i)
		}
	}
	// Check the productive-time alert against the history.
	loc := berlin(t)
	prod := defs[1]
	var want []string
	for d := 13; d >= 0; d-- {
		day := time.Date(2026, 11, 20-d, 0, 0, 0, 0, loc)
		samples, _ := e.History(premiumKey, day, day.AddDate(0, 0, 1))
		sum := 0
		for _, s := range samples {
			if s.Productivity > 0 {
				sum += s.Seconds
				if float64(sum) > prod.Amount*3600 {
					want = append([]string{s.Bucket.Add(bucketSize).Format(time.RFC3339)}, want...)
					break
				}
			}
		}
	}
	filtered := decode[[]status](t, get(t, e, "/anapi/alerts_feed", url.Values{"key": {premiumKey}, "op": {"status"}, "alert_id": {fmt.Sprint(prod.ID)}}))
	var got []string
	for _, s := range filtered {
		if s.AlertID != prod.ID {
			t.Fatalf("alert_id filter let %d through", s.AlertID)
		}
		got = append(got, s.CreatedAt)
	}
	if len(want) == 0 {
		t.Fatal("the productive-time alert never fires; the check would prove nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("triggered (-want +got):\n%s", diff)
	}

	for _, q := range []url.Values{{"op": {"bogus"}}, {"alert_id": {"x"}}} {
		q.Set("key", premiumKey)
		w := get(t, e, "/anapi/alerts_feed", q)
		mustStatus(t, w, http.StatusBadRequest)
		if a := decode[errorAnswer](t, w); a.Error != "# query error" {
			t.Errorf("%v: %+v", q, a)
		}
	}
	for _, op := range []string{"list", "status"} {
		if w := get(t, e, "/anapi/alerts_feed", url.Values{"key": {liteKey}, "op": {op}}); strings.TrimSpace(w.Body.String()) != "[]" {
			t.Errorf("lite op=%s: %s", op, w.Body.String())
		}
	}
}
