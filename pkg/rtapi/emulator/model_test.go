package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// shown is which reports and feeds show the items posted by postEverything.
type shown struct {
	Data, Summary, Highlights, Started, Ended bool
}

// postEverything posts, at the clock's now, an offline block for yesterday
// (Thursday 10:00-11:00 in Berlin), a highlight, and a FocusTime session
// that it ends at once.
func postEverything(t *testing.T, e *Emulator) {
	t.Helper()
	mustStatus(t, postOffline(t, e, `{"start_time":"2026-11-19 10:00:00","duration":60,"activity_name":"Gym"}`), http.StatusOK)
	mustStatus(t, do(t, e, http.MethodPost, "/anapi/highlights_post?highlight_date=2026-11-20&description=x&key="+premiumKey, "", ""), http.StatusOK)
	mustStatus(t, do(t, e, http.MethodPost, "/anapi/start_focustime?duration=30&key="+premiumKey, "", ""), http.StatusOK)
	mustStatus(t, do(t, e, http.MethodPost, "/anapi/end_focustime?key="+premiumKey, "", ""), http.StatusOK)
}

// summaryHours is Thursday's total_hours in the daily summary feed.
func summaryHours(t *testing.T, e *Emulator) float64 {
	t.Helper()
	for _, item := range decode[[]map[string]any](t, get(t, e, "/anapi/daily_summary_feed", url.Values{"key": {premiumKey}})) {
		if item["date"] == "2026-11-19" {
			return item["total_hours"].(float64)
		}
	}
	t.Fatal("no summary for 2026-11-19")
	return 0
}

// observe reads every report and feed postEverything's items may show in.
func observe(t *testing.T, e *Emulator, baseHours float64) shown {
	t.Helper()
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "restrict_source_type": {"offline"}, "restrict_begin": {"2026-11-19"}, "restrict_end": {"2026-11-19"}}
	feed := func(name string) bool {
		return len(decode[[]map[string]any](t, get(t, e, "/anapi/"+name, url.Values{"key": {premiumKey}}))) > 0
	}
	return shown{
		Data:       len(decode[dataAnswer](t, get(t, e, "/anapi/data", q)).Rows) > 0,
		Summary:    summaryHours(t, e) > baseHours,
		Highlights: feed("highlights_feed"),
		Started:    feed("focustime_started_feed"),
		Ended:      feed("focustime_ended_feed"),
	}
}

func TestSyncDelay(t *testing.T) {
	all := shown{true, true, true, true, true}
	for _, tc := range []struct {
		name  string
		delay SyncDelay
		delta time.Duration // when the items show
	}{
		{"zero shows posts at once", SyncDelay{}, 0},
		{"fixed", SyncDelay{Fixed: 10 * time.Minute}, 10 * time.Minute},
		{"realistic on Premium is the 3-minute sync", RealisticSyncDelay, PremiumSyncInterval},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, clock := newTestEmulator(t)
			if err := e.SetModel(premiumKey, Model{SyncDelay: tc.delay}); err != nil {
				t.Fatal(err)
			}
			base := summaryHours(t, e)
			postEverything(t, e)
			if tc.delta > 0 {
				clock.Set(testNow.Add(tc.delta - time.Second))
				if got := observe(t, e, base); got != (shown{}) {
					t.Errorf("a second before the delay: %+v, want nothing shown", got)
				}
			}
			clock.Set(testNow.Add(tc.delta))
			if got := observe(t, e, base); got != all {
				t.Errorf("once the delay has passed: %+v, want everything shown", got)
			}
			// The record is a test tool, not a feed: it never waits.
			clock.Set(testNow)
			if rec := mustAccount(t, e); len(rec.OfflineTime) != 1 || len(rec.Highlights) != 1 {
				t.Errorf("record %+v, want both posts at once", rec)
			}
		})
	}
}

