package emulator

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// levelLabels are the recorded names of the efficiency levels in the rank
// perspective, by productivity.
var levelLabels = map[int]string{
	2: "Very Productive Time", 1: "Productive Time", 0: "Neutral Time",
	-1: "Distracting Time", -2: "Very Distracting Time",
}

func historyOf(t *testing.T, e *Emulator, first, last string) []Activity {
	t.Helper()
	loc := berlin(t)
	from, _ := time.ParseInLocation(dateLayout, first, loc)
	to, _ := time.ParseInLocation(dateLayout, last, loc)
	s, err := e.History(premiumKey, from, to.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDataRankEfficiency: one row per efficiency level, its last column a
// label (recorded), ranked by time.
func TestDataRankEfficiency(t *testing.T) {
	e, _ := newTestEmulator(t)
	mustStatus(t, postOffline(t, e, `{"start_time":"2026-11-19 07:00:00","duration":30,"activity_name":"Gym"}`), http.StatusOK)
	want := map[string]int{}
	for _, s := range historyOf(t, e, "2026-11-16", "2026-11-19") {
		want[levelLabels[s.Productivity]] += s.Seconds
	}
	for _, pv := range []string{"rank", ""} { // rank is the default
		q := url.Values{"key": {premiumKey}, "format": {"json"}, "restrict_kind": {"efficiency"}, "rb": {"2026-11-16"}, "re": {"2026-11-19"}}
		if pv != "" {
			q.Set("perspective", pv)
		}
		w := get(t, e, "/anapi/data", q)
		mustStatus(t, w, http.StatusOK)
		a := decode[dataAnswer](t, w)
		if diff := cmp.Diff([]string{"Rank", "Time Spent (seconds)", "Number of People", "Efficiency"}, a.RowHeaders); diff != "" {
			t.Errorf("headers (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, gotRows(t, a, "rank")); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
		if len(a.Rows) != 5 {
			t.Errorf("%d rows, want one per level (5)", len(a.Rows))
		}
	}
}

// TestDataMemberPerspective: Person first, no Rank, no Number of People
// (recorded for the activity kind).
func TestDataMemberPerspective(t *testing.T) {
	e, _ := newTestEmulator(t)
	samples := historyOf(t, e, "2026-11-18", "2026-11-19")
	for _, kind := range []string{"", "activity", "overview", "productivity", "efficiency", "document"} {
		t.Run(kind, func(t *testing.T) {
			q := url.Values{"key": {premiumKey}, "format": {"json"}, "perspective": {"member"}, "rb": {"2026-11-18"}, "re": {"2026-11-19"}}
			if kind != "" {
				q.Set("restrict_kind", kind)
			}
			w := get(t, e, "/anapi/data", q)
			mustStatus(t, w, http.StatusOK)
			a := decode[dataAnswer](t, w)
			want := map[string]int{}
			for _, s := range samples {
				var cols []string
				switch kind {
				case "", "activity":
					cols = []string{s.Activity, s.Category, fmt.Sprint(s.Productivity)}
				case "overview":
					cols = []string{s.Overview}
				case "productivity":
					cols = []string{fmt.Sprint(s.Productivity)}
				case "efficiency":
					cols = nil // one row: the efficiency of all the time
				case "document":
					doc := s.Document
					if doc == "" {
						doc = noDetails
					}
					cols = []string{s.Activity, doc, s.Category, fmt.Sprint(s.Productivity)}
				}
				want[strings.Join(cols, "|")] += s.Seconds
			}
			k := kind
			if k == "" {
				k = "activity" // the default kind
			}
			rankHeaders := wantHeaders["rank/"+k]
			if kind == "efficiency" {
				// Numeric, as the interval perspective (recorded, 2015).
				rankHeaders = []string{"Rank", "Time Spent (seconds)", "Number of People", "Efficiency (-2:2)", "Efficiency (percent)"}
			}
			wantH := append([]string{"Person", "Time Spent (seconds)"}, rankHeaders[3:]...)
			if diff := cmp.Diff(wantH, a.RowHeaders); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
			got := map[string]int{}
			prev := int(^uint(0) >> 1)
			for _, row := range a.Rows {
				if row[0] != memberName {
					t.Fatalf("row %v: person %v, want %q", row, row[0], memberName)
				}
				secs := int(row[1].(float64))
				if secs > prev {
					t.Fatalf("row %v not by time descending", row)
				}
				prev = secs
				var cols []string
				for _, c := range row[2:] {
					cols = append(cols, fmt.Sprint(c))
				}
				if kind == "efficiency" {
					checkEfficiency(t, row, samples)
					cols = nil
				}
				got[strings.Join(cols, "|")] += secs
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFloatsWrittenAsTheRealAPI: whole floats keep their decimal point
// ("2.0", "100.0"), in JSON and CSV (recorded, 2015).
func TestFloatsWrittenAsTheRealAPI(t *testing.T) {
	for f, want := range map[float64]string{2: "2.0", 100: "100.0", 0: "0.0", -2: "-2.0", 1.74: "1.74", 99.88: "99.88", -0.5: "-0.5"} {
		b, err := apiFloat(f).MarshalJSON()
		if err != nil || string(b) != want || apiFloat(f).String() != want {
			t.Errorf("%v: JSON %s (%v), text %s, want %s", f, b, err, apiFloat(f).String(), want)
		}
	}
	e, _ := newTestEmulator(t)
	// A bucket of only very productive time has efficiency 2.0 and 100.0:
	// minute resolution on a workday morning has such buckets.
	q := url.Values{"key": {premiumKey}, "perspective": {"interval"}, "resolution_time": {"minute"}, "restrict_kind": {"efficiency"},
		"restrict_source_type": {"computers"}, "rb": {"2026-11-19"}, "re": {"2026-11-19"}}
	q.Set("format", "json")
	js := get(t, e, "/anapi/data", q).Body.String()
	q.Set("format", "csv")
	csvText := get(t, e, "/anapi/data", q).Body.String()
	if !strings.Contains(js, ",2.0,100.0]") || !strings.Contains(csvText, ",2.0,100.0\n") {
		t.Errorf("no whole efficiency written as 2.0,100.0:\nJSON %.300s\nCSV %.300s", js, csvText)
	}
	if m := regexp.MustCompile(`,-?\d+,-?\d+(\.\d+)?\]|,-?\d+(\.\d+)?,-?\d+\]`).FindString(js); m != "" {
		t.Errorf("efficiency without a decimal point in JSON: %s", m)
	}
	// The daily summary writes whole numbers without a decimal point
	// ("34", "0", "3"; recorded), unlike Analytic Data.
	sum := get(t, e, "/anapi/daily_summary_feed", url.Values{"key": {premiumKey}}).Body.String()
	if m := regexp.MustCompile(`"[a-z_]+_(percentage|hours)":-?\d+\.0[,}]`).FindString(sum); m != "" {
		t.Errorf("summary whole number written with a decimal point: %s", m)
	}
	if !regexp.MustCompile(`"[a-z_]+_(percentage|hours)":0[,}]`).MatchString(sum) {
		t.Errorf("no whole summary number written as 0: %.300s", sum)
	}
	if !regexp.MustCompile(`"productivity_pulse":\d+,`).MatchString(sum) {
		t.Errorf("productivity_pulse is not an integer: %.200s", sum)
	}
}

// checkEfficiency holds a member efficiency row to the samples: the
// time-weighted mean productivity and its percentage, as floats.
func checkEfficiency(t *testing.T, row []any, samples []Activity) {
	t.Helper()
	secs, weighted := 0, 0
	for _, s := range samples {
		secs += s.Seconds
		weighted += s.Seconds * s.Productivity
	}
	mean := float64(weighted) / float64(secs)
	if len(row) != 4 {
		t.Fatalf("member efficiency row %v: want Person, seconds, and two numbers", row)
	}
	eff, okE := row[2].(float64)
	pct, okP := row[3].(float64)
	if !okE || !okP || math.Abs(eff-mean) > 0.005 || math.Abs(pct-(mean+2)/4*100) > 0.005 {
		t.Errorf("member efficiency row %v, want %.2f and %.2f", row, mean, (mean+2)/4*100)
	}
}

// TestRecordedResponseHeaders: API answers carry the headers recorded on
// real ones (Server, X-Request-Id, X-Runtime, Cache-Control: one value for
// data, another for a bad key), and a Date by the emulator's clock.
func TestRecordedResponseHeaders(t *testing.T) {
	e, clock := newTestEmulator(t)
	data := url.Values{"key": {premiumKey}, "format": {"json"}}
	first, second := get(t, e, "/anapi/data", data), get(t, e, "/anapi/data", data)
	bad := get(t, e, "/anapi/data", url.Values{"key": {"no-such-key"}, "format": {"csv"}})
	for name, w := range map[string]*httptest.ResponseRecorder{"data": first, "bad key": bad} {
		h := w.Result().Header
		if h.Get("Server") != "nginx" {
			t.Errorf("%s: Server %q, want nginx", name, h.Get("Server"))
		}
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(h.Get("X-Request-Id")) {
			t.Errorf("%s: X-Request-Id %q, want a UUID", name, h.Get("X-Request-Id"))
		}
		if !regexp.MustCompile(`^\d+\.\d{6}$`).MatchString(h.Get("X-Runtime")) {
			t.Errorf("%s: X-Runtime %q, want seconds with six decimals", name, h.Get("X-Runtime"))
		}
		if d, err := http.ParseTime(h.Get("Date")); err != nil || !d.Equal(clock.Now().Truncate(time.Second)) {
			t.Errorf("%s: Date %q (%v), want the emulator's clock %v", name, h.Get("Date"), err, clock.Now())
		}
	}
	if got := first.Result().Header.Get("Cache-Control"); got != "no-cache, no-store, max-age=0, must-revalidate" {
		t.Errorf("data: Cache-Control %q", got)
	}
	if got := bad.Result().Header.Get("Cache-Control"); got != "max-age=0, private, must-revalidate" {
		t.Errorf("bad key: Cache-Control %q", got)
	}
	if first.Result().Header.Get("X-Request-Id") == second.Result().Header.Get("X-Request-Id") {
		t.Error("two answers share an X-Request-Id")
	}
	for _, h := range []string{"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"} {
		if v := first.Result().Header.Get(h); v != "" {
			t.Errorf("%s: %q; the real API was never seen sending it", h, v)
		}
	}
}

// TestListedAssumptions pins the assumed behaviours docs/emulator.md lists
// that no other test shows (T7 to T10, AD17), so that a change to one is a
// change to the list.
func TestListedAssumptions(t *testing.T) {
	e, _ := newTestEmulator(t)
	// T9: a trailing slash is the same endpoint.
	slash := get(t, e, "/anapi/data/", url.Values{"key": {premiumKey}, "format": {"json"}})
	mustStatus(t, slash, http.StatusOK)
	// T8: JSON bodies end with a newline.
	if !strings.HasSuffix(slash.Body.String(), "}\n") {
		t.Errorf("JSON body does not end with a newline: %q", slash.Body.String()[max(0, slash.Body.Len()-20):])
	}
	// T10: the method is checked before the key.
	mustStatus(t, do(t, e, http.MethodGet, "/anapi/offline_time_post?key=no-such-key", "", ""), http.StatusMethodNotAllowed)
	// T7: the bad-request body.
	w := postOffline(t, e, `{"start_time":"2026-11-19 07:00:00","duration":30,"activity_name":""}`)
	mustStatus(t, w, http.StatusBadRequest)
	if !regexp.MustCompile(`^\{"error":"# bad request","messages":"[^"]+"\}\n$`).MatchString(w.Body.String()) {
		t.Errorf("bad request body %q", w.Body.String())
	}
	// AD17: a future-dated query answers no rows, not an error.
	future := get(t, e, "/anapi/data", url.Values{"key": {premiumKey}, "format": {"json"}, "rb": {"2027-01-01"}, "re": {"2027-01-02"}})
	mustStatus(t, future, http.StatusOK)
	if a := decode[dataAnswer](t, future); len(a.Rows) != 0 || len(a.RowHeaders) == 0 {
		t.Errorf("future query: headers %v, %d rows; want the headers and no rows", a.RowHeaders, len(a.Rows))
	}
}
