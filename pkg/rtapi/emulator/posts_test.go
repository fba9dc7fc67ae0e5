package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOfflineValidation(t *testing.T) {
	long := strings.Repeat("é", 256) // 256 characters, 512 bytes
	max := strings.Repeat("é", 255)
	for _, tc := range []struct {
		name, body string
		want       string // "" means accepted; else a substring of the message
	}{
		{"duration", `{"start_time":"2026-11-20 09:00:00","duration":60,"activity_name":"Meeting","activity_details":"Daily Planning"}`, ""},
		{"end_time", `{"start_time":"2026-11-20 09:00:00","end_time":"2026-11-20 10:00:00","activity_name":"Meeting"}`, ""},
		{"unix timestamps", `{"start_time":1795168800,"end_time":"1795170600","activity_name":"Meeting"}`, ""},
		{"duration as string", `{"start_time":"2026-11-20 09:00:00","duration":"15","activity_name":"Meeting"}`, ""},
		{"exactly 4 hours", `{"start_time":"2026-11-20 09:00:00","duration":240,"activity_name":"Meeting"}`, ""},
		{"exactly 5 minutes", `{"start_time":"2026-11-20 09:00:00","duration":5,"activity_name":"Meeting"}`, ""},
		{"ends now", `{"start_time":"2026-11-20 18:00:00","end_time":"2026-11-20 19:00:00","activity_name":"Meeting"}`, ""},
		{"255 characters", `{"start_time":"2026-11-20 09:00:00","duration":5,"activity_name":"` + max + `","activity_details":"` + max + `"}`, ""},
		{"not JSON", `start_time=now`, "body"},
		{"no start", `{"duration":60,"activity_name":"Meeting"}`, "start_time is required"},
		{"bad start", `{"start_time":"20.11.2026 09:00","duration":60,"activity_name":"Meeting"}`, "start_time"},
		{"bad end", `{"start_time":"2026-11-20 09:00:00","end_time":"soon","activity_name":"Meeting"}`, "end_time"},
		{"no end or duration", `{"start_time":"2026-11-20 09:00:00","activity_name":"Meeting"}`, "end_time or duration is required"},
		{"both end and duration", `{"start_time":"2026-11-20 09:00:00","end_time":"2026-11-20 10:00:00","duration":60,"activity_name":"Meeting"}`, "not both"},
		{"end before start", `{"start_time":"2026-11-20 09:00:00","end_time":"2026-11-20 08:00:00","activity_name":"Meeting"}`, "after start_time"},
		{"zero duration", `{"start_time":"2026-11-20 09:00:00","duration":0,"activity_name":"Meeting"}`, "duration"},
		{"fractional duration", `{"start_time":"2026-11-20 09:00:00","duration":7.5,"activity_name":"Meeting"}`, "duration"},
		{"over 4 hours", `{"start_time":"2026-11-20 09:00:00","duration":241,"activity_name":"Meeting"}`, "4 hour maximum"},
		{"over 4 hours by end", `{"start_time":"2026-11-20 09:00:00","end_time":"2026-11-20 13:00:01","activity_name":"Meeting"}`, "4 hour maximum"},
		{"under 5 minutes", `{"start_time":"2026-11-20 09:00:00","duration":4,"activity_name":"Meeting"}`, "shorter than 5 minutes"},
		{"future", `{"start_time":"2026-11-20 18:30:00","duration":60,"activity_name":"Meeting"}`, "future"},
		{"future by a second", `{"start_time":"2026-11-20 18:00:01","end_time":"2026-11-20 19:00:01","activity_name":"Meeting"}`, "future"},
		{"no activity", `{"start_time":"2026-11-20 09:00:00","duration":60}`, "activity_name is required"},
		{"blank activity", `{"start_time":"2026-11-20 09:00:00","duration":60,"activity_name":"  "}`, "activity_name is required"},
		{"activity too long", `{"start_time":"2026-11-20 09:00:00","duration":60,"activity_name":"` + long + `"}`, "activity_name: longer than 255"},
		{"details too long", `{"start_time":"2026-11-20 09:00:00","duration":60,"activity_name":"M","activity_details":"` + long + `"}`, "activity_details: longer than 255"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newTestEmulator(t)
			w := postOffline(t, e, tc.body)
			posted := len(e.Record().Accounts[1].OfflineTime)
			if tc.want == "" {
				mustStatus(t, w, http.StatusOK)
				if posted != 1 {
					t.Errorf("%d blocks recorded, want 1", posted)
				}
				return
			}
			mustStatus(t, w, http.StatusBadRequest)
			if msg := decode[errorAnswer](t, w).Messages; !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want it to mention %q", msg, tc.want)
			}
			if posted != 0 {
				t.Errorf("a refused block was recorded")
			}
		})
	}
}

