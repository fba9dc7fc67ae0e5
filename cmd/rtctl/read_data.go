package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/spf13/cobra"
)

func newDataCmd(e *env) *cobra.Command {
	var (
		perspective, resolution, kind, sourceType, report string
		begin, end                                        string
		q                                                 rtapi.AnalyticDataQuery
	)
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Query the Analytic Data API (time per activity, category, productivity)",
		Long: `Query the Analytic Data API: how time was spent, ranked or over time, by
activity, category, productivity or document. Each flag maps to the API
parameter named in its help. Without --begin/--end the report covers today.
Long interval ranges are fetched in chunks (30 days per request at minute
resolution) and joined.`,
		Example: `  rtctl data --kind overview
  rtctl data --perspective interval --resolution day --begin 2025-11-01 --end 2025-11-14 --kind productivity
  rtctl data --perspective interval --resolution minute --source-type offline -o json`,
		Args: cobra.NoArgs,
	}
	f := cmd.Flags()
	f.StringVar(&perspective, "perspective", "", "rank (default) or interval (perspective)")
	f.StringVar(&resolution, "resolution", "", "interval size: month, week, day, hour (default) or minute, five-minute buckets (resolution_time)")
	f.StringVar(&begin, "begin", "", "first day, YYYY-MM-DD, inclusive (restrict_begin)")
	f.StringVar(&end, "end", "", "last day, YYYY-MM-DD, inclusive (restrict_end)")
	f.StringVar(&kind, "kind", "", "overview, category, activity, productivity, efficiency or document (restrict_kind)")
	f.StringVar(&q.Thing, "thing", "", "a category, overview or activity name to drill into (restrict_thing)")
	f.StringVar(&q.Thingy, "thingy", "", "a document or activity detail within --thing (restrict_thingy)")
	f.StringVar(&sourceType, "source-type", "", "computers, mobile or offline (restrict_source_type)")
	f.IntVar(&q.ScheduleID, "schedule-id", 0, "only time within the schedule with this `ID` (restrict_schedule_id)")
	f.StringVar(&report, "report", "", "OAuth2 only: data (default), overview_data, category_data or productivity_data")

	return readCommand(e, cmd, func(cmd *cobra.Command, c *rtapi.Client, _ []string) (listing, error) {
		var err error
		parse := func(s string, p func(string) error) {
			if s != "" && err == nil {
				err = p(s)
			}
		}
		parse(perspective, func(s string) (e error) { q.Perspective, e = rtapi.ParsePerspective(s); return })
		parse(resolution, func(s string) (e error) { q.Resolution, e = rtapi.ParseResolution(s); return })
		parse(kind, func(s string) (e error) { q.Kind, e = rtapi.ParseKind(s); return })
		parse(sourceType, func(s string) (e error) { q.SourceType, e = rtapi.ParseSourceType(s); return })
		parse(report, func(s string) (e error) { q.Report, e = rtapi.ParseReport(s); return })
		parse(begin, func(s string) (e error) { q.Begin, e = parseDay("--begin", s, c.Location()); return })
		parse(end, func(s string) (e error) { q.End, e = parseDay("--end", s, c.Location()); return })
		if err != nil {
			return listing{}, err
		}
		d, err := c.AnalyticDataChunked(cmd.Context(), q)
		if err != nil {
			return listing{}, err
		}
		return dataListing(d), nil
	})
}

func parseDay(flag, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid %s %q: want YYYY-MM-DD", flag, s)
	}
	return t, nil
}

// dataListing keeps the server's columns. CSV writes values as the API does
// (naive local dates, seconds); the table shows durations and labels.
func dataListing(d *rtapi.AnalyticData) listing {
	l := listing{csvColumns: d.RowHeaders, json: d}
	if l.csvColumns == nil {
		l.csvColumns = []string{}
	}
	for _, h := range l.csvColumns {
		if h == "Time Spent (seconds)" {
			h = "Time Spent" // the table shows a duration
		}
		l.columns = append(l.columns, h)
	}
	for _, r := range d.Rows {
		var row, csvRow []string
		for _, h := range d.RowHeaders {
			human, machine := dataCell(h, r)
			row, csvRow = append(row, human), append(csvRow, machine)
		}
		l.rows, l.csvRows = append(l.rows, row), append(l.csvRows, csvRow)
	}
	return l
}

func dataCell(header string, r rtapi.AnalyticRow) (human, machine string) {
	switch header {
	case "Rank":
		s := strconv.Itoa(r.Rank)
		return s, s
	case "Date":
		return tableTime(r.Date), r.Date.Format("2006-01-02T15:04:05")
	case "Time Spent (seconds)":
		return hoursMinutes(r.Duration()), strconv.Itoa(r.Seconds)
	case "Number of People":
		s := strconv.Itoa(r.People)
		return s, s
	case "Activity":
		return r.Activity, r.Activity
	case "Document":
		return r.Document, r.Document
	case "Category":
		return r.Category, r.Category
	case "Productivity":
		if r.Productivity == nil {
			return "", ""
		}
		return fmt.Sprintf("%d %s", *r.Productivity, r.Productivity), strconv.Itoa(int(*r.Productivity))
	case "Efficiency (-2:2)":
		return floatCell(r.Efficiency)
	case "Efficiency (percent)":
		return floatCell(r.EfficiencyPercent)
	}
	return "", ""
}

func floatCell(f *float64) (string, string) {
	if f == nil {
		return "", ""
	}
	s := strconv.FormatFloat(*f, 'f', -1, 64)
	return s, s
}
