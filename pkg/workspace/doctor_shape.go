package workspace

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// ShapeReport is what rtctl doctor --report writes: the shapes of the
// account's answers, never their values. It holds column headers the API
// is known to send, key names, types, counts, status codes and header
// names; every string value is replaced by its kind and length. No key,
// token, URL, name, description or date is in it, so a person can attach
// it to a bug report as it is.
type ShapeReport struct {
	FormatVersion string          `json:"format_version"`
	Credential    string          `json:"credential"`
	Plan          string          `json:"plan,omitempty"`
	Checks        []ShapeCheck    `json:"checks"`
	Model         ShapeModel      `json:"model"`
	Probe         *ShapeProbe     `json:"probe,omitempty"`
	Answers       []AnswerShape   `json:"answers"`
	Clock         ShapeClockCheck `json:"clock"`
}

// ShapeCheck is a check's name and outcome, without its finding (which
// names zones, dates and paths).
type ShapeCheck struct {
	Name   string      `json:"name"`
	Status CheckStatus `json:"status"`
}

// ShapeModel is the model guess without names.
type ShapeModel struct {
	OfflineReport    string `json:"offline_report,omitempty"`
	SyncDelayMinutes *int   `json:"sync_delay_minutes,omitempty"`
	HighlightsShown  bool   `json:"highlights_shown"`
	HighlightsCapped bool   `json:"highlights_capped"`
}

// ShapeProbe is what the probe saw, without the block's times or names.
type ShapeProbe struct {
	Seen         bool   `json:"seen"`
	Shape        string `json:"shape"`
	DelayMinutes int    `json:"delay_minutes"`
	// CategoryKind is the kind of category the block was shown in.
	CategoryKind string `json:"category_kind,omitempty"`
}

// ShapeClockCheck says whether the answers carried a Date header.
type ShapeClockCheck struct {
	DateHeader bool `json:"date_header"`
}

// AnswerShape is one HTTP answer's shape.
type AnswerShape struct {
	Endpoint    string   `json:"endpoint"`
	Params      []string `json:"params"`
	Status      int      `json:"status"`
	Headers     []string `json:"headers"`
	ContentType string   `json:"content_type,omitempty"`
	Bytes       int      `json:"bytes"`
	Body        *Shape   `json:"body,omitempty"`
}

// Shape describes a value without its content.
type Shape struct {
	// Kind is object, array, string, number, boolean, null, csv or text.
	Kind string `json:"kind"`
	// Class refines it: for strings date, datetime-offset, datetime-naive,
	// duration, number, url, empty or text; for numbers integer, decimal,
	// or whole-with-point ("2.0"). Several are joined with "|".
	Class string `json:"class,omitempty"`
	// Length is a string's length in characters, or an array's items, as
	// the smallest and largest seen.
	Length *Range `json:"length,omitempty"`
	// Keys are an object's keys with the shapes of their values.
	Keys map[string]*Shape `json:"keys,omitempty"`
	// Items is every item of an array merged into one shape.
	Items *Shape `json:"items,omitempty"`
	// Columns are a table's columns (CSV, or Analytic Data's rows), Rows
	// its row count.
	Columns []Column `json:"columns,omitempty"`
	Rows    *int     `json:"rows,omitempty"`
	// Other are the shapes of other kinds seen at the same place.
	Other []*Shape `json:"other,omitempty"`
}

// Column is a table column: its header, if it is one the API is known to
// send, and the shape of its cells.
type Column struct {
	Header string `json:"header"`
	Cells  *Shape `json:"cells,omitempty"`
}

// Range is the smallest and largest of a count.
type Range struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// knownHeaders are the Analytic Data column headers recorded or
// documented: only these are written as they are; any other header is
// written as its length.
var knownHeaders = map[string]bool{
	"Rank": true, "Date": true, "Person": true, "Time Spent (seconds)": true, "Number of People": true,
	"Activity": true, "Document": true, "Category": true, "Productivity": true, "Efficiency": true,
	"Efficiency (-2:2)": true, "Efficiency (percent)": true,
}

