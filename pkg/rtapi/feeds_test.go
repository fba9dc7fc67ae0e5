package rtapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func TestDailySummaries(t *testing.T) {
	body := `[{"id":1669849200,"date":"2022-12-01","productivity_pulse":73,
		"very_productive_percentage":40.5,"productive_percentage":10.0,"neutral_percentage":5.1,
		"distracting_percentage":4.4,"very_distracting_percentage":40.0,"all_productive_percentage":50.5,
		"all_distracting_percentage":44.4,"uncategorized_percentage":1.0,"business_percentage":2.0,
		"communication_and_scheduling_percentage":3.0,"social_networking_percentage":4.0,
		"design_and_composition_percentage":0.0,"entertainment_percentage":5.0,"news_percentage":6.0,
		"software_development_percentage":50.0,"reference_and_learning_percentage":7.0,
		"shopping_percentage":0.5,"utilities_percentage":1.5,
		"total_hours":6.25,"very_productive_hours":2.53,"software_development_hours":3.13,
		"total_duration_formatted":"6h 15m","very_productive_duration_formatted":"2h 32m",
		"design_and_composition_duration_formatted":"no time","shopping_duration_formatted":"30s"}]`
	env := newTestEnv(t, respond(200, "application/json", body))
	got, err := env.client.DailySummaries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d summaries", len(got))
	}
	s := got[0]
	berlin := mustLoad(t, "Europe/Berlin")
	if s.ID != 1669849200 || !s.Date.Equal(time.Date(2022, 12, 1, 0, 0, 0, 0, berlin)) || s.ProductivityPulse != 73 {
		t.Errorf("general fields: %+v", s)
	}
	want := map[string]SummaryAmount{
		"total":                  {Hours: 6.25, Formatted: "6h 15m"},
		"very_productive":        {Percentage: 40.5, Hours: 2.53, Formatted: "2h 32m"},
		"software_development":   {Percentage: 50, Hours: 3.13},
		"design_and_composition": {Formatted: "no time"},
		"shopping":               {Percentage: 0.5, Formatted: "30s"},
		"utilities":              {Percentage: 1.5},
	}
	cats := s.SummaryCategories()
	if len(cats) != 19 {
		t.Errorf("%d categories, want 19", len(cats))
	}
	for _, c := range cats {
		if w, ok := want[c.Name]; ok && w != c.SummaryAmount {
			t.Errorf("%s = %+v, want %+v", c.Name, c.SummaryAmount, w)
		}
	}
	if env.rec.all()[0].Path != "/anapi/daily_summary_feed" {
		t.Errorf("path %s", env.rec.all()[0].Path)
	}
}

func TestAlertsFeed(t *testing.T) {
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("op") {
		case "list":
			w.Write([]byte(`[{"id":12345,"description":"more than 5h of All Productive Time","amount":5.0}]`))
		default:
			w.Write([]byte(`[{"id":"77","alert_id":12345,"description":"You reached 5h","created_at":"2025-11-20T17:00:00-05:00"},
				{"id":76,"alert_id":12345,"description":"You reached 5h","created_at":"2025-11-19 16:00:00"}]`))
		}
	})
	defs, err := env.client.AlertDefinitions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]AlertDefinition{{ID: 12345, Description: "more than 5h of All Productive Time", Amount: 5}}, defs); diff != "" {
		t.Errorf("definitions (-want +got):\n%s", diff)
	}
	alerts, err := env.client.Alerts(context.Background(), 12345)
	if err != nil {
		t.Fatal(err)
	}
	berlin := mustLoad(t, "Europe/Berlin")
	want := []Alert{
		{ID: 77, AlertID: 12345, Description: "You reached 5h", CreatedAt: time.Date(2025, 11, 20, 22, 0, 0, 0, time.UTC)},
		{ID: 76, AlertID: 12345, Description: "You reached 5h", CreatedAt: time.Date(2025, 11, 19, 16, 0, 0, 0, berlin)},
	}
	if diff := cmp.Diff(want, alerts, timeEqual); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	reqs := env.rec.all()
	if reqs[0].Query["op"][0] != "list" || reqs[1].Query["op"][0] != "status" || reqs[1].Query["alert_id"][0] != "12345" {
		t.Errorf("queries %v / %v", reqs[0].Query, reqs[1].Query)
	}
	if _, err := env.client.Alerts(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if _, ok := env.rec.all()[2].Query["alert_id"]; ok {
		t.Error("alert_id sent for 0")
	}
}

