package emulator

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// expectedRows sums history samples into rows the slow, obvious way: one
// string key per row (its non-numeric columns), seconds per key.
func expectedRows(t *testing.T, samples []Activity, perspective, resolution, kind, thing string, loc *time.Location) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, s := range samples {
		var cols []string
		if perspective == "interval" {
			b := s.Bucket.In(loc)
			var start time.Time
			switch resolution {
			case "minute":
				start = b
			case "hour":
				start = time.Date(b.Year(), b.Month(), b.Day(), b.Hour(), 0, 0, 0, loc)
			case "day":
				start = time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, loc)
			case "week":
				start = time.Date(b.Year(), b.Month(), b.Day()-int(b.Weekday()), 0, 0, 0, 0, loc)
			case "month":
				start = time.Date(b.Year(), b.Month(), 1, 0, 0, 0, 0, loc)
			}
			cols = append(cols, start.Format("2006-01-02T15:04:05"))
		}
		doc := s.Document
		if doc == "" {
			doc = "No Details"
		}
		switch {
		case (kind == "overview" || kind == "category") && thing != "":
			if s.Overview != thing && s.Category != thing {
				continue
			}
			cols = append(cols, s.Activity, s.Category, fmt.Sprint(s.Productivity))
		case kind == "activity" && thing != "":
			if s.Activity != thing {
				continue
			}
			cols = append(cols, doc, s.Category, fmt.Sprint(s.Productivity))
		case kind == "overview":
			cols = append(cols, s.Overview)
		case kind == "category":
			cols = append(cols, s.Category)
		case kind == "activity":
			cols = append(cols, s.Activity, s.Category, fmt.Sprint(s.Productivity))
		case kind == "document":
			cols = append(cols, s.Activity, doc, s.Category, fmt.Sprint(s.Productivity))
		case kind == "productivity":
			cols = append(cols, fmt.Sprint(s.Productivity))
		}
		out[strings.Join(cols, "|")] += s.Seconds
	}
	return out
}

// gotRows turns an answer into the same map, checking ranks and order.
func gotRows(t *testing.T, a dataAnswer, perspective string) map[string]int {
	t.Helper()
	out := map[string]int{}
	prevBucket, prevSecs := "", math.MaxInt
	for i, row := range a.Rows {
		secs := int(row[1].(float64))
		if row[2].(float64) != 1 {
			t.Fatalf("row %v: number of people is not 1", row)
		}
		var cols []string
		if perspective == "interval" {
			bucket := row[0].(string)
			if bucket < prevBucket || (bucket == prevBucket && secs > prevSecs) {
				t.Fatalf("row %d %v out of order (bucket, then time descending)", i, row)
			}
			prevBucket, prevSecs = bucket, secs
			cols = append(cols, bucket)
		} else {
			if int(row[0].(float64)) != i+1 || secs > prevSecs {
				t.Fatalf("row %d %v: wrong rank or not by time descending", i, row)
			}
			prevSecs = secs
		}
		for _, c := range row[3:] {
			cols = append(cols, fmt.Sprint(c))
		}
		k := strings.Join(cols, "|")
		if _, dup := out[k]; dup {
			t.Fatalf("row %v appears twice", row)
		}
		out[k] = secs
	}
	return out
}

var wantHeaders = map[string][]string{
	"rank/overview":         {"Rank", "Time Spent (seconds)", "Number of People", "Category"},
	"rank/category":         {"Rank", "Time Spent (seconds)", "Number of People", "Category"},
	"rank/activity":         {"Rank", "Time Spent (seconds)", "Number of People", "Activity", "Category", "Productivity"},
	"rank/productivity":     {"Rank", "Time Spent (seconds)", "Number of People", "Productivity"},
	"rank/document":         {"Rank", "Time Spent (seconds)", "Number of People", "Activity", "Document", "Category", "Productivity"},
	"interval/overview":     {"Date", "Time Spent (seconds)", "Number of People", "Category"},
	"interval/category":     {"Date", "Time Spent (seconds)", "Number of People", "Category"},
	"interval/activity":     {"Date", "Time Spent (seconds)", "Number of People", "Activity", "Category", "Productivity"},
	"interval/productivity": {"Date", "Time Spent (seconds)", "Number of People", "Productivity"},
	"interval/document":     {"Date", "Time Spent (seconds)", "Number of People", "Activity", "Document", "Category", "Productivity"},
	"interval/efficiency":   {"Date", "Time Spent (seconds)", "Number of People", "Efficiency (-2:2)", "Efficiency (percent)"},
}