// TestRealisticSyncDelayFollowsThePlan moves a Premium account with posts
// to Lite: its reports then wait for the 30-minute sync.
func TestRealisticSyncDelayFollowsThePlan(t *testing.T) {
	e, clock := newTestEmulator(t)
	base := summaryHours(t, e)
	postEverything(t, e)
	if err := e.AddAccount(Account{Key: premiumKey, Plan: Lite, TimeZone: "Europe/Berlin", Seed: 7, Model: Model{SyncDelay: RealisticSyncDelay}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{{0, false}, {PremiumSyncInterval, false}, {LiteSyncInterval - time.Second, false}, {LiteSyncInterval, true}} {
		clock.Set(testNow.Add(tc.at))
		if got := observe(t, e, base); got.Data != tc.want || got.Summary != tc.want {
			t.Errorf("%s after the post: %+v, want data and summary shown %v", tc.at, got, tc.want)
		}
	}
	if got, want := RealisticSyncDelay.For(Lite), 30*time.Minute; got != want {
		t.Errorf("realistic Lite delay %s, want %s", got, want)
	}
}

func TestOfflineReport(t *testing.T) {
	type row struct{ Activity, Document, Category string }
	for _, tc := range []struct {
		report OfflineReport
		want   []row // the document-kind rows of offline time
	}{
		{"", []row{{"Gym", "Leg day", offlineCategory}}},
		{OfflineAsPosted, []row{{"Gym", "Leg day", offlineCategory}}},
		{OfflineOtherName, []row{{OtherNameActivity, noDetails, OtherNameCategory}}},
		{OfflineHidden, nil},
	} {
		t.Run(string(tc.report), func(t *testing.T) {
			e, _ := newTestEmulator(t)
			if err := e.SetModel(premiumKey, Model{OfflineReport: tc.report}); err != nil {
				t.Fatal(err)
			}
			base := summaryHours(t, e)
			mustStatus(t, postOffline(t, e, `{"start_time":"2026-11-19 10:00:00","duration":60,"activity_name":"Gym","activity_details":"Leg day"}`), http.StatusOK)
			q := url.Values{"key": {premiumKey}, "format": {"json"}, "restrict_kind": {"document"}, "restrict_begin": {"2026-11-19"}, "restrict_end": {"2026-11-19"}}
			for _, source := range []string{"offline", ""} {
				q.Set("restrict_source_type", source)
				var got []row
				for _, r := range decode[dataAnswer](t, get(t, e, "/anapi/data", q)).Rows {
					if r[6] == float64(0) && (source == "offline" || r[5] == offlineCategory || r[5] == OtherNameCategory && r[3] == OtherNameActivity) {
						got = append(got, row{r[3].(string), r[4].(string), r[5].(string)})
						if r[1] != float64(3600) {
							t.Errorf("source %q: %v seconds, want 3600", source, r[1])
						}
					}
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("source %q (-want +got):\n%s", source, diff)
				}
			}
			hours := summaryHours(t, e)
			if (tc.report == OfflineHidden) != (hours == base) {
				t.Errorf("summary total %v hours after the post, %v before", hours, base)
			}
			day := time.Date(2026, 11, 19, 0, 0, 0, 0, berlin(t))
			samples, _ := e.History(premiumKey, day, day.AddDate(0, 0, 1))
			offline := 0
			for _, s := range samples {
				if s.Source == SourceOffline {
					offline += s.Seconds
				}
			}
			if want := map[bool]int{true: 0, false: 3600}[tc.report == OfflineHidden]; offline != want {
				t.Errorf("History holds %d s of offline time, want %d", offline, want)
			}
		})
	}
}

func TestHighlightsCap(t *testing.T) {
	for _, tc := range []struct {
		cap  int
		want []int64 // ids, newest first
	}{
		{0, []int64{5, 4, 3, 2}}, // no cap: the four of the last 30 days
		{2, []int64{5, 4}},
		{4, []int64{5, 4, 3, 2}},
		{10, []int64{5, 4, 3, 2}},
	} {
		t.Run(fmt.Sprint(tc.cap), func(t *testing.T) {
			e, clock := newTestEmulator(t)
			if err := e.SetModel(premiumKey, Model{HighlightsCap: tc.cap}); err != nil {
				t.Fatal(err)
			}
			// One highlight out of the feed's reach, then four a day apart.
			clock.Set(testNow.Add(-35 * 24 * time.Hour))
			for i := range 5 {
				mustStatus(t, do(t, e, http.MethodPost, fmt.Sprintf("/anapi/highlights_post?highlight_date=2026-11-20&description=h%d&key=%s", i, premiumKey), "", ""), http.StatusOK)
				clock.Set(testNow.Add(time.Duration(i-4) * 24 * time.Hour))
			}
			clock.Set(testNow)
			var got []int64
			for _, h := range decode[[]highlightItem](t, get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}})) {
				got = append(got, h.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("feed ids (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHighlightsCapCountsSyncedOnly: a highlight still waiting for its
// sync takes no place under the cap.
func TestHighlightsCapCountsSyncedOnly(t *testing.T) {
	e, clock := newTestEmulator(t)
	if err := e.SetModel(premiumKey, Model{HighlightsCap: 1, SyncDelay: SyncDelay{Fixed: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Duration{-2 * time.Hour, 0} {
		clock.Set(testNow.Add(at))
		mustStatus(t, do(t, e, http.MethodPost, fmt.Sprintf("/anapi/highlights_post?highlight_date=2026-11-20&description=h%d&key=%s", i, premiumKey), "", ""), http.StatusOK)
	}
	items := decode[[]highlightItem](t, get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}}))
	if len(items) != 1 || items[0].Description != "h0" {
		t.Errorf("feed %+v, want only the synced h0", items)
	}
}

func TestParseModelSettings(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        Model
		err         string
	}{
		{SettingSyncDelay, "realistic", Model{SyncDelay: RealisticSyncDelay}, ""},
		{SettingSyncDelay, "0", Model{}, ""},
		{SettingSyncDelay, "30m", Model{SyncDelay: SyncDelay{Fixed: 30 * time.Minute}}, ""},
		{SettingSyncDelay, "-1m", Model{}, "want 0 to 720h0m0s"},
		{SettingSyncDelay, "721h", Model{}, "want 0 to 720h0m0s"},
		{SettingSyncDelay, "soon", Model{}, `sync-delay "soon": want "realistic" or a duration`},
		{SettingOfflineReport, "hidden", Model{OfflineReport: OfflineHidden}, ""},
		{SettingOfflineReport, "other-name", Model{OfflineReport: OfflineOtherName}, ""},
		{SettingOfflineReport, "Offline", Model{}, "want as-posted, other-name or hidden"},
		{SettingHighlightsCap, "3", Model{HighlightsCap: 3}, ""},
		{SettingHighlightsCap, "-3", Model{}, "want a whole number"},
		{SettingDevices, "2", Model{Devices: 2}, ""},
		{SettingDevices, "1", Model{Devices: 1}, ""},
		{SettingDevices, "3", Model{}, "want 1 or 2"},
		{SettingDevices, "0", Model{}, "want 1 or 2"},
		{"highlight-cap", "3", Model{}, `no model setting "highlight-cap"`},
	} {
		var m Model
		err := m.Set(tc.name, tc.value)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s=%s: %v", tc.name, tc.value, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s=%s: error %v, want %q", tc.name, tc.value, err, tc.err)
		case err == nil && m != tc.want:
			t.Errorf("%s=%s: %+v, want %+v", tc.name, tc.value, m, tc.want)
		}
	}
	if err := (&Emulator{}).SetModel(premiumKey, Model{HighlightsCap: -1}); err == nil {
		t.Error("SetModel took a negative cap")
	}
	if err := (&Emulator{}).SetModel(premiumKey, Model{Devices: 5}); err == nil {
		t.Error("SetModel took five devices")
	}
	if (Model{Devices: 1}).normalized() != (Model{}) {
		t.Error("one device is not the default model")
	}
	if err := (&Emulator{accounts: map[string]*account{}}).AddAccount(Account{Key: "k", Model: Model{OfflineReport: "none"}}); err == nil {
		t.Error("AddAccount took an unknown offline report")
	}
}

func TestModelHookAndState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.AddAccount(Account{Key: premiumKey, TimeZone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	model := func(method, query, body string) *hookAnswer {
		w := do(t, e, method, "/_emulator/model"+query, body, "application/json")
		return &hookAnswer{w.Code, strings.TrimSpace(w.Body.String())}
	}
	if got := model("GET", "", ""); got.code != http.StatusOK || got.body != "{}" {
		t.Errorf("GET with the only account: %d %s, want the zero model {}", got.code, got.body)
	}
	// The defaults, written out, are the zero model.
	if got := model("POST", "", `{"sync_delay":"0s","offline_report":"as-posted","highlights_cap":0}`); got.code != http.StatusOK || got.body != "{}" {
		t.Errorf("POST of the defaults: %d %s, want {}", got.code, got.body)
	}
	body := `{"sync_delay":"realistic","offline_report":"other-name","highlights_cap":5}`
	if got := model("POST", "?account="+premiumKey, body); got.code != http.StatusOK || got.body != body {
		t.Errorf("POST: %d %s", got.code, got.body)
	}
	for _, tc := range []struct{ query, body, err string }{
		{"", `{"sync_delay":"-3m"}`, "sync-delay"},
		{"", `{"offline_report":"gone"}`, "offline-report"},
		{"", `{"highlights_cap":-1}`, "highlights-cap"},
		{"", `{"cap":1}`, "unknown field"},
		{"?account=nope", `{}`, "account"},
	} {
		if got := model("POST", tc.query, tc.body); got.code != http.StatusBadRequest || !strings.Contains(got.body, tc.err) {
			t.Errorf("POST %s %s: %d %s, want 400 naming %s", tc.query, tc.body, got.code, got.body, tc.err)
		}
	}
	if err := e.AddAccount(Account{Key: "second"}); err != nil {
		t.Fatal(err)
	}
	if got := model("GET", "", ""); got.code != http.StatusBadRequest {
		t.Errorf("GET without an account among two: %d, want 400", got.code)
	}

	again, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := again.Account(premiumKey)
	want := Model{SyncDelay: RealisticSyncDelay, OfflineReport: OfflineOtherName, HighlightsCap: 5}
	if a.Model != want {
		t.Errorf("model after reload %+v, want %+v", a.Model, want)
	}
	raw, _ := json.Marshal(Account{Key: "k"})
	if strings.Contains(string(raw), "model") {
		t.Errorf("the zero model is written out: %s", raw)
	}
}

type hookAnswer struct {
	code int
	body string
}