// keyName is what a JSON key may look like to be written as it is: the
// API's keys are lower-case words joined by underscores.
var keyName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// headerName is what an HTTP header name may look like to be written.
var headerName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,63}$`)

// Shapes turns the report into its shareable form.
func (r *DoctorReport) Shapes() *ShapeReport {
	s := &ShapeReport{FormatVersion: "1", Credential: r.Credential, Plan: r.Plan, Answers: []AnswerShape{}, Checks: []ShapeCheck{}}
	for _, c := range r.Checks {
		s.Checks = append(s.Checks, ShapeCheck{Name: c.Name, Status: c.Status})
	}
	s.Model = ShapeModel{OfflineReport: r.Model.OfflineReport, HighlightsShown: r.Model.HighlightsShown, HighlightsCapped: r.Model.HighlightsCap > 0}
	if r.Model.SyncDelayKnown {
		m := int(roundDelay(r.Model.SyncDelay) / 60e9)
		s.Model.SyncDelayMinutes = &m
	}
	if p := r.Probe; p != nil {
		s.Probe = &ShapeProbe{Seen: p.Seen, Shape: p.Shape, DelayMinutes: int(roundDelay(p.Delay) / 60e9)}
		if p.Category != "" {
			s.Probe.CategoryKind = "named"
		}
	}
	for _, a := range r.Answers {
		as := AnswerShape{Endpoint: safeEndpoint(a.Endpoint), Status: a.Status, ContentType: safeContentType(a.ContentType), Bytes: len(a.Body), Params: []string{}, Headers: []string{}}
		for _, p := range a.Params {
			if keyName.MatchString(p) {
				as.Params = append(as.Params, p)
			}
		}
		for _, h := range a.Headers {
			if headerName.MatchString(h) {
				as.Headers = append(as.Headers, h)
			}
		}
		if !a.Date.IsZero() {
			s.Clock.DateHeader = true
		}
		as.Body = bodyShape(a.Body, a.ContentType)
		s.Answers = append(s.Answers, as)
	}
	return s
}

// safeEndpoint keeps the endpoint names the API has; anything else is
// written as its length.
func safeEndpoint(e string) string {
	if keyName.MatchString(e) {
		return e
	}
	return textOf(e)
}

var contentType = regexp.MustCompile(`^[a-z]+/[a-z0-9.+-]+(; ?charset=[A-Za-z0-9-]+)?$`)

func safeContentType(ct string) string {
	if contentType.MatchString(ct) {
		return ct
	}
	if ct == "" {
		return ""
	}
	return textOf(ct)
}

func textOf(s string) string { return "text(" + itoa(utf8.RuneCountInString(s)) + ")" }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func bodyShape(body []byte, ct string) *Shape {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err == nil {
			return valueShape(v)
		}
	}
	if strings.HasPrefix(ct, "text/csv") {
		if s := csvShape(trimmed); s != nil {
			return s
		}
	}
	n := utf8.RuneCount(trimmed)
	return &Shape{Kind: "text", Length: &Range{n, n}}
}

func valueShape(v any) *Shape {
	switch v := v.(type) {
	case nil:
		return &Shape{Kind: "null"}
	case bool:
		return &Shape{Kind: "boolean"}
	case json.Number:
		return &Shape{Kind: "number", Class: numberClass(string(v))}
	case string:
		n := utf8.RuneCountInString(v)
		return &Shape{Kind: "string", Class: stringClass(v), Length: &Range{n, n}}
	case []any:
		s := &Shape{Kind: "array", Length: &Range{len(v), len(v)}}
		for _, it := range v {
			s.Items = merge(s.Items, valueShape(it))
		}
		return s
	case map[string]any:
		if t := tableShape(v); t != nil {
			return t
		}
		s := &Shape{Kind: "object", Keys: map[string]*Shape{}}
		hidden := 0
		for k, val := range v {
			if !keyName.MatchString(k) {
				hidden++
				k = "(key " + itoa(hidden) + ", " + textOf(k) + ")"
			}
			s.Keys[k] = valueShape(val)
		}
		return s
	}
	return &Shape{Kind: "unknown"}
}

// tableShape describes Analytic Data's JSON answer by column: its rows
// are arrays whose positions have different types.
func tableShape(obj map[string]any) *Shape {
	headers, ok1 := obj["row_headers"].([]any)
	rows, ok2 := obj["rows"].([]any)
	if !ok1 || !ok2 {
		return nil
	}
	s := &Shape{Kind: "object", Keys: map[string]*Shape{}}
	for k, val := range obj {
		if k == "rows" || k == "row_headers" {
			continue
		}
		if keyName.MatchString(k) {
			s.Keys[k] = valueShape(val)
		}
	}
	t := &Shape{Kind: "table", Rows: &[]int{len(rows)}[0]}
	for _, h := range headers {
		name, _ := h.(string)
		t.Columns = append(t.Columns, Column{Header: header(name)})
	}
	for _, row := range rows {
		cells, _ := row.([]any)
		for i, c := range cells {
			for len(t.Columns) <= i {
				t.Columns = append(t.Columns, Column{Header: "(no header)"})
			}
			t.Columns[i].Cells = merge(t.Columns[i].Cells, valueShape(c))
		}
	}
	s.Keys["rows"] = t
	return s
}

func header(h string) string {
	if knownHeaders[h] {
		return h
	}
	return textOf(h)
}

func csvShape(body []byte) *Shape {
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil
	}
	t := &Shape{Kind: "csv"}
	for _, h := range head {
		t.Columns = append(t.Columns, Column{Header: header(h)})
	}
	rows := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil
		}
		rows++
		for i, c := range rec {
			for len(t.Columns) <= i {
				t.Columns = append(t.Columns, Column{Header: "(no header)"})
			}
			t.Columns[i].Cells = merge(t.Columns[i].Cells, cellShape(c))
		}
	}
	t.Rows = &rows
	return t
}

// cellShape is a CSV cell's shape: a number when it reads as one.
func cellShape(c string) *Shape {
	if numberText.MatchString(c) {
		return &Shape{Kind: "number", Class: numberClass(c)}
	}
	n := utf8.RuneCountInString(c)
	return &Shape{Kind: "string", Class: stringClass(c), Length: &Range{n, n}}
}

var (
	numberText     = regexp.MustCompile(`^-?\d+(\.\d+)?([eE][-+]?\d+)?$`)
	dateText       = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	datetimeText   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?`)
	offsetSuffix   = regexp.MustCompile(`(Z|[+-]\d{2}:?\d{2})$`)
	durationText   = regexp.MustCompile(`^(no time|(\d+h)?( ?\d+m)?( ?\d+s)?)$`)
	wholeWithPoint = regexp.MustCompile(`^-?\d+\.0+$`)
)

