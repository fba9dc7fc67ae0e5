package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// dataFlags are rtctl data's query flags as the user typed them.
type dataFlags struct {
	perspective, resolution, kind, sourceType, report string
	begin, end                                        string
	thing, thingy                                     string
	scheduleID                                        string
}

func newDataCmd(e *env) *cobra.Command {
	var df dataFlags
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Query the Analytic Data API (time per activity, category, productivity)",
		Long: `Query the Analytic Data API: how time was spent, ranked or over time, by
activity, category, productivity or document. Each flag maps to the API
parameter named in its help. Without --begin/--end the report covers today;
with --begin alone it runs to today.
Long interval ranges are fetched in chunks (30 days per request at minute
resolution) and joined.`,
		Example: `  rtctl data --kind overview
  rtctl data --perspective interval --resolution day --begin 2025-11-01 --end 2025-11-14 --kind productivity
  rtctl data --perspective interval --resolution minute --source-type offline -o json
  rtctl data --kind efficiency
  rtctl data --perspective member -o csv`,
		Args: cobra.NoArgs,
	}
	f := cmd.Flags()
	f.StringVar(&df.perspective, "perspective", "", "rank (default), interval, or member: time per person (perspective)")
	f.StringVar(&df.resolution, "resolution", "", "interval size: month, week, day, hour (default) or minute, five-minute buckets (resolution_time)")
	f.StringVar(&df.begin, "begin", "", "first day, YYYY-MM-DD, inclusive (restrict_begin)")
	f.StringVar(&df.end, "end", "", "last day, YYYY-MM-DD, inclusive; default today with --begin (restrict_end)")
	f.StringVar(&df.kind, "kind", "", "overview, category, activity (default), productivity, efficiency or document (restrict_kind)")
	f.StringVar(&df.thing, "thing", "", "a category, overview or activity name to drill into (restrict_thing)")
	f.StringVar(&df.thingy, "thingy", "", "a document or activity detail within --thing (restrict_thingy)")
	f.StringVar(&df.sourceType, "source-type", "", "computers, mobile or offline (restrict_source_type)")
	f.StringVar(&df.scheduleID, "schedule-id", "", "only time within the schedule with this `ID` (restrict_schedule_id)")
	f.StringVar(&df.report, "report", "", "OAuth2 only: data (default), overview_data, category_data or productivity_data")

	return readCommand(e, cmd, func(cmd *cobra.Command, c *rtapi.Client, _ []string) (views.Listing, error) {
		// The client's clock: RTCTL_NOW when it pins one, as readCommand
		// gives the client.
		now, err := pinnedNow(e, "")
		if err != nil {
			return views.Listing{}, err
		}
		if now.IsZero() {
			now = e.now()
		}
		q, err := df.query(c.Location(), now)
		if err != nil {
			return views.Listing{}, err
		}
		d, err := c.AnalyticDataChunked(cmd.Context(), q)
		var ve *rtapi.ValidationError
		if errors.As(err, &ve) && ve.Field == "report" {
			// Only the client knows whether it holds an OAuth2 token.
			return views.Listing{}, fmt.Errorf("invalid --report: %s", ve.Reason)
		}
		if err != nil {
			return views.Listing{}, err
		}
		return views.DataListing(d), nil
	})
}

// query checks the flags and turns them into the API query. It reports
// problems by the flags' names: the client's own checks speak the API's
// parameter names, which the user never typed. now, in loc, is today's date
// for the server's default --end.
func (df dataFlags) query(loc *time.Location, now time.Time) (rtapi.AnalyticDataQuery, error) {
	q := rtapi.AnalyticDataQuery{Thing: df.thing, Thingy: df.thingy}
	var err error
	enum := func(flag, s string, p func(string) error) {
		if s == "" || err != nil {
			return
		}
		if e := p(s); e != nil {
			var ve *rtapi.ValidationError
			if errors.As(e, &ve) {
				err = fmt.Errorf("invalid %s: %s", flag, ve.Reason)
			} else {
				err = fmt.Errorf("invalid %s: %w", flag, e)
			}
		}
	}
	enum("--perspective", df.perspective, func(s string) (e error) { q.Perspective, e = rtapi.ParsePerspective(s); return })
	enum("--resolution", df.resolution, func(s string) (e error) { q.Resolution, e = rtapi.ParseResolution(s); return })
	enum("--kind", df.kind, func(s string) (e error) { q.Kind, e = rtapi.ParseKind(s); return })
	enum("--source-type", df.sourceType, func(s string) (e error) { q.SourceType, e = rtapi.ParseSourceType(s); return })
	enum("--report", df.report, func(s string) (e error) { q.Report, e = rtapi.ParseReport(s); return })
	if err != nil {
		return q, err
	}
	if df.begin != "" {
		if q.Begin, err = parseDay("--begin", df.begin, loc); err != nil {
			return q, err
		}
	}
	if df.end != "" {
		if q.End, err = parseDay("--end", df.end, loc); err != nil {
			return q, err
		}
	}
	if df.scheduleID != "" {
		id, err := strconv.Atoi(df.scheduleID)
		if err != nil || id <= 0 {
			return q, fmt.Errorf("invalid --schedule-id %q: want a positive whole number", df.scheduleID)
		}
		q.ScheduleID = id
	}
	today := now.In(loc).Format(dayLayout)
	switch {
	case df.begin != "" && df.end != "" && q.End.Before(q.Begin):
		return q, fmt.Errorf("invalid --end %s: it is before --begin %s", df.end, df.begin)
	case df.begin != "" && df.end == "" && q.Begin.Format(dayLayout) > today:
		return q, fmt.Errorf("invalid --begin %s: it is after today (%s), the default --end; pass --end too", df.begin, today)
	case q.Thingy != "" && q.Thing == "":
		return q, errors.New("invalid --thingy: it needs --thing, the category or activity it is within")
	}
	return q, nil
}

const dayLayout = "2006-01-02"

func parseDay(flag, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(dayLayout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid %s %q: want YYYY-MM-DD", flag, s)
	}
	return t, nil
}
