package emulator

import (
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"
)

// dataQuery is a parsed Analytic Data request.
type dataQuery struct {
	format      string // csv | json
	perspective string // rank | interval | member
	resolution  string // month | week | day | hour | minute
	kind        string // overview | category | activity | productivity | efficiency | document
	from, to    time.Time
	thing       string
	thingy      string
	source      Source
	schedule    int // 0: none
}

// Parameter names: principle, short, alias, alias short. The first one
// present in the query wins.
var (
	paramPerspective = []string{"perspective", "pv", "by"}
	paramResolution  = []string{"resolution_time", "rs", "interval", "i"}
	paramBegin       = []string{"restrict_begin", "rb"}
	paramEnd         = []string{"restrict_end", "re"}
	paramKind        = []string{"restrict_kind", "rk", "taxonomy", "ty"}
	paramThing       = []string{"restrict_thing", "rt", "taxon", "tx"}
	paramThingy      = []string{"restrict_thingy", "ry", "sub_taxon", "tn"}
	paramSource      = []string{"restrict_source_type"}
	paramSchedule    = []string{"restrict_schedule_id", "rsi", "schedule_id", "s"}
)

func lookup(q url.Values, names []string) string {
	for _, n := range names {
		if v := q.Get(n); v != "" {
			return v
		}
	}
	return ""
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// parseDataQuery validates the query; the error names the parameter.
func parseDataQuery(q url.Values, loc *time.Location, now time.Time) (dataQuery, error) {
	d := dataQuery{
		format:      q.Get("format"),
		perspective: lookup(q, paramPerspective),
		resolution:  lookup(q, paramResolution),
		kind:        lookup(q, paramKind),
		thing:       lookup(q, paramThing),
		thingy:      lookup(q, paramThingy),
		source:      Source(lookup(q, paramSource)),
	}
	if !oneOf(d.format, "csv", "json") {
		return d, fmt.Errorf("format: want csv or json")
	}
	if d.perspective == "" {
		d.perspective = "rank"
	}
	if !oneOf(d.perspective, "rank", "interval", "member") {
		return d, fmt.Errorf("perspective: want rank, interval or member")
	}
	if d.resolution == "" {
		d.resolution = "hour"
	}
	if !oneOf(d.resolution, "month", "week", "day", "hour", "minute") {
		return d, fmt.Errorf("resolution_time: want month, week, day, hour or minute")
	}
	if d.kind == "" {
		d.kind = "activity"
	}
	if !oneOf(d.kind, "overview", "category", "activity", "productivity", "efficiency", "document") {
		return d, fmt.Errorf("restrict_kind: want overview, category, activity, productivity, efficiency or document")
	}
	if d.source != "" && !oneOf(string(d.source), string(SourceComputers), string(SourceMobile), string(SourceOffline)) {
		return d, fmt.Errorf("restrict_source_type: want computers, mobile or offline")
	}
	if s := lookup(q, paramSchedule); s != "" {
		id, err := strconv.Atoi(s)
		if err != nil || schedules[id] == nil {
			return d, fmt.Errorf("restrict_schedule_id: no such schedule")
		}
		d.schedule = id
	}
	today := midnight(now, loc)
	end := today
	if s := lookup(q, paramEnd); s != "" {
		t, err := time.ParseInLocation(dateLayout, s, loc)
		if err != nil {
			return d, fmt.Errorf("restrict_end: want YYYY-MM-DD")
		}
		end = t
	}
	begin := end
	if s := lookup(q, paramBegin); s != "" {
		t, err := time.ParseInLocation(dateLayout, s, loc)
		if err != nil {
			return d, fmt.Errorf("restrict_begin: want YYYY-MM-DD")
		}
		begin = t
	}
	if begin.After(end) {
		return d, fmt.Errorf("restrict_begin: after restrict_end")
	}
	// The history is computed bucket by bucket; an unbounded range would
	// cost memory in proportion. Real answers for long ranges are reported
	// to come back empty or truncated, so refusing one is fair.
	if end.Sub(begin) > maxRangeDays*24*time.Hour {
		return d, fmt.Errorf("restrict_begin: the range is longer than %d days", maxRangeDays)
	}
	d.from, d.to = begin, addDays(end, 1)
	return d, nil
}

// maxRangeDays bounds one Analytic Data query (AD7 in docs/emulator.md).
const maxRangeDays = 3 * 366

// schedules are the time filters every emulated account has, by id.
var schedules = map[int]func(t time.Time) bool{
	1: func(t time.Time) bool { // work hours: Monday to Friday, 09:00-17:00
		wd := t.Weekday()
		return wd != time.Saturday && wd != time.Sunday && t.Hour() >= 9 && t.Hour() < 17
	},
	2: func(t time.Time) bool { // weekends
		return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	},
}

// restrictReport applies what the restricted OAuth reports allow: only
// top-level categories, only sub-categories, or only productivity. They
// never drill down to activities.
func restrictReport(d *dataQuery, endpoint string) {
	switch endpoint {
	case "overview_data":
		d.kind = "overview"
	case "category_data":
		d.kind = "category"
	case "productivity_data":
		if d.kind != "efficiency" {
			d.kind = "productivity"
		}
	default:
		return
	}
	d.thing, d.thingy = "", ""
}

// rowKey identifies one output row; unused fields stay zero.
type rowKey struct {
	bucket       int64
	activity     string
	document     string
	category     string
	productivity int
}

type rowSum struct {
	key       rowKey
	seconds   int
	weighted  int // sum of productivity * seconds, for efficiency
	bucketDay time.Time
}

// shape is the column layout of an answer.
type shape int

const (
	shapeCategory shape = iota // Category (overview or sub-category)
	shapeActivity
	shapeDocument
	shapeProductivity
	shapeEfficiency      // interval and member: a score and a percentage per bucket or member
	shapeEfficiencyLevel // rank: one row per level, named
)

// memberName is the display name in the member perspective's Person
// column. Accounts have no name in the emulator; the real column holds the
// member's display name (recorded).
const memberName = "Emulated Member"

// efficiencyLabels name the efficiency levels in the rank perspective
// (recorded), by productivity.
var efficiencyLabels = map[int]string{
	2:  "Very Productive Time",
	1:  "Productive Time",
	0:  "Neutral Time",
	-1: "Distracting Time",
	-2: "Very Distracting Time",
}

type report struct {
	headers []string
	rows    [][]any
}

func (e *Emulator) serveData(w http.ResponseWriter, r *http.Request, c *call) {
	d, err := parseDataQuery(r.URL.Query(), c.acct.loc, c.now)
	if err != nil {
		writeQueryError(w, err.Error())
		return
	}
	restrictReport(&d, c.name)
	rep := buildReport(d, e.samples(c.acct, c.now, d.from, d.to, d.source), c.acct.loc)
	if d.format == "csv" {
		writeCSV(w, rep)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Notes      string   `json:"notes"`
		RowHeaders []string `json:"row_headers"`
		Rows       [][]any  `json:"rows"`
	}{"data is an array of arrays (rows), column names for rows in row_headers", rep.headers, rep.rows})
}

