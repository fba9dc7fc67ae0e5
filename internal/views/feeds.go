package views

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/rtctl/rtctl/pkg/reads"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// DataListing keeps the server's columns, in its order, including those
// rtctl does not know: a column the API adds shows up rather than being
// lost. CSV writes values as the API does (naive local dates, seconds); the
// table shows durations and labels.
func DataListing(d *rtapi.AnalyticData) Listing {
	// The API's notes describe its own JSON ("rows are arrays"), not ours,
	// whose rows are objects: they would only mislead.
	out := *d
	out.Notes = ""
	l := Listing{CSVColumns: d.RowHeaders, JSON: &out, Empty: "No time recorded for this query: the account logged nothing matching it in that range."}
	if l.CSVColumns == nil {
		l.CSVColumns = []string{}
	}
	for _, h := range l.CSVColumns {
		if h == "Time Spent (seconds)" {
			h = "Time Spent" // the table shows a duration
		}
		l.Columns = append(l.Columns, h)
	}
	keys := rtapi.ColumnKeys(d.RowHeaders)
	for _, r := range d.Rows {
		var row, csvRow []string
		for _, k := range keys {
			human, machine := dataCell(k, r)
			row, csvRow = append(row, human), append(csvRow, machine)
		}
		l.Rows, l.CSVRows = append(l.Rows, row), append(l.CSVRows, csvRow)
	}
	return l
}

// dataCell renders the cell under key (see rtapi.ColumnKeys): the API's
// own form for CSV, and for the table a duration, a local time or a named
// productivity where the API writes seconds, a naive date or a number.
func dataCell(key string, r rtapi.AnalyticRow) (human, machine string) {
	machine = r.Cell(key)
	switch key {
	case "Date":
		return TableTime(r.Date), machine
	case "Time Spent (seconds)":
		return HoursMinutes(r.Duration()), machine
	case "Productivity":
		if r.Productivity == nil {
			return "", ""
		}
		return fmt.Sprintf("%d %s", *r.Productivity, r.Productivity), machine
	}
	return machine, machine
}

// SummaryListing lists the daily summary feed, newest day first: the table shows the pulse and
// the hours per productivity level; CSV and JSON carry every category too.
func SummaryListing(days []rtapi.DailySummary) Listing {
	slices.SortStableFunc(days, func(a, b rtapi.DailySummary) int { return -a.Date.Compare(b.Date) })
	l := Listing{
		Columns: []string{"date", "pulse", "total", "very_productive", "productive", "neutral", "distracting", "very_distracting"},
		JSON:    summaryJSON(days),
		Empty:   "No daily summaries: the feed lists logged days of the last two weeks, today excluded.",
	}
	csvCols := []string{"date", "id", "productivity_pulse"}
	for _, a := range (&rtapi.DailySummary{}).SummaryCategories() {
		csvCols = append(csvCols, a.Name+"_hours")
		if a.Name != "total" { // the feed has no total percentage
			csvCols = append(csvCols, a.Name+"_percentage")
		}
	}
	l.CSVColumns = csvCols
	for _, d := range days {
		h := func(a rtapi.SummaryAmount) string { return strconv.FormatFloat(a.Hours, 'f', 2, 64) + "h" }
		l.Rows = append(l.Rows, []string{
			TableDate(d.Date), strconv.FormatFloat(d.ProductivityPulse, 'f', -1, 64), h(d.Total),
			h(d.VeryProductive), h(d.Productive), h(d.Neutral), h(d.Distracting), h(d.VeryDistracting),
		})
		row := []string{TableDate(d.Date), strconv.FormatInt(d.ID, 10), strconv.FormatFloat(d.ProductivityPulse, 'f', -1, 64)}
		for _, a := range d.SummaryCategories() {
			row = append(row, strconv.FormatFloat(a.Hours, 'f', 2, 64))
			if a.Name != "total" {
				row = append(row, strconv.FormatFloat(a.Percentage, 'f', 1, 64))
			}
		}
		l.CSVRows = append(l.CSVRows, row)
	}
	return l
}

// summaryJSON is the feed as -o json prints it. The total carries no
// percentage: the feed sends none (it would be 100% of itself), so the
// typed value's zero would only mislead; the table and CSV leave it out too.
func summaryJSON(days []rtapi.DailySummary) []summaryDay {
	out := make([]summaryDay, len(days))
	for i, d := range days {
		out[i] = summaryDay(d)
	}
	return out
}

type summaryDay rtapi.DailySummary

// summaryAmount is an amount without the percentage, for the total.
type summaryAmount struct {
	Hours     float64 `json:"hours"`
	Formatted string  `json:"formatted"`
}

