package rtapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AnalyticDataQuery selects an Analytic Data report. Zero fields are left
// out of the request so the server's defaults apply. Parameters are sent by
// their principle names.
type AnalyticDataQuery struct {
	Report      Report      // URL: data (default) or a restricted OAuth report
	Perspective Perspective // perspective
	Resolution  Resolution  // resolution_time
	// Begin and End are the first and last day, inclusive (restrict_begin,
	// restrict_end). Only their calendar date, read in their own location,
	// is sent. Without them the server reports today.
	Begin, End time.Time
	Kind       Kind       // restrict_kind
	Thing      string     // restrict_thing: a category, overview or activity name
	Thingy     string     // restrict_thingy: a document or activity detail
	SourceType SourceType // restrict_source_type
	ScheduleID int        // restrict_schedule_id; 0 means none
}

const dateLayout = "2006-01-02"

// Validate checks q without sending it. tokenAuth tells whether the
// restricted reports are available (OAuth2 only).
func (q AnalyticDataQuery) validate(tokenAuth bool) error {
	var errs []error
	add := func(field, reason string) { errs = append(errs, &ValidationError{Field: field, Reason: reason}) }
	if q.Report != "" && !q.Report.Valid() {
		add("report", fmt.Sprintf("%q is not one of %s", q.Report, joinEnum(reports)))
	}
	if q.Report != "" && q.Report != ReportData && !tokenAuth {
		add("report", fmt.Sprintf("%s is only available with an OAuth2 access token", q.Report))
	}
	if q.Perspective != "" && !q.Perspective.Valid() {
		add("perspective", fmt.Sprintf("%q is not one of %s", q.Perspective, joinEnum(perspectives)))
	}
	if q.Resolution != "" && !q.Resolution.Valid() {
		add("resolution_time", fmt.Sprintf("%q is not one of %s", q.Resolution, joinEnum(resolutions)))
	}
	if q.Kind != "" && !q.Kind.Valid() {
		add("restrict_kind", fmt.Sprintf("%q is not one of %s", q.Kind, joinEnum(kinds)))
	}
	if q.SourceType != "" && !q.SourceType.Valid() {
		add("restrict_source_type", fmt.Sprintf("%q is not one of %s", q.SourceType, joinEnum(sourceTypes)))
	}
	if q.ScheduleID < 0 {
		add("restrict_schedule_id", "must be a positive schedule id")
	}
	if !q.Begin.IsZero() && !q.End.IsZero() && dateOf(q.End).Before(dateOf(q.Begin)) {
		add("restrict_end", fmt.Sprintf("%s is before restrict_begin %s", q.End.Format(dateLayout), q.Begin.Format(dateLayout)))
	}
	if q.Thingy != "" && q.Thing == "" {
		add("restrict_thingy", "needs restrict_thing")
	}
	return joinErrors(errs)
}

func (q AnalyticDataQuery) params(f Format) url.Values {
	v := url.Values{}
	v.Set("format", string(f))
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("perspective", string(q.Perspective))
	set("resolution_time", string(q.Resolution))
	if !q.Begin.IsZero() {
		v.Set("restrict_begin", q.Begin.Format(dateLayout))
	}
	if !q.End.IsZero() {
		v.Set("restrict_end", q.End.Format(dateLayout))
	}
	set("restrict_kind", string(q.Kind))
	set("restrict_thing", q.Thing)
	set("restrict_thingy", q.Thingy)
	set("restrict_source_type", string(q.SourceType))
	if q.ScheduleID > 0 {
		v.Set("restrict_schedule_id", strconv.Itoa(q.ScheduleID))
	}
	return v
}

// AnalyticDataRequest validates q and renders the GET that fetches it in
// format f.
func (c *Client) AnalyticDataRequest(q AnalyticDataQuery, f Format) (Request, error) {
	if !f.Valid() {
		return Request{}, &ValidationError{Field: "format", Reason: fmt.Sprintf("%q is not one of %s", f, joinEnum(formats))}
	}
	_, tokenAuth := c.creds.(AccessToken)
	if err := q.validate(tokenAuth); err != nil {
		return Request{}, err
	}
	report := q.Report
	if report == "" {
		report = ReportData
	}
	return Request{Method: http.MethodGet, Endpoint: string(report), Query: q.params(f)}, nil
}