func TestOfflineFormEncodedAndLite(t *testing.T) {
	e, _ := newTestEmulator(t)
	form := url.Values{"start_time": {"2026-11-20 09:00:00"}, "duration": {"30"}, "activity_name": {"Driving"}}
	mustStatus(t, do(t, e, http.MethodPost, "/anapi/offline_time_post?key="+premiumKey, form.Encode(), "application/x-www-form-urlencoded"), http.StatusOK)

	w := do(t, e, http.MethodPost, "/anapi/offline_time_post?key="+liteKey, `{"start_time":"2026-11-20 09:00:00","duration":30,"activity_name":"x"}`, "application/json")
	mustStatus(t, w, http.StatusBadRequest)
	if got := decode[errorAnswer](t, w).Error; got != "# premium required" {
		t.Errorf("lite: error %q", got)
	}
	mustStatus(t, do(t, e, http.MethodGet, "/anapi/offline_time_post?key="+premiumKey, "", ""), http.StatusMethodNotAllowed)
}

// TestOfflineInData checks that posted offline time shows up in Analytic
// Data as the offline source, spread over its buckets.
func TestOfflineInData(t *testing.T) {
	e, _ := newTestEmulator(t)
	mustStatus(t, postOffline(t, e, `{"start_time":"2026-11-20 09:02:00","duration":10,"activity_name":"Standup","activity_details":"Daily"}`), http.StatusOK)
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "perspective": {"interval"}, "resolution_time": {"minute"},
		"restrict_kind": {"activity"}, "restrict_source_type": {"offline"}}
	a := decode[dataAnswer](t, get(t, e, "/anapi/data", q))
	want := [][]any{
		{"2026-11-20T09:00:00", 180.0, 1.0, "Standup", "Offline", 0.0},
		{"2026-11-20T09:05:00", 300.0, 1.0, "Standup", "Offline", 0.0},
		{"2026-11-20T09:10:00", 120.0, 1.0, "Standup", "Offline", 0.0},
	}
	if diff := cmp.Diff(want, a.Rows); diff != "" {
		t.Errorf("offline rows (-want +got):\n%s", diff)
	}
	q.Set("restrict_kind", "document")
	q.Set("perspective", "rank")
	a = decode[dataAnswer](t, get(t, e, "/anapi/data", q))
	if diff := cmp.Diff([][]any{{1.0, 600.0, 1.0, "Standup", "Daily", "Offline", 0.0}}, a.Rows); diff != "" {
		t.Errorf("offline documents (-want +got):\n%s", diff)
	}
	for _, src := range []string{"computers", "mobile"} {
		q.Set("restrict_source_type", src)
		for _, r := range decode[dataAnswer](t, get(t, e, "/anapi/data", q)).Rows {
			if r[3] == "Standup" {
				t.Errorf("offline time in the %s source", src)
			}
		}
	}
}