// buildReport aggregates samples as d asks.
func buildReport(d dataQuery, samples []Activity, loc *time.Location) report {
	shp, keyOf := d.grouping()
	sums := make(map[rowKey]*rowSum)
	for _, s := range samples {
		if d.schedule != 0 && !schedules[d.schedule](s.Bucket.In(loc)) {
			continue
		}
		if !d.matches(s) {
			continue
		}
		k := keyOf(s)
		var day time.Time
		if d.perspective == "interval" {
			day = intervalStart(s.Bucket.In(loc), d.resolution)
			k.bucket = day.Unix()
		}
		sum := sums[k]
		if sum == nil {
			sum = &rowSum{key: k, bucketDay: day}
			sums[k] = sum
		}
		sum.seconds += s.Seconds
		sum.weighted += s.Productivity * s.Seconds
	}
	list := make([]*rowSum, 0, len(sums))
	for _, s := range sums {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.key.bucket != b.key.bucket {
			return a.key.bucket < b.key.bucket
		}
		if a.seconds != b.seconds {
			return a.seconds > b.seconds
		}
		return lessKey(a.key, b.key)
	})
	rep := report{headers: headers(d.perspective, shp), rows: make([][]any, 0, len(list))}
	for i, s := range list {
		var row []any
		switch d.perspective {
		case "interval":
			row = []any{s.bucketDay.Format("2006-01-02T15:04:05"), s.seconds, 1}
		case "member":
			row = []any{memberName, s.seconds}
		default:
			row = []any{i + 1, s.seconds, 1}
		}
		k := s.key
		switch shp {
		case shapeCategory:
			row = append(row, k.category)
		case shapeActivity:
			row = append(row, k.activity, k.category, k.productivity)
		case shapeDocument:
			row = append(row, k.activity, k.document, k.category, k.productivity)
		case shapeProductivity:
			row = append(row, k.productivity)
		case shapeEfficiencyLevel:
			row = append(row, efficiencyLabels[k.productivity])
		case shapeEfficiency:
			eff := 0.0
			if s.seconds > 0 {
				eff = float64(s.weighted) / float64(s.seconds)
			}
			row = append(row, apiFloat(round(eff, 2)), apiFloat(round((eff+2)/4*100, 2)))
		}
		rep.rows = append(rep.rows, row)
	}
	return rep
}