// AnalyticDataRaw returns the report exactly as the server sends it, CSV or
// JSON. An "error" body is still reported as an error.
func (c *Client) AnalyticDataRaw(ctx context.Context, q AnalyticDataQuery, f Format) ([]byte, error) {
	r, err := c.AnalyticDataRequest(q, f)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, r)
}

// AnalyticData fetches a report and decodes its rows.
func (c *Client) AnalyticData(ctx context.Context, q AnalyticDataQuery) (*AnalyticData, error) {
	data, err := c.AnalyticDataRaw(ctx, q, FormatJSON)
	if err != nil {
		return nil, err
	}
	d, err := ParseAnalyticData(data, FormatJSON, c.loc)
	if err != nil {
		return nil, fmt.Errorf("rescuetime analytic data: %w", err)
	}
	return d, nil
}

// AnalyticData is a decoded Analytic Data report.
type AnalyticData struct {
	Notes      string        `json:"notes,omitempty"`
	RowHeaders []string      `json:"row_headers"`
	Rows       []AnalyticRow `json:"rows"`
}

// AnalyticRow is one report row. Which fields are filled depends on the
// perspective and kind; RowHeaders says which columns were sent. Date is set
// for the interval perspective (the bucket's start, in the account's zone),
// Rank for the rank perspective, Person for the member perspective.
type AnalyticRow struct {
	Rank int       `json:"rank,omitempty"`
	Date time.Time `json:"date,omitzero"`
	// Person is the member's display name (member perspective).
	Person            string        `json:"person,omitempty"`
	Seconds           int           `json:"seconds"`
	People            int           `json:"people,omitempty"` // absent in the member perspective
	Activity          string        `json:"activity,omitempty"`
	Document          string        `json:"document,omitempty"`
	Category          string        `json:"category,omitempty"`
	Productivity      *Productivity `json:"productivity,omitempty"`
	Efficiency        *float64      `json:"efficiency,omitempty"`         // -2 to 2
	EfficiencyPercent *float64      `json:"efficiency_percent,omitempty"` // 0 to 100
	// EfficiencyLabel is set where an efficiency column holds text rather
	// than a number: the rank perspective names the level each row sums
	// ("Very Productive Time" ... "Very Distracting Time"). See
	// EfficiencyLevel.
	EfficiencyLabel string `json:"efficiency_label,omitempty"`
	// Extra holds the columns the client does not know, by header (see
	// ColumnKeys for repeated headers), each cell as sent: numbers as
	// written, null as "". A column the API adds shows up here rather than
	// being lost.
	Extra map[string]string `json:"extra,omitempty"`
}

// Duration is the row's time spent.
func (r AnalyticRow) Duration() time.Duration { return time.Duration(r.Seconds) * time.Second }

// efficiencyLabels are the rank perspective's names of the efficiency
// levels (docs/real-api.md), lower-cased.
var efficiencyLabels = map[string]Productivity{
	"very productive time":  VeryProductive,
	"productive time":       Productive,
	"neutral time":          Neutral,
	"distracting time":      Distracting,
	"very distracting time": VeryDistracting,
}

// EfficiencyLevel returns the productivity level named by EfficiencyLabel;
// false when the row has no label or one the client does not know.
func (r AnalyticRow) EfficiencyLevel() (Productivity, bool) {
	p, ok := efficiencyLabels[strings.ToLower(strings.TrimSpace(r.EfficiencyLabel))]
	return p, ok
}