func TestHighlights(t *testing.T) {
	e, clock := newTestEmulator(t)
	post := func(key string, v url.Values) *errorAnswer {
		v.Set("key", key)
		w := do(t, e, http.MethodPost, "/anapi/highlights_post?"+v.Encode(), "", "")
		if w.Code == http.StatusOK {
			if m := decode[map[string]string](t, w)["message"]; m == "" {
				t.Errorf("success without a message: %s", w.Body.String())
			}
			return nil
		}
		mustStatus(t, w, http.StatusBadRequest)
		a := decode[errorAnswer](t, w)
		return &a
	}
	long := strings.Repeat("ü", 256)
	for _, tc := range []struct {
		name string
		v    url.Values
		want string
	}{
		{"date", url.Values{"highlight_date": {"2026-11-20"}, "description": {"Shipped v1.2"}, "source": {"releases"}}, ""},
		{"unix date", url.Values{"highlight_date": {"1795132800"}, "description": {"Wrote docs"}}, ""},
		{"255 characters", url.Values{"highlight_date": {"2026-11-19"}, "description": {long[2:]}}, ""},
		{"no date", url.Values{"description": {"x"}}, "highlight_date is required"},
		{"bad date", url.Values{"highlight_date": {"20/11/2026"}, "description": {"x"}}, "highlight_date"},
		{"no description", url.Values{"highlight_date": {"2026-11-20"}}, "description is required"},
		{"description too long", url.Values{"highlight_date": {"2026-11-20"}, "description": {long}}, "description: longer than 255"},
		{"source too long", url.Values{"highlight_date": {"2026-11-20"}, "description": {"x"}, "source": {long}}, "source: longer than 255"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := post(premiumKey, tc.v)
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("refused: %+v", got)
			case tc.want != "" && (got == nil || !strings.Contains(got.Messages, tc.want)):
				t.Errorf("got %+v, want a refusal mentioning %q", got, tc.want)
			}
		})
	}
	if got := post(liteKey, url.Values{"highlight_date": {"2026-11-20"}, "description": {"x"}}); got == nil || got.Error != "# premium required" {
		t.Errorf("lite post: %+v", got)
	}

	type item struct {
		ID          int64  `json:"id"`
		Description string `json:"description"`
		Date        string `json:"date"`
		CreatedAt   string `json:"created_at"`
	}
	feed := decode[[]item](t, get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}}))
	want := []item{
		{3, long[2:], "2026-11-19", "2026-11-20T19:00:00+01:00"},
		{2, "Wrote docs", "2026-11-20", "2026-11-20T19:00:00+01:00"}, // 1795132800 is 2026-11-20 in Berlin
		{1, "Shipped v1.2", "2026-11-20", "2026-11-20T19:00:00+01:00"},
	}
	if diff := cmp.Diff(want, feed); diff != "" {
		t.Errorf("feed (-want +got):\n%s", diff)
	}
	if lite := get(t, e, "/anapi/highlights_feed", url.Values{"key": {liteKey}}); strings.TrimSpace(lite.Body.String()) != "[]" {
		t.Errorf("lite feed %s, want []", lite.Body.String())
	}
	clock.Advance(31 * 24 * time.Hour)
	if old := get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}}); strings.TrimSpace(old.Body.String()) != "[]" {
		t.Errorf("feed after 31 days %s, want []", old.Body.String())
	}
}