// TestDataMatchesHistory checks every perspective, kind, resolution and
// source against sums computed independently from History.
func TestDataMatchesHistory(t *testing.T) {
	e, _ := newTestEmulator(t)
	loc := berlin(t)
	// Some offline time, so the offline source has rows too.
	for _, body := range []string{
		`{"start_time":"2026-11-18 09:02:00","duration":47,"activity_name":"Workshop","activity_details":"Planning"}`,
		`{"start_time":"2026-11-19 14:00:00","end_time":"2026-11-19 17:30:00","activity_name":"Offsite"}`,
	} {
		mustStatus(t, postOffline(t, e, body), http.StatusOK)
	}
	// Month and week buckets need a long range; minute and hour buckets are
	// checked on a short one to keep the test fast.
	ranges := map[bool][2]string{true: {"2026-11-17", "2026-11-20"}, false: {"2026-10-25", "2026-11-20"}}
	bySource := map[bool]map[string][]Activity{}
	for short, r := range ranges {
		from, _ := time.ParseInLocation(dateLayout, r[0], loc)
		to, _ := time.ParseInLocation(dateLayout, r[1], loc)
		all, err := e.History(premiumKey, from, to.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string][]Activity{"": all}
		for _, s := range all {
			m[string(s.Source)] = append(m[string(s.Source)], s)
		}
		for _, src := range []string{"computers", "mobile", "offline"} {
			if len(m[src]) == 0 {
				t.Fatalf("history has no %s samples", src)
			}
		}
		bySource[short] = m
	}
	type tc struct{ perspective, resolution, kind, thing, source string }
	var cases []tc
	for _, src := range []string{"", "computers", "mobile", "offline"} {
		for _, kind := range []string{"overview", "category", "activity", "productivity", "document"} {
			cases = append(cases, tc{"rank", "", kind, "", src})
			for _, res := range []string{"month", "week", "day", "hour", "minute"} {
				cases = append(cases, tc{"interval", res, kind, "", src})
			}
		}
	}
	for _, kind := range []string{"overview", "category"} {
		cases = append(cases, tc{"rank", "", kind, "Software Development", ""}, tc{"interval", "day", kind, "Instant Message", ""})
	}
	cases = append(cases, tc{"rank", "", "activity", "VS Code", ""}, tc{"interval", "hour", "activity", "github.com", "computers"})

	for _, c := range cases {
		name := fmt.Sprintf("%s/%s/%s/%s/%s", c.perspective, c.resolution, c.kind, c.thing, c.source)
		t.Run(name, func(t *testing.T) {
			short := c.resolution == "minute" || c.resolution == "hour"
			q := url.Values{"key": {premiumKey}, "format": {"json"}, "perspective": {c.perspective},
				"restrict_kind": {c.kind}, "restrict_begin": {ranges[short][0]}, "restrict_end": {ranges[short][1]}}
			if c.resolution != "" {
				q.Set("resolution_time", c.resolution)
			}
			if c.thing != "" {
				q.Set("restrict_thing", c.thing)
			}
			if c.source != "" {
				q.Set("restrict_source_type", c.source)
			}
			w := get(t, e, "/anapi/data", q)
			mustStatus(t, w, http.StatusOK)
			a := decode[dataAnswer](t, w)
			hk := c.perspective + "/" + c.kind
			if c.thing != "" {
				hk = c.perspective + "/activity"
			}
			if diff := cmp.Diff(wantHeaders[hk], a.RowHeaders); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
			want := expectedRows(t, bySource[short][c.source], c.perspective, c.resolution, c.kind, c.thing, loc)
			if len(want) == 0 {
				t.Fatal("the case selects no samples; it would prove nothing")
			}
			if diff := cmp.Diff(want, gotRows(t, a, c.perspective)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDataEfficiency(t *testing.T) {
	e, _ := newTestEmulator(t)
	loc := berlin(t)
	day := time.Date(2026, 11, 19, 0, 0, 0, 0, loc)
	samples, err := e.History(premiumKey, day, day.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	type acc struct{ secs, weighted int }
	want := map[string]acc{}
	for _, s := range samples {
		k := s.Bucket.In(loc).Format("2006-01-02T15") + ":00:00"
		a := want[k]
		a.secs += s.Seconds
		a.weighted += s.Seconds * s.Productivity
		want[k] = a
	}
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "by": {"interval"}, "i": {"hour"}, "ty": {"efficiency"}, "rb": {"2026-11-19"}, "re": {"2026-11-19"}}
	a := decode[dataAnswer](t, get(t, e, "/anapi/data", q))
	if len(a.Rows) != len(want) || len(a.Rows) == 0 {
		t.Fatalf("%d rows, want %d", len(a.Rows), len(want))
	}
	for _, row := range a.Rows {
		w := want[row[0].(string)]
		eff := float64(w.weighted) / float64(w.secs)
		got := []float64{row[1].(float64), row[3].(float64), row[4].(float64)}
		exp := []float64{float64(w.secs), math.Round(eff*100) / 100, math.Round((eff+2)*25*100) / 100}
		if diff := cmp.Diff(exp, got); diff != "" {
			t.Errorf("row %v (-want +got):\n%s", row, diff)
		}
	}
}

func TestDataDefaultsToToday(t *testing.T) {
	e, _ := newTestEmulator(t)
	loc := berlin(t)
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, loc)
	samples, _ := e.History(premiumKey, today, today.AddDate(0, 0, 1))
	total := 0
	for _, s := range samples {
		total += s.Seconds
	}
	a := decode[dataAnswer](t, get(t, e, "/anapi/data", url.Values{"key": {premiumKey}, "format": {"json"}, "restrict_kind": {"productivity"}}))
	got := 0
	for _, row := range a.Rows {
		got += int(row[1].(float64))
	}
	if total == 0 || got != total {
		t.Errorf("no dates: %d seconds, want today's %d", got, total)
	}
}

// TestHistoryShape checks the synthetic history's invariants.
func TestHistoryShape(t *testing.T) {
	e, clock := newTestEmulator(t)
	loc := berlin(t)
	from := time.Date(2026, 10, 15, 0, 0, 0, 0, loc)
	samples, err := e.History(premiumKey, from, testNow.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	computer := map[time.Time]int{}
	byHour := map[bool]int{}
	phone := map[bool]bool{} // by whether the activity is prefixed "mobile - "
	for _, s := range samples {
		if s.Productivity < -2 || s.Productivity > 2 {
			t.Fatalf("productivity %d out of range", s.Productivity)
		}
		if !s.Bucket.Add(bucketSize).After(s.Bucket) || s.Bucket.Truncate(bucketSize) != s.Bucket {
			t.Fatalf("bucket %v not on a five-minute boundary", s.Bucket)
		}
		if s.Bucket.Add(bucketSize).After(testNow) {
			t.Fatalf("sample in the future: %v", s.Bucket)
		}
		if s.Source == SourceComputers {
			computer[s.Bucket] += s.Seconds
		}
		if s.Source == SourceMobile {
			phone[strings.HasPrefix(s.Activity, "mobile - ")] = true
		}
		h := s.Bucket.In(loc)
		wd := h.Weekday() != time.Saturday && h.Weekday() != time.Sunday
		byHour[wd && h.Hour() >= 9 && h.Hour() < 17] += s.Seconds
	}
	for b, secs := range computer {
		if secs > 300 {
			t.Fatalf("bucket %v holds %d s of computer time from one device", b, secs)
		}
	}
	// Phone activity is often prefixed, but not always (recorded).
	if !phone[true] || !phone[false] {
		t.Errorf("phone activities prefixed %v, unprefixed %v; the recordings have both", phone[true], phone[false])
	}
	if earliest := samples[0].Bucket; earliest.After(from.Add(24 * time.Hour)) {
		t.Errorf("history starts %v, want weeks back, from %v", earliest, from)
	}
	hours := map[bool]int{}
	for h := from; h.Before(testNow); h = h.Add(time.Hour) {
		l := h.In(loc)
		wd := l.Weekday() != time.Saturday && l.Weekday() != time.Sunday
		hours[wd && l.Hour() >= 9 && l.Hour() < 17]++
	}
	work, rest := byHour[true]/hours[true], byHour[false]/hours[false]
	if work < 3*rest {
		t.Errorf("work hours average %d s an hour, other hours %d s: no work-day shape", work, rest)
	}

	// Same seed, same answers; another seed, other answers; and moving
	// the clock does not change the past.
	again, _ := e.History(premiumKey, from, testNow)
	clock.Advance(72 * time.Hour)
	later, _ := e.History(premiumKey, from, testNow)
	if diff := cmp.Diff(samples, again); diff != "" {
		t.Errorf("history not deterministic:\n%s", diff)
	}
	if diff := cmp.Diff(samples, later); diff != "" {
		t.Errorf("the past changed when the clock moved:\n%s", diff)
	}
	other, _ := New(Options{Clock: NewManualClock(testNow)})
	_ = other.AddAccount(Account{Key: "x", TimeZone: "Europe/Berlin", Seed: 8})
	diff, _ := other.History("x", from, testNow)
	if cmp.Equal(samples, diff) {
		t.Error("seeds 7 and 8 give the same history")
	}
}

func TestDataCSV(t *testing.T) {
	e, _ := newTestEmulator(t)
	q := url.Values{"key": {premiumKey}, "format": {"csv"}, "perspective": {"interval"}, "restrict_kind": {"overview"}, "resolution_time": {"minute"}}
	w := get(t, e, "/anapi/data", q)
	mustStatus(t, w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if lines[0] != "Date,Time Spent (seconds),Number of People,Category" || len(lines) < 2 {
		t.Fatalf("csv %q", w.Body.String())
	}
	if !strings.HasPrefix(lines[1], "2026-11-20T") {
		t.Errorf("first row %q: want a naive local date of today", lines[1])
	}
	minutes := map[string]bool{}
	for _, l := range lines[1:] {
		minutes[l[14:16]] = true
	}
	for m := range minutes {
		if m[1] != '0' && m[1] != '5' {
			t.Errorf("bucket minute %s is not a five-minute boundary", m)
		}
	}
}

func TestDataWeekAndMonthBuckets(t *testing.T) {
	e, _ := newTestEmulator(t)
	for res, want := range map[string][]string{
		"week":  {"2026-11-01T00:00:00", "2026-11-08T00:00:00", "2026-11-15T00:00:00"}, // Sundays
		"month": {"2026-10-01T00:00:00", "2026-11-01T00:00:00"},
	} {
		q := url.Values{"key": {premiumKey}, "format": {"json"}, "pv": {"interval"}, "rs": {res}, "rk": {"productivity"}, "rb": {"2026-10-30"}, "re": {"2026-11-20"}}
		a := decode[dataAnswer](t, get(t, e, "/anapi/data", q))
		seen := map[string]bool{}
		for _, r := range a.Rows {
			seen[r[0].(string)] = true
		}
		var got []string
		for k := range seen {
			got = append(got, k)
		}
		sort.Strings(got)
		if res == "week" { // 2026-10-30 is a Friday: its week starts 2026-10-25
			want = append([]string{"2026-10-25T00:00:00"}, want...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s buckets (-want +got):\n%s", res, diff)
		}
	}
}

func TestDataSchedules(t *testing.T) {
	e, _ := newTestEmulator(t)
	loc := berlin(t)
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "interval": {"hour"}, "by": {"interval"}, "taxonomy": {"productivity"}, "rb": {"2026-11-14"}, "re": {"2026-11-20"}, "s": {"1"}}
	a := decode[dataAnswer](t, get(t, e, "/anapi/data", q))
	if len(a.Rows) == 0 {
		t.Fatal("work-hours schedule selects nothing")
	}
	for _, r := range a.Rows {
		tm, _ := time.ParseInLocation("2006-01-02T15:04:05", r[0].(string), loc)
		if tm.Weekday() == time.Saturday || tm.Weekday() == time.Sunday || tm.Hour() < 9 || tm.Hour() >= 17 {
			t.Errorf("row %v outside work hours", r)
		}
	}
}

func TestDataQueryErrors(t *testing.T) {
	e, _ := newTestEmulator(t)
	base := url.Values{"key": {premiumKey}, "format": {"json"}}
	for _, tc := range []struct {
		name  string
		param string
		value string
	}{
		{"missing format", "format", ""},
		{"bad format", "format", "xml"},
		{"bad perspective", "perspective", "sideways"},
		{"bad resolution", "resolution_time", "second"},
		{"bad kind", "restrict_kind", "everything"},
		{"bad source", "restrict_source_type", "tablet"},
		{"bad begin", "restrict_begin", "2026-13-01"},
		{"bad end", "restrict_end", "20.11.2026"},
		{"begin after end", "restrict_begin", "2026-11-21"},
		{"schedule not an integer", "restrict_schedule_id", "work"},
		{"unknown schedule", "rsi", "99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range base {
				q[k] = v
			}
			q.Set(tc.param, tc.value)
			w := get(t, e, "/anapi/data", q)
			mustStatus(t, w, http.StatusBadRequest)
			want := errorAnswer{"# query error", "Error: Likely a badly formatted or missing parameter"}
			if diff := cmp.Diff(want, decode[errorAnswer](t, w)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Unknown parameters are tolerated.
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "frobnicate": {"1"}}
	mustStatus(t, get(t, e, "/anapi/data", q), http.StatusOK)
}

func TestInvalidKey(t *testing.T) {
	e, _ := newTestEmulator(t)
	want := errorAnswer{"# key not found", "key not found"}
	for _, target := range []string{
		"/anapi/data?format=csv&key=nope", "/anapi/data?format=json", "/anapi/daily_summary_feed?key=nope",
		"/anapi/highlights_feed?key=nope", "/anapi/alerts_feed?key=nope&op=list", "/anapi/focustime_started_feed?key=",
	} {
		w := do(t, e, http.MethodGet, target, "", "")
		mustStatus(t, w, http.StatusOK)
		if diff := cmp.Diff(want, decode[errorAnswer](t, w)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", target, diff)
		}
	}
	w := do(t, e, http.MethodPost, "/anapi/highlights_post?key=nope&highlight_date=2026-11-20&description=x", "", "")
	mustStatus(t, w, http.StatusBadRequest)
	if diff := cmp.Diff(want, decode[errorAnswer](t, w)); diff != "" {
		t.Errorf("POST (-want +got):\n%s", diff)
	}
}

func TestDataRestrictThingy(t *testing.T) {
	e, _ := newTestEmulator(t)
	loc := berlin(t)
	from := time.Date(2026, 11, 16, 0, 0, 0, 0, loc)
	samples, _ := e.History(premiumKey, from, from.AddDate(0, 0, 5))
	want := 0
	for _, s := range samples {
		if s.Activity == "VS Code" && s.Document == "main.go - rtctl" {
			want += s.Seconds
		}
	}
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "rk": {"activity"}, "rt": {"VS Code"}, "ry": {"main.go - rtctl"}, "rb": {"2026-11-16"}, "re": {"2026-11-20"}}
	a := decode[dataAnswer](t, get(t, e, "/anapi/data", q))
	if want == 0 {
		t.Fatal("no such document in the history; the check would prove nothing")
	}
	if diff := cmp.Diff([][]any{{1.0, float64(want), 1.0, "main.go - rtctl", "Editing & IDEs", 2.0}}, a.Rows); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestSeveralDevicesOverfillABucket: with two computers logging at once a
// five-minute bucket holds more than 300 s and an hour more than 3,600 s
// (recorded); the first device's history is the one-device history.
func TestSeveralDevicesOverfillABucket(t *testing.T) {
	e, _ := newTestEmulator(t)
	loc := berlin(t)
	from := time.Date(2026, 11, 16, 0, 0, 0, 0, loc)
	one, err := e.History(premiumKey, from, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetModel(premiumKey, Model{Devices: 2}); err != nil {
		t.Fatal(err)
	}
	two, err := e.History(premiumKey, from, testNow)
	if err != nil {
		t.Fatal(err)
	}
	bucket, hour := map[time.Time]int{}, map[time.Time]int{}
	for _, s := range two {
		bucket[s.Bucket] += s.Seconds
		hour[s.Bucket.Truncate(time.Hour)] += s.Seconds
	}
	maxBucket, maxHour := 0, 0
	for _, v := range bucket {
		maxBucket = max(maxBucket, v)
	}
	for _, v := range hour {
		maxHour = max(maxHour, v)
	}
	if maxBucket <= 300 || maxHour <= 3600 {
		t.Errorf("two devices: fullest bucket %d s, fullest hour %d s; want over 300 and over 3600", maxBucket, maxHour)
	}
	var firstDevice []Activity
	for _, s := range two {
		if s.Device == 0 {
			firstDevice = append(firstDevice, s)
		}
	}
	if len(firstDevice) == len(two) {
		t.Fatal("the second device logged nothing")
	}
	if diff := cmp.Diff(one, firstDevice); diff != "" {
		t.Errorf("a second device changed the first one's history (-one +first of two):\n%s", diff)
	}
	// The answer sums both devices: no row is capped at 300 s.
	q := url.Values{"key": {premiumKey}, "format": {"json"}, "perspective": {"interval"}, "resolution_time": {"minute"},
		"restrict_kind": {"productivity"}, "rb": {"2026-11-16"}, "re": {"2026-11-20"}}
	a := decode[dataAnswer](t, get(t, e, "/anapi/data", q))
	perBucket := map[string]int{}
	for _, row := range a.Rows {
		perBucket[row[0].(string)] += int(row[1].(float64))
	}
	over := 0
	for _, v := range perBucket {
		if v > 300 {
			over++
		}
	}
	if over == 0 {
		t.Error("no five-minute bucket of the answer holds more than 300 s")
	}
}
