package rtapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func prod(p Productivity) *Productivity { return &p }
func f64(f float64) *float64            { return &f }

func TestParseAnalyticDataRecordedVariants(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	const notes = "data is an array of arrays (rows), column names for rows in row_headers"
	tests := []struct {
		name string
		json string
		want []AnalyticRow
	}{
		{
			name: "rank activity",
			json: `{"notes":"` + notes + `","row_headers":["Rank","Time Spent (seconds)","Number of People","Activity","Category","Productivity"],
				"rows":[[1,3600,1,"VS Code","Editing & IDEs",2],[2,120,1,"mobile - Slack","Instant Message",-1]]}`,
			want: []AnalyticRow{
				{Rank: 1, Seconds: 3600, People: 1, Activity: "VS Code", Category: "Editing & IDEs", Productivity: prod(VeryProductive)},
				{Rank: 2, Seconds: 120, People: 1, Activity: "mobile - Slack", Category: "Instant Message", Productivity: prod(Distracting)},
			},
		},
		{
			name: "rank overview headed Category",
			json: `{"row_headers":["Rank","Time Spent (seconds)","Number of People","Category"],"rows":[[1,7200,1,"Software Development"]]}`,
			want: []AnalyticRow{{Rank: 1, Seconds: 7200, People: 1, Category: "Software Development"}},
		},
		{
			name: "rank productivity",
			json: `{"row_headers":["Rank","Time Spent (seconds)","Number of People","Productivity"],"rows":[[1,500,1,0]]}`,
			want: []AnalyticRow{{Rank: 1, Seconds: 500, People: 1, Productivity: prod(Neutral)}},
		},
		{
			name: "rank document with No Details",
			json: `{"row_headers":["Rank","Time Spent (seconds)","Number of People","Activity","Document","Category","Productivity"],"rows":[[1,60,1,"Terminal","No Details","Systems Operations",2]]}`,
			want: []AnalyticRow{{Rank: 1, Seconds: 60, People: 1, Activity: "Terminal", Document: "No Details", Category: "Systems Operations", Productivity: prod(VeryProductive)}},
		},
		{
			name: "interval activity with naive local dates",
			json: `{"row_headers":["Date","Time Spent (seconds)","Number of People","Activity","Category","Productivity"],
				"rows":[["2025-11-21T06:00:00",300,1,"VS Code","Editing & IDEs",2],["2025-11-21T06:05:00",240,1,"Meeting","Offline",0]]}`,
			want: []AnalyticRow{
				{Date: time.Date(2025, 11, 21, 6, 0, 0, 0, berlin), Seconds: 300, People: 1, Activity: "VS Code", Category: "Editing & IDEs", Productivity: prod(VeryProductive)},
				{Date: time.Date(2025, 11, 21, 6, 5, 0, 0, berlin), Seconds: 240, People: 1, Activity: "Meeting", Category: "Offline", Productivity: prod(Neutral)},
			},
		},
		{
			name: "interval overview",
			json: `{"row_headers":["Date","Time Spent (seconds)","Number of People","Category"],"rows":[["2025-11-01T00:00:00",3600,1,"News & Opinion"]]}`,
			want: []AnalyticRow{{Date: time.Date(2025, 11, 1, 0, 0, 0, 0, berlin), Seconds: 3600, People: 1, Category: "News & Opinion"}},
		},
		{
			name: "interval efficiency",
			json: `{"row_headers":["Date","Time Spent (seconds)","Number of People","Efficiency (-2:2)","Efficiency (percent)"],"rows":[["2025-11-21T09:00:00",1800,1,1.25,81.3]]}`,
			want: []AnalyticRow{{Date: time.Date(2025, 11, 21, 9, 0, 0, 0, berlin), Seconds: 1800, People: 1, Efficiency: f64(1.25), EfficiencyPercent: f64(81.3)}},
		},
		{
			name: "rank efficiency: a label, not a number",
			json: `{"row_headers":["Rank","Time Spent (seconds)","Number of People","Efficiency"],
				"rows":[[1,9000,1,"Very Productive Time"],[2,1800,1,"Neutral Time"],[3,60,1,"Very Distracting Time"]]}`,
			want: []AnalyticRow{
				{Rank: 1, Seconds: 9000, People: 1, EfficiencyLabel: "Very Productive Time"},
				{Rank: 2, Seconds: 1800, People: 1, EfficiencyLabel: "Neutral Time"},
				{Rank: 3, Seconds: 60, People: 1, EfficiencyLabel: "Very Distracting Time"},
			},
		},
		{
			name: "interval efficiency written with a decimal point",
			json: `{"row_headers":["Date","Time Spent (seconds)","Number of People","Efficiency (-2:2)","Efficiency (percent)"],"rows":[["2025-11-21T09:00:00",300,1,2.0,100.0]]}`,
			want: []AnalyticRow{{Date: time.Date(2025, 11, 21, 9, 0, 0, 0, berlin), Seconds: 300, People: 1, Efficiency: f64(2), EfficiencyPercent: f64(100)}},
		},
		{
			name: "member perspective keeps the person",
			json: `{"row_headers":["Person","Time Spent (seconds)","Activity","Category","Productivity"],
				"rows":[["Ada Lovelace",5400,"VS Code","Editing & IDEs",2]]}`,
			want: []AnalyticRow{{Person: "Ada Lovelace", Seconds: 5400, Activity: "VS Code", Category: "Editing & IDEs", Productivity: prod(VeryProductive)}},
		},
		{
			name: "unknown columns survive as sent",
			json: `{"row_headers":["Rank","Time Spent (seconds)","Mood","Number of People","Category","Weight"],
				"rows":[[1,60,"calm",1,"Business",1.50],[2,30,null,1,"Shopping",2]]}`,
			want: []AnalyticRow{
				{Rank: 1, Seconds: 60, People: 1, Category: "Business", Extra: map[string]string{"Mood": "calm", "Weight": "1.50"}},
				{Rank: 2, Seconds: 30, People: 1, Category: "Shopping", Extra: map[string]string{"Mood": "", "Weight": "2"}},
			},
		},
		{
			name: "date with an offset is honoured",
			json: `{"row_headers":["Date","Time Spent (seconds)","Number of People","Category"],"rows":[["2025-11-21T06:00:00+00:00",60,1,"News & Opinion"]]}`,
			want: []AnalyticRow{{Date: time.Date(2025, 11, 21, 6, 0, 0, 0, time.UTC), Seconds: 60, People: 1, Category: "News & Opinion"}},
		},
		{
			name: "empty report",
			json: `{"notes":"` + notes + `","row_headers":["Rank","Time Spent (seconds)","Number of People","Category"],"rows":[]}`,
			want: []AnalyticRow{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseAnalyticData([]byte(tt.json), FormatJSON, berlin)
			if err != nil {
				t.Fatalf("ParseAnalyticData: %v", err)
			}
			if diff := cmp.Diff(tt.want, d.Rows, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAnalyticDataCSVMatchesJSON(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	js := `{"row_headers":["Date","Time Spent (seconds)","Number of People","Activity","Category","Productivity"],
		"rows":[["2025-11-21T06:00:00",300,1,"Editor, \"main\"","Editing & IDEs",2]]}`
	csvText := "Date,Time Spent (seconds),Number of People,Activity,Category,Productivity\n" +
		"2025-11-21T06:00:00,300,1,\"Editor, \"\"main\"\"\",Editing & IDEs,2\n"
	a, err := ParseAnalyticData([]byte(js), FormatJSON, berlin)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseAnalyticData([]byte(csvText), FormatCSV, berlin)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("CSV and JSON differ (-json +csv):\n%s", diff)
	}
}

func TestParseAnalyticDataRejectsMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"not json":        `<html>`,
		"cell count":      `{"row_headers":["Rank","Time Spent (seconds)"],"rows":[[1]]}`,
		"bad seconds":     `{"row_headers":["Rank","Time Spent (seconds)"],"rows":[[1,"lots"]]}`,
		"bad date":        `{"row_headers":["Date","Time Spent (seconds)"],"rows":[["yesterday",1]]}`,
		"fractional rank": `{"row_headers":["Rank"],"rows":[[1.5]]}`,
	} {
		if _, err := ParseAnalyticData([]byte(body), FormatJSON, time.UTC); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestAnalyticDataSendsPrincipleNames(t *testing.T) {
	env := newTestEnv(t, respond(200, "application/json", `{"row_headers":["Rank","Time Spent (seconds)","Number of People","Category"],"rows":[[1,60,1,"Business"]]}`))
	berlin := mustLoad(t, "Europe/Berlin")
	q := AnalyticDataQuery{
		Perspective: PerspectiveInterval,
		Resolution:  ResolutionMinute,
		Begin:       time.Date(2025, 11, 1, 0, 0, 0, 0, berlin),
		End:         time.Date(2025, 11, 20, 23, 30, 0, 0, berlin),
		Kind:        KindActivity,
		Thing:       "Software Development",
		Thingy:      "main.go",
		SourceType:  SourceOffline,
		ScheduleID:  42,
	}
	if _, err := env.client.AnalyticData(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	reqs := env.rec.all()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	want := map[string][]string{
		"key": {testKey}, "format": {"json"}, "perspective": {"interval"}, "resolution_time": {"minute"},
		"restrict_begin": {"2025-11-01"}, "restrict_end": {"2025-11-20"}, "restrict_kind": {"activity"},
		"restrict_thing": {"Software Development"}, "restrict_thingy": {"main.go"},
		"restrict_source_type": {"offline"}, "restrict_schedule_id": {"42"},
	}
	if diff := cmp.Diff(want, reqs[0].Query); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	if reqs[0].Path != "/anapi/data" || reqs[0].Method != http.MethodGet {
		t.Errorf("sent %s %s", reqs[0].Method, reqs[0].Path)
	}
	if ua := reqs[0].Header.Get("User-Agent"); ua != "rtctl/test" {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestAnalyticDataRawReturnsCSVAsServed(t *testing.T) {
	const csvText = "Rank,Time Spent (seconds),Number of People,Category\n1,60,1,Business\n"
	env := newTestEnv(t, respond(200, "text/csv; charset=utf-8", csvText))
	got, err := env.client.AnalyticDataRaw(context.Background(), AnalyticDataQuery{}, FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != csvText {
		t.Errorf("got %q", got)
	}
	if f := env.rec.all()[0].Query["format"]; len(f) != 1 || f[0] != "csv" {
		t.Errorf("format %v", f)
	}
}

func TestRestrictedReportsUseOAuthURLs(t *testing.T) {
	for _, r := range []Report{ReportData, ReportOverview, ReportCategory, ReportProductivity} {
		env := newTestEnv(t, respond(200, "application/json", `{"row_headers":[],"rows":[]}`), func(o *Options) {
			o.Credentials = AccessToken("tok-" + testKey)
		})
		if _, err := env.client.AnalyticData(context.Background(), AnalyticDataQuery{Report: r}); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		got := env.rec.all()[0]
		if got.Path != "/api/oauth/"+string(r) {
			t.Errorf("%s: path %s", r, got.Path)
		}
		if tok := got.Query["access_token"]; len(tok) != 1 || tok[0] != "tok-"+testKey || got.Query["key"] != nil {
			t.Errorf("%s: credentials sent as %v", r, got.Query)
		}
	}
}

func TestAnalyticDataValidation(t *testing.T) {
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) { t.Error("request sent despite invalid query") })
	day := time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		q     AnalyticDataQuery
		field string
	}{
		{AnalyticDataQuery{Perspective: "sideways"}, "perspective"},
		{AnalyticDataQuery{Resolution: "second"}, "resolution_time"},
		{AnalyticDataQuery{Kind: "mood"}, "restrict_kind"},
		{AnalyticDataQuery{SourceType: "tablet"}, "restrict_source_type"},
		{AnalyticDataQuery{ScheduleID: -3}, "restrict_schedule_id"},
		{AnalyticDataQuery{Begin: day, End: day.AddDate(0, 0, -1)}, "restrict_end"},
		{AnalyticDataQuery{Thingy: "doc"}, "restrict_thingy"},
		{AnalyticDataQuery{Report: ReportOverview}, "report"}, // API key: no restricted reports
		{AnalyticDataQuery{Report: "secret_data"}, "report"},
	}
	for _, tt := range tests {
		_, err := env.client.AnalyticData(context.Background(), tt.q)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("%+v: got %v, want a ValidationError on %s", tt.q, err, tt.field)
		}
	}
	if _, err := env.client.AnalyticDataRaw(context.Background(), AnalyticDataQuery{}, "xml"); err == nil || !strings.Contains(err.Error(), "format") {
		t.Errorf("bad format: %v", err)
	}
}

func TestSplitDateRange(t *testing.T) {
	d := func(m time.Month, day int) time.Time { return time.Date(2025, m, day, 0, 0, 0, 0, time.UTC) }
	got := SplitDateRange(d(1, 1), d(3, 5).Add(15*time.Hour), MinuteChunkDays)
	want := []DateRange{{d(1, 1), d(1, 30)}, {d(1, 31), d(3, 1)}, {d(3, 2), d(3, 5)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := SplitDateRange(d(1, 2), d(1, 1), 7); got != nil {
		t.Errorf("reversed range: %v", got)
	}
	if got := SplitDateRange(d(1, 1), d(1, 1), 7); len(got) != 1 {
		t.Errorf("one day: %v", got)
	}
}

func TestAnalyticDataChunked(t *testing.T) {
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		b := r.URL.Query().Get("restrict_begin")
		w.Write([]byte(`{"row_headers":["Date","Time Spent (seconds)","Number of People","Category"],"rows":[["` + b + `T00:00:00",60,1,"Business"]]}`))
	})
	begin := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	d, err := env.client.AnalyticDataChunked(context.Background(), AnalyticDataQuery{
		Perspective: PerspectiveInterval, Resolution: ResolutionMinute, Begin: begin, End: begin.AddDate(0, 0, 69),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rows) != 3 || len(env.rec.all()) != 3 {
		t.Fatalf("%d rows from %d requests, want 3 and 3", len(d.Rows), len(env.rec.all()))
	}
	var ends []string
	for _, r := range env.rec.all() {
		ends = append(ends, r.Query["restrict_begin"][0]+".."+r.Query["restrict_end"][0])
	}
	want := []string{"2025-01-01..2025-01-30", "2025-01-31..2025-03-01", "2025-03-02..2025-03-11"}
	if diff := cmp.Diff(want, ends); diff != "" {
		t.Errorf("chunks (-want +got):\n%s", diff)
	}
}

func TestEfficiencyLevel(t *testing.T) {
	for label, want := range map[string]Productivity{
		"Very Productive Time": VeryProductive, "Productive Time": Productive, "Neutral Time": Neutral,
		"Distracting Time": Distracting, "very distracting time ": VeryDistracting,
	} {
		got, ok := AnalyticRow{EfficiencyLabel: label}.EfficiencyLevel()
		if !ok || got != want {
			t.Errorf("%q: %v %v, want %v", label, got, ok, want)
		}
	}
	if _, ok := (AnalyticRow{EfficiencyLabel: "Focus Work"}).EfficiencyLevel(); ok {
		t.Error("an unknown label has a level")
	}
	if _, ok := (AnalyticRow{}).EfficiencyLevel(); ok {
		t.Error("no label has a level")
	}
}

// TestAnalyticCellKeepsEveryColumn checks that every column, known or
// not, can be read back by its header as the API wrote it, so a table or
// CSV built from the headers loses nothing.
func TestAnalyticCellKeepsEveryColumn(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	csvText := "Date,Person,Time Spent (seconds),Number of People,Activity,Document,Category,Productivity,Efficiency,Efficiency (percent),Mood,Mood\n" +
		"2025-11-21T06:00:00,Ada,300,1,VS Code,main.go,Editing & IDEs,-1,Productive Time,87.5,calm,tired\n"
	d, err := ParseAnalyticData([]byte(csvText), FormatCSV, berlin)
	if err != nil {
		t.Fatal(err)
	}
	keys := ColumnKeys(d.RowHeaders)
	wantKeys := []string{"Date", "Person", "Time Spent (seconds)", "Number of People", "Activity", "Document", "Category", "Productivity", "Efficiency", "Efficiency (percent)", "Mood", "Mood (2)"}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	var got []string
	for _, k := range keys {
		got = append(got, d.Rows[0].Cell(k))
	}
	want := []string{"2025-11-21T06:00:00", "Ada", "300", "1", "VS Code", "main.go", "Editing & IDEs", "-1", "Productive Time", "87.5", "calm", "tired"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if c := d.Rows[0].Cell("Nothing"); c != "" {
		t.Errorf("absent column: %q", c)
	}
}

func TestAnalyticDataErrorBodyIsABadKey(t *testing.T) {
	_, err := ParseAnalyticData([]byte(`{"error": "# key not found", "messages": "key not found"}`), FormatJSON, time.UTC)
	var ue *UnauthorizedError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v (%T), want an UnauthorizedError", err, err)
	}
}

func TestRankEfficiencyAndMemberAreSent(t *testing.T) {
	env := newTestEnv(t, respond(200, "application/json", `{"row_headers":["Person","Time Spent (seconds)","Activity","Category","Productivity"],"rows":[]}`))
	for _, q := range []AnalyticDataQuery{
		{Perspective: PerspectiveRank, Kind: KindEfficiency},
		{Kind: KindEfficiency},
		{Perspective: PerspectiveMember},
		{Perspective: PerspectiveMember, Kind: KindActivity},
	} {
		if _, err := env.client.AnalyticData(context.Background(), q); err != nil {
			t.Errorf("%+v: %v", q, err)
		}
	}
	if p, err := ParsePerspective("member"); err != nil || p != PerspectiveMember {
		t.Errorf("ParsePerspective(member) = %q, %v", p, err)
	}
}