func TestFocusTime(t *testing.T) {
	e, clock := newTestEmulator(t)
	post := func(key, path string, v url.Values) int {
		v.Set("key", key)
		return do(t, e, http.MethodPost, "/anapi/"+path+"?"+v.Encode(), "", "").Code
	}
	for _, bad := range []string{"", "0", "7", "-5", "-2", "ten", "2.5"} {
		if code := post(premiumKey, "start_focustime", url.Values{"duration": {bad}}); code != http.StatusBadRequest {
			t.Errorf("duration %q: status %d, want 400", bad, code)
		}
	}
	if code := post(liteKey, "start_focustime", url.Values{"duration": {"30"}}); code != http.StatusBadRequest {
		t.Errorf("lite start: %d", code)
	}
	if code := post(premiumKey, "end_focustime", url.Values{}); code != http.StatusBadRequest {
		t.Errorf("end with nothing running: %d, want 400", code)
	}
	if code := post(premiumKey, "start_focustime", url.Values{"duration": {"30"}}); code != http.StatusOK {
		t.Fatalf("start: %d", code)
	}
	if code := post(premiumKey, "start_focustime", url.Values{"duration": {"30"}}); code != http.StatusBadRequest {
		t.Errorf("second start while running: %d, want 400", code)
	}
	// It ends by itself after 30 minutes; then one until the end of the day,
	// ended by hand.
	clock.Advance(30 * time.Minute)
	if code := post(premiumKey, "start_focustime", url.Values{"duration": {"-1"}}); code != http.StatusOK {
		t.Fatalf("start after the first ended: %d", code)
	}
	clock.Advance(10 * time.Minute)
	if code := post(premiumKey, "end_focustime", url.Values{}); code != http.StatusOK {
		t.Fatalf("end: %d", code)
	}
	type started struct {
		ID        float64 `json:"id"`
		Duration  int     `json:"duration"`
		CreatedAt string  `json:"created_at"`
	}
	type ended struct {
		ID        float64 `json:"id"`
		CreatedAt string  `json:"created_at"`
	}
	t0 := float64(testNow.Unix())
	gotStarted := decode[[]started](t, get(t, e, "/anapi/focustime_started_feed", url.Values{"key": {premiumKey}}))
	wantStarted := []started{{t0 + 1800, -1, "2026-11-20T19:30:00+01:00"}, {t0, 30, "2026-11-20T19:00:00+01:00"}}
	if diff := cmp.Diff(wantStarted, gotStarted); diff != "" {
		t.Errorf("started feed (-want +got):\n%s", diff)
	}
	gotEnded := decode[[]ended](t, get(t, e, "/anapi/focustime_ended_feed", url.Values{"key": {premiumKey}}))
	wantEnded := []ended{{t0 + 2400, "2026-11-20T19:40:00+01:00"}, {t0 + 1800, "2026-11-20T19:30:00+01:00"}}
	if diff := cmp.Diff(wantEnded, gotEnded); diff != "" {
		t.Errorf("ended feed (-want +got):\n%s", diff)
	}
	rec, _ := e.Record().Account(premiumKey)
	if len(rec.FocusStarts) != 2 || len(rec.FocusEnds) != 1 {
		t.Errorf("record: %d starts, %d ends; want 2 and 1", len(rec.FocusStarts), len(rec.FocusEnds))
	}
	for _, feed := range []string{"focustime_started_feed", "focustime_ended_feed"} {
		if w := get(t, e, "/anapi/"+feed, url.Values{"key": {liteKey}}); w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != "[]" {
			t.Errorf("lite %s: %d %s, want 200 []", feed, w.Code, w.Body.String())
		}
	}
}

func TestFocusUntilEndOfDay(t *testing.T) {
	e, clock := newTestEmulator(t)
	mustStatus(t, do(t, e, http.MethodPost, "/anapi/start_focustime?duration=-1&key="+premiumKey, "", ""), http.StatusOK)
	clock.Set(time.Date(2026, 11, 20, 22, 59, 0, 0, time.UTC)) // 23:59 in Berlin
	if a := get(t, e, "/anapi/focustime_ended_feed", url.Values{"key": {premiumKey}}); strings.TrimSpace(a.Body.String()) != "[]" {
		t.Errorf("ended before midnight: %s", a.Body.String())
	}
	clock.Set(time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC))
	a := get(t, e, "/anapi/focustime_ended_feed", url.Values{"key": {premiumKey}})
	if !strings.Contains(a.Body.String(), `"created_at":"2026-11-21T00:00:00+01:00"`) {
		t.Errorf("ended feed at midnight: %s", a.Body.String())
	}
}