// MarshalJSON writes the fields in the feed's documented order, as
// rtapi.DailySummary would, except for the total's percentage.
func (d summaryDay) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	add := func(name string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(name)
		if err != nil {
			return err
		}
		val, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
		return nil
	}
	s := rtapi.DailySummary(d)
	fields := []struct {
		name string
		v    any
	}{{"id", s.ID}, {"date", s.Date.Format(time.DateOnly)}, {"productivity_pulse", s.ProductivityPulse}}
	for _, a := range s.SummaryCategories() {
		var v any = a.SummaryAmount
		if a.Name == "total" {
			v = summaryAmount{Hours: a.Hours, Formatted: a.Formatted}
		}
		fields = append(fields, struct {
			name string
			v    any
		}{a.Name, v})
	}
	for _, f := range fields {
		if err := add(f.name, f.v); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// FocusEvent is a FocusTime feed entry with the feed it came from.
type FocusEvent = reads.FocusEvent

// FocusListing lists FocusTime events, newest first.
func FocusListing(events []FocusEvent) Listing {
	if events == nil {
		events = []FocusEvent{}
	}
	slices.SortStableFunc(events, func(a, b FocusEvent) int { return -cmp.Compare(a.CreatedAt.UnixNano(), b.CreatedAt.UnixNano()) })
	l := Listing{Columns: []string{"at", "event", "duration", "id"}, JSON: events,
		Empty: "No FocusTime sessions in the feeds (FocusTime is a Premium feature)."}
	for _, ev := range events {
		dur, csvDur := "", ""
		switch {
		case ev.Minutes == rtapi.FocusUntilEndOfDay:
			dur, csvDur = "rest of day", "-1"
		case ev.Minutes > 0:
			dur, csvDur = HoursMinutes(time.Duration(ev.Minutes)*time.Minute), strconv.Itoa(ev.Minutes)
		}
		id := strconv.FormatFloat(ev.ID, 'f', -1, 64)
		l.Rows = append(l.Rows, []string{TableTime(ev.CreatedAt), ev.Event, dur, id})
		l.CSVRows = append(l.CSVRows, []string{CSVTime(ev.CreatedAt), ev.Event, csvDur, id})
	}
	return l
}

// AlertDefinitionsListing lists the alerts a user defined, by id.
func AlertDefinitionsListing(defs []rtapi.AlertDefinition) Listing {
	slices.SortStableFunc(defs, func(a, b rtapi.AlertDefinition) int { return cmp.Compare(a.ID, b.ID) })
	l := Listing{Columns: []string{"id", "description", "hours"}, JSON: defs, Empty: "No alerts defined (alerts are a Premium feature)."}
	for _, d := range defs {
		l.Rows = append(l.Rows, []string{strconv.FormatInt(d.ID, 10), d.Description, strconv.FormatFloat(d.Amount, 'f', -1, 64)})
	}
	return l
}

// AlertsListing lists triggered alerts, newest first.
func AlertsListing(alerts []rtapi.Alert) Listing {
	slices.SortStableFunc(alerts, func(a, b rtapi.Alert) int {
		return cmp.Or(-a.CreatedAt.Compare(b.CreatedAt), -cmp.Compare(a.ID, b.ID))
	})
	l := Listing{Columns: []string{"triggered_at", "alert_id", "description", "id"}, JSON: alerts,
		Empty: "No alerts triggered recently (alerts are a Premium feature)."}
	for _, a := range alerts {
		ids := []string{strconv.FormatInt(a.AlertID, 10), a.Description, strconv.FormatInt(a.ID, 10)}
		l.Rows = append(l.Rows, append([]string{TableTime(a.CreatedAt)}, ids...))
		l.CSVRows = append(l.CSVRows, append([]string{CSVTime(a.CreatedAt)}, ids...))
	}
	return l
}

// highlightJSON is a highlight as -o json prints it: its date as the date
// it is ("2026-12-04"), not a midnight with an offset.
type highlightJSON struct {
	ID          int64     `json:"id"`
	Description string    `json:"description"`
	Date        string    `json:"date"`
	CreatedAt   time.Time `json:"created_at"`
	Source      string    `json:"source,omitempty"`
}

func highlightsJSON(hs []rtapi.Highlight) []highlightJSON {
	out := make([]highlightJSON, len(hs))
	for i, h := range hs {
		out[i] = highlightJSON{ID: h.ID, Description: h.Description, Date: h.Date.Format(time.DateOnly), CreatedAt: h.CreatedAt, Source: h.Source}
	}
	return out
}

// HighlightsListing lists the highlights feed, newest date first. It has no source column: the
// feed does not send one, so it would always be empty. JSON has the field
// only when the server sent it.
func HighlightsListing(hs []rtapi.Highlight) Listing {
	slices.SortStableFunc(hs, func(a, b rtapi.Highlight) int {
		return cmp.Or(-a.Date.Compare(b.Date), -a.CreatedAt.Compare(b.CreatedAt), -cmp.Compare(a.ID, b.ID))
	})
	l := Listing{Columns: []string{"date", "description", "created_at", "id"}, JSON: highlightsJSON(hs),
		Empty: "No highlights in the feed (it lists recently entered ones, each a few minutes after it is entered, once the account has synced; on a Lite account it is always empty: highlights are a Premium feature)."}
	for _, h := range hs {
		id := strconv.FormatInt(h.ID, 10)
		l.Rows = append(l.Rows, []string{TableDate(h.Date), h.Description, TableTime(h.CreatedAt), id})
		l.CSVRows = append(l.CSVRows, []string{TableDate(h.Date), h.Description, CSVTime(h.CreatedAt), id})
	}
	return l
}