func numberClass(s string) string {
	switch {
	case wholeWithPoint.MatchString(s):
		return "whole-with-point"
	case strings.ContainsAny(s, ".eE"):
		return "decimal"
	default:
		return "integer"
	}
}

func stringClass(s string) string {
	switch {
	case s == "":
		return "empty"
	case dateText.MatchString(s):
		return "date"
	case datetimeText.MatchString(s) && offsetSuffix.MatchString(s):
		return "datetime-offset"
	case datetimeText.MatchString(s):
		return "datetime-naive"
	case numberText.MatchString(s):
		return "number"
	case durationText.MatchString(s):
		return "duration"
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		return "url"
	default:
		return "text"
	}
}

// merge folds b into a: the same kind widens the ranges and joins the
// classes; another kind goes to Other.
func merge(a, b *Shape) *Shape {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	if a.Kind != b.Kind {
		for i, o := range a.Other {
			if o.Kind == b.Kind {
				a.Other[i] = merge(o, b)
				return a
			}
		}
		a.Other = append(a.Other, b)
		return a
	}
	a.Class = joinClass(a.Class, b.Class)
	if b.Length != nil {
		if a.Length == nil {
			a.Length = &Range{b.Length.Min, b.Length.Max}
		} else {
			a.Length.Min, a.Length.Max = min(a.Length.Min, b.Length.Min), max(a.Length.Max, b.Length.Max)
		}
	}
	for k, v := range b.Keys {
		if a.Keys == nil {
			a.Keys = map[string]*Shape{}
		}
		a.Keys[k] = merge(a.Keys[k], v)
	}
	a.Items = merge(a.Items, b.Items)
	for _, o := range b.Other {
		a = merge(a, o)
	}
	return a
}

func joinClass(a, b string) string {
	if a == "" || a == b {
		if a == "" {
			return b
		}
		return a
	}
	if b == "" {
		return a
	}
	set := map[string]bool{}
	for _, c := range strings.Split(a+"|"+b, "|") {
		set[c] = true
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return strings.Join(out, "|")
}