// Cell returns the row's value in the column with key (a header, or an
// entry of ColumnKeys) as the API writes it: integers in decimal, dates
// naive local ("2006-01-02T15:04:05"), floats in their shortest form,
// unknown columns exactly as sent. A column the row does not have is "".
func (r AnalyticRow) Cell(key string) string {
	itoa := strconv.Itoa
	float := func(f *float64) string {
		if f == nil {
			return r.EfficiencyLabel
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	if v, ok := r.Extra[key]; ok {
		return v
	}
	switch columnOf(key) {
	case colRank:
		return itoa(r.Rank)
	case colDate:
		if r.Date.IsZero() {
			return ""
		}
		return r.Date.Format("2006-01-02T15:04:05")
	case colPerson:
		return r.Person
	case colSeconds:
		return itoa(r.Seconds)
	case colPeople:
		return itoa(r.People)
	case colActivity:
		return r.Activity
	case colDocument:
		return r.Document
	case colCategory:
		return r.Category
	case colProductivity:
		if r.Productivity == nil {
			return ""
		}
		return itoa(int(*r.Productivity))
	case colEfficiency:
		return float(r.Efficiency)
	case colEfficiencyPercent:
		return float(r.EfficiencyPercent)
	}
	return ""
}

// ColumnKeys returns, for each header, the key its cells are found under
// with Cell and in Extra: the header itself, or "Header (2)", "Header (3)"
// for the second and later columns of a repeated unknown header, so no
// column hides another.
func ColumnKeys(headers []string) []string {
	keys := make([]string, len(headers))
	seen := make(map[string]int, len(headers))
	for i, h := range headers {
		seen[h]++
		keys[i] = h
		if n := seen[h]; n > 1 && columnOf(h) == colUnknown {
			keys[i] = fmt.Sprintf("%s (%d)", h, n)
		}
	}
	return keys
}

// column identifies a known row header.
type column int

const (
	colUnknown column = iota
	colRank
	colDate
	colPerson
	colSeconds
	colPeople
	colActivity
	colDocument
	colCategory
	colProductivity
	colEfficiency
	colEfficiencyPercent
)

func columnOf(header string) column {
	h := strings.ToLower(strings.TrimSpace(header))
	switch {
	case h == "rank":
		return colRank
	case h == "date":
		return colDate
	case h == "person":
		return colPerson
	case strings.HasPrefix(h, "time spent"):
		return colSeconds
	case strings.HasPrefix(h, "number of people"):
		return colPeople
	case h == "activity":
		return colActivity
	case h == "document":
		return colDocument
	case h == "category":
		return colCategory
	case h == "productivity":
		return colProductivity
	case h == "efficiency (percent)":
		return colEfficiencyPercent
	case strings.HasPrefix(h, "efficiency"):
		return colEfficiency
	}
	return colUnknown
}

// ParseAnalyticData decodes a report in format f. Naive Date values are read
// in loc, the account's time zone. Unknown columns are kept in Extra. An
// "error" body is an error: *UnauthorizedError for a bad key or token (the
// real API answers a bad key so, with HTTP 200), else *BadRequestError.
func ParseAnalyticData(data []byte, f Format, loc *time.Location) (*AnalyticData, error) {
	if msg, ok := errorBody(data); ok {
		if isAuthMessage(msg) {
			return nil, &UnauthorizedError{StatusCode: http.StatusOK, Message: msg}
		}
		return nil, &BadRequestError{StatusCode: http.StatusOK, Message: msg}
	}
	var headers []string
	var cells [][]string
	d := &AnalyticData{}
	switch f {
	case FormatJSON:
		var env struct {
			Notes      string              `json:"notes"`
			RowHeaders []string            `json:"row_headers"`
			Rows       [][]json.RawMessage `json:"rows"`
		}
		if err := json.Unmarshal(data, &env); err != nil {
			return nil, fmt.Errorf("decoding JSON report: %w", err)
		}
		d.Notes, headers = env.Notes, env.RowHeaders
		for i, row := range env.Rows {
			strs := make([]string, len(row))
			for j, cell := range row {
				s, err := rawString(cell)
				if err != nil {
					return nil, fmt.Errorf("row %d, column %d: %w", i, j, err)
				}
				strs[j] = s
			}
			cells = append(cells, strs)
		}
	case FormatCSV:
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		records, err := r.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("decoding CSV report: %w", err)
		}
		if len(records) > 0 {
			headers, cells = records[0], records[1:]
		}
	default:
		return nil, &ValidationError{Field: "format", Reason: fmt.Sprintf("%q is not one of %s", f, joinEnum(formats))}
	}
	d.RowHeaders = headers
	d.Rows = make([]AnalyticRow, 0, len(cells))
	cols := make([]column, len(headers))
	for i, h := range headers {
		cols[i] = columnOf(h)
	}
	keys := ColumnKeys(headers)
	for i, row := range cells {
		if len(row) != len(cols) {
			return nil, fmt.Errorf("row %d has %d cells for %d headers", i, len(row), len(cols))
		}
		r, err := decodeRow(cols, keys, row, loc)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		d.Rows = append(d.Rows, r)
	}
	return d, nil
}

func decodeRow(cols []column, keys, row []string, loc *time.Location) (AnalyticRow, error) {
	var r AnalyticRow
	for j, cell := range row {
		var err error
		switch cols[j] {
		case colUnknown:
			if r.Extra == nil {
				r.Extra = make(map[string]string)
			}
			r.Extra[keys[j]] = cell
		case colRank:
			r.Rank, err = atoi(cell)
		case colDate:
			r.Date, err = ParseTime(cell, loc)
		case colPerson:
			r.Person = cell
		case colSeconds:
			r.Seconds, err = atoi(cell)
		case colPeople:
			r.People, err = atoi(cell)
		case colActivity:
			r.Activity = cell
		case colDocument:
			r.Document = cell
		case colCategory:
			r.Category = cell
		case colProductivity:
			var p int
			if p, err = atoi(cell); err == nil {
				pp := Productivity(p)
				r.Productivity = &pp
			}
		case colEfficiency, colEfficiencyPercent:
			// A number in the interval perspective, a level's name in the
			// rank perspective (docs/real-api.md): the cell decides.
			text := strings.TrimSpace(cell)
			f, perr := strconv.ParseFloat(text, 64)
			switch {
			case text == "":
			case perr == nil && !math.IsInf(f, 0) && !math.IsNaN(f):
				if cols[j] == colEfficiency {
					r.Efficiency = &f
				} else {
					r.EfficiencyPercent = &f
				}
			default:
				r.EfficiencyLabel = text
			}
		}
		if err != nil {
			return r, fmt.Errorf("%s: %w", clip(keys[j]), err)
		}
	}
	return r, nil
}

func atoi(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	n, err := rawInt(json.RawMessage(strconv.Quote(s)))
	return int(n), err
}

// Chunk sizes for AnalyticDataChunked, in days per request. Minute-resolution
// ranges are reported to come back truncated beyond about three months; a
// month per request stays well inside that, and a plan's lookback (two weeks
// by default) needs one request.
const (
	MinuteChunkDays = 30
	HourChunkDays   = 366
)

// DateRange is an inclusive range of calendar days.
type DateRange struct {
	Begin, End time.Time
}

// SplitDateRange splits the days from begin to end, inclusive, into ranges
// of at most days days each, in order. Times are truncated to midnight in
// begin's location. It returns nil when end is before begin or days < 1.
func SplitDateRange(begin, end time.Time, days int) []DateRange {
	if days < 1 {
		return nil
	}
	b, e := dateOf(begin), dateOf(end.In(begin.Location()))
	var out []DateRange
	for !b.After(e) {
		last := b.AddDate(0, 0, days-1)
		if last.After(e) {
			last = e
		}
		out = append(out, DateRange{Begin: b, End: last})
		b = last.AddDate(0, 0, 1)
	}
	return out
}

// chunkDays returns how many days one request may cover at resolution r;
// 0 means no limit.
func chunkDays(r Resolution) int {
	switch r {
	case ResolutionMinute:
		return MinuteChunkDays
	case ResolutionHour:
		return HourChunkDays
	}
	return 0
}

// AnalyticDataChunked fetches an interval report whose range may be longer
// than the server answers reliably, one chunk (MinuteChunkDays or
// HourChunkDays) per request, and concatenates the rows. Rank reports and
// other resolutions are fetched in one request.
func (c *Client) AnalyticDataChunked(ctx context.Context, q AnalyticDataQuery) (*AnalyticData, error) {
	res := q.Resolution
	if res == "" {
		res = ResolutionHour // the server's default
	}
	days := chunkDays(res)
	if !q.Begin.IsZero() && q.End.IsZero() {
		// The server's default end is today: split up to it.
		q.End = c.now().In(c.loc)
	}
	if q.Perspective != PerspectiveInterval || days == 0 || q.Begin.IsZero() || q.End.IsZero() {
		// A rank report is one sum over the range: it is not truncated
		// like a long series of buckets, and could not be merged.
		return c.AnalyticData(ctx, q)
	}
	chunks := SplitDateRange(q.Begin, q.End, days)
	if len(chunks) <= 1 {
		return c.AnalyticData(ctx, q)
	}
	var all *AnalyticData
	for _, ch := range chunks {
		cq := q
		cq.Begin, cq.End = ch.Begin, ch.End
		d, err := c.AnalyticData(ctx, cq)
		if err != nil {
			return nil, fmt.Errorf("chunk %s..%s: %w", ch.Begin.Format(dateLayout), ch.End.Format(dateLayout), err)
		}
		if all == nil {
			all = d
			continue
		}
		all.Rows = append(all.Rows, d.Rows...)
	}
	return all, nil
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