func lessKey(a, b rowKey) bool {
	if a.activity != b.activity {
		return a.activity < b.activity
	}
	if a.document != b.document {
		return a.document < b.document
	}
	if a.category != b.category {
		return a.category < b.category
	}
	return a.productivity > b.productivity
}

const noDetails = "No Details"

// grouping returns the column layout and the row key of a sample.
func (d dataQuery) grouping() (shape, func(Activity) rowKey) {
	activityKey := func(s Activity) rowKey {
		return rowKey{activity: s.Activity, category: s.Category, productivity: s.Productivity}
	}
	switch d.kind {
	case "overview", "category":
		if d.thing != "" { // drill down: the activities inside it
			return shapeActivity, activityKey
		}
		if d.kind == "overview" {
			return shapeCategory, func(s Activity) rowKey { return rowKey{category: s.Overview} }
		}
		return shapeCategory, func(s Activity) rowKey { return rowKey{category: s.Category} }
	case "activity":
		if d.thing != "" { // an application's documents in the Activity column
			return shapeActivity, func(s Activity) rowKey {
				return rowKey{activity: documentName(s), category: s.Category, productivity: s.Productivity}
			}
		}
		return shapeActivity, activityKey
	case "document":
		return shapeDocument, func(s Activity) rowKey {
			return rowKey{activity: s.Activity, document: documentName(s), category: s.Category, productivity: s.Productivity}
		}
	case "productivity":
		return shapeProductivity, func(s Activity) rowKey { return rowKey{productivity: s.Productivity} }
	}
	// efficiency: a score per bucket over time and per member (recorded),
	// a row per level in the rank perspective.
	if d.perspective == "interval" || d.perspective == "member" {
		return shapeEfficiency, func(Activity) rowKey { return rowKey{} }
	}
	return shapeEfficiencyLevel, func(s Activity) rowKey { return rowKey{productivity: s.Productivity} }
}

func documentName(s Activity) string {
	if s.Document == "" {
		return noDetails
	}
	return s.Document
}

// matches applies restrict_thing and restrict_thingy.
func (d dataQuery) matches(s Activity) bool {
	if d.thingy != "" && s.Document != d.thingy {
		return false
	}
	if d.thing == "" {
		return true
	}
	switch d.kind {
	case "overview", "category":
		return s.Overview == d.thing || s.Category == d.thing
	case "activity":
		return s.Activity == d.thing
	default:
		return s.Activity == d.thing || s.Category == d.thing || s.Overview == d.thing
	}
}

func headers(perspective string, shp shape) []string {
	var h []string
	switch perspective {
	case "interval":
		h = []string{"Date", "Time Spent (seconds)", "Number of People"}
	case "member":
		h = []string{"Person", "Time Spent (seconds)"}
	default:
		h = []string{"Rank", "Time Spent (seconds)", "Number of People"}
	}
	switch shp {
	case shapeCategory:
		return append(h, "Category")
	case shapeActivity:
		return append(h, "Activity", "Category", "Productivity")
	case shapeDocument:
		return append(h, "Activity", "Document", "Category", "Productivity")
	case shapeProductivity:
		return append(h, "Productivity")
	case shapeEfficiencyLevel:
		return append(h, "Efficiency")
	default:
		return append(h, "Efficiency (-2:2)", "Efficiency (percent)")
	}
}

// intervalStart is the start of the resolution bucket holding t (local):
// five minutes, the hour, the day, the week from Sunday, the month from the 1st.
func intervalStart(t time.Time, resolution string) time.Time {
	loc := t.Location()
	switch resolution {
	case "minute":
		return t.Truncate(bucketSize)
	case "hour":
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, loc)
	case "day":
		return midnight(t, loc)
	case "week":
		return addDays(midnight(t, loc), -int(t.Weekday()))
	default: // month
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	}
}

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}

func writeCSV(w http.ResponseWriter, rep report) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	cw := csv.NewWriter(w)
	_ = cw.Write(rep.headers)
	rec := make([]string, 0, 8)
	for _, row := range rep.rows {
		rec = rec[:0]
		for _, v := range row {
			switch v := v.(type) {
			case string:
				rec = append(rec, v)
			case int:
				rec = append(rec, strconv.Itoa(v))
			case apiFloat:
				rec = append(rec, v.String())
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
}