func TestHighlightsFeed(t *testing.T) {
	env := newTestEnv(t, respond(200, "application/json", `[
		{"id":9,"description":"Shipped v1.2","date":"2025-11-20","created_at":"2025-11-20T18:30:00+01:00"},
		{"id":8,"description":"Wrote docs","date":"2025-11-19","created_at":"2025-11-19 09:15:00","source":"git"}]`))
	got, err := env.client.Highlights(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	berlin := mustLoad(t, "Europe/Berlin")
	want := []Highlight{
		{ID: 9, Description: "Shipped v1.2", Date: time.Date(2025, 11, 20, 0, 0, 0, 0, berlin), CreatedAt: time.Date(2025, 11, 20, 17, 30, 0, 0, time.UTC)},
		{ID: 8, Description: "Wrote docs", Date: time.Date(2025, 11, 19, 0, 0, 0, 0, berlin), CreatedAt: time.Date(2025, 11, 19, 9, 15, 0, 0, berlin), Source: "git"},
	}
	if diff := cmp.Diff(want, got, timeEqual); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFocusFeeds(t *testing.T) {
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/anapi/focustime_started_feed" {
			w.Write([]byte(`[{"id":1763720100.5,"duration":30,"created_at":"2025-11-21T10:15:00"}]`))
			return
		}
		w.Write([]byte(`[{"id":1763721900,"created_at":"2025-11-21T10:45:00+01:00"}]`))
	})
	started, err := env.client.FocusTimeStarted(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ended, err := env.client.FocusTimeEnded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	berlin := mustLoad(t, "Europe/Berlin")
	if diff := cmp.Diff([]FocusEvent{{ID: 1763720100.5, Minutes: 30, CreatedAt: time.Date(2025, 11, 21, 10, 15, 0, 0, berlin)}}, started, timeEqual); diff != "" {
		t.Errorf("started (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]FocusEvent{{ID: 1763721900, CreatedAt: time.Date(2025, 11, 21, 10, 45, 0, 0, berlin)}}, ended, timeEqual); diff != "" {
		t.Errorf("ended (-want +got):\n%s", diff)
	}
	if started[0].Duration() != 30*time.Minute {
		t.Errorf("Duration %s", started[0].Duration())
	}
}

func TestFeedsEmptyAndMalformed(t *testing.T) {
	env := newTestEnv(t, respond(200, "application/json", `[]`))
	if h, err := env.client.Highlights(context.Background()); err != nil || len(h) != 0 {
		t.Errorf("empty feed: %v %v", h, err)
	}
	for _, body := range []string{`{"rows":[]}`, `[{"id":"x"}]`, `[{"id":1,"created_at":"soon"}]`} {
		env := newTestEnv(t, respond(200, "application/json", body))
		if _, err := env.client.Highlights(context.Background()); err == nil {
			t.Errorf("%s: no error", body)
		}
	}
}

func TestParseTime(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	tests := map[string]time.Time{
		"2025-11-21T06:00:00":       time.Date(2025, 11, 21, 6, 0, 0, 0, berlin),
		"2025-11-21 06:00:00":       time.Date(2025, 11, 21, 6, 0, 0, 0, berlin),
		"2025-11-21":                time.Date(2025, 11, 21, 0, 0, 0, 0, berlin),
		"2025-11-21T06:00:00-07:00": time.Date(2025, 11, 21, 13, 0, 0, 0, time.UTC),
		"2025-11-21T06:00:00Z":      time.Date(2025, 11, 21, 6, 0, 0, 0, time.UTC),
		"2025-11-21 06:00:00 -0700": time.Date(2025, 11, 21, 13, 0, 0, 0, time.UTC),
		"2025-11-21T06:00:00.250":   time.Date(2025, 11, 21, 6, 0, 0, 250e6, berlin),
		"1763704800":                time.Unix(1763704800, 0),
	}
	for in, want := range tests {
		got, err := ParseTime(in, berlin)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseTime("21/11/2025", berlin); err == nil {
		t.Error("unknown layout accepted")
	}
}
