package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// loaded returns an emulator holding n offline blocks spread over the 60
// days before testNow, posted through the API.
func loaded(b *testing.B, n int) *Emulator {
	b.Helper()
	e, _ := newTestEmulator(b)
	loc := berlin(b)
	start := testNow.In(loc).Add(-61 * 24 * time.Hour)
	step := 60 * 24 * time.Hour / time.Duration(n)
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * step).Truncate(time.Minute)
		body := fmt.Sprintf(`{"start_time":%q,"duration":%d,"activity_name":"Block %d"}`, at.Format(naiveLayout), 5+i%30, i)
		if w := postOffline(b, e, body); w.Code != http.StatusOK {
			b.Fatalf("post %d: %s", i, w.Body.String())
		}
	}
	return e
}

// BenchmarkPlanReadOffline is the read a plan makes to observe offline
// time: 14 days, interval/minute/activity, restricted to offline, with
// 10,000 blocks posted. The target is milliseconds per read.
func BenchmarkPlanReadOffline(b *testing.B) {
	e := loaded(b, 10000)
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "perspective": {"interval"}, "resolution_time": {"minute"},
		"restrict_kind": {"activity"}, "restrict_source_type": {"offline"}, "restrict_begin": {"2026-11-07"}, "restrict_end": {"2026-11-20"}}
	target := "/anapi/data?" + q.Encode()
	b.ResetTimer()
	for b.Loop() {
		if w := do(b, e, http.MethodGet, target, "", ""); w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkPlanReadFeeds is the rest of a plan's reads with 10,000 items.
func BenchmarkPlanReadFeeds(b *testing.B) {
	e := loaded(b, 10000)
	for i := 0; i < 10000; i++ {
		do(b, e, http.MethodPost, fmt.Sprintf("/anapi/highlights_post?key=%s&highlight_date=2026-11-%02d&description=h%d", premiumKey, 1+i%20, i), "", "")
	}
	b.ResetTimer()
	for b.Loop() {
		for _, feed := range []string{"highlights_feed", "focustime_started_feed", "focustime_ended_feed"} {
			if w := do(b, e, http.MethodGet, "/anapi/"+feed+"?key="+premiumKey, "", ""); w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	}
}

// BenchmarkDataAllSources14DaysMinute is the heaviest common read: every
// source at minute resolution for two weeks, history generated on demand.
func BenchmarkDataAllSources14DaysMinute(b *testing.B) {
	e := loaded(b, 10000)
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "perspective": {"interval"}, "resolution_time": {"minute"},
		"restrict_kind": {"activity"}, "restrict_begin": {"2026-11-07"}, "restrict_end": {"2026-11-20"}}
	target := "/anapi/data?" + q.Encode()
	b.ResetTimer()
	for b.Loop() {
		do(b, e, http.MethodGet, target, "", "")
	}
}
