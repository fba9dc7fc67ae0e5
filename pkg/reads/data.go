package reads

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// DataQuery is a query of the Analytic Data API as the person typed it,
// each field the flag of the same name ("" when not given).
type DataQuery struct {
	Perspective, Resolution, Kind, SourceType, Report string
	Begin, End                                        string
	Thing, Thingy                                     string
	ScheduleID                                        string
}

// Data runs q: long interval ranges in chunks, joined. Without Begin and
// End the report covers today; with Begin alone it runs to today, the
// account's at the workspace's present.
func (r *Reader) Data(ctx context.Context, q DataQuery) (*rtapi.AnalyticData, error) {
	aq, err := q.parse(r.c.Location(), r.ws.Now())
	if err != nil {
		return nil, err
	}
	d, err := r.c.AnalyticDataChunked(ctx, aq)
	var ve *rtapi.ValidationError
	if errors.As(err, &ve) && ve.Field == "report" {
		// Only the client knows whether it holds an OAuth2 token.
		return nil, fmt.Errorf("invalid --report: %s", ve.Reason)
	}
	return d, err
}

// parse checks the query and turns it into the API's. It reports problems
// by the flags' names: the client's own checks speak the API's parameter
// names, which the person never typed. now, in loc, is today's date for
// the server's default end.
func (q DataQuery) parse(loc *time.Location, now time.Time) (rtapi.AnalyticDataQuery, error) {
	aq := rtapi.AnalyticDataQuery{Thing: q.Thing, Thingy: q.Thingy}
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
	enum("--perspective", q.Perspective, func(s string) (e error) { aq.Perspective, e = rtapi.ParsePerspective(s); return })
	enum("--resolution", q.Resolution, func(s string) (e error) { aq.Resolution, e = rtapi.ParseResolution(s); return })
	enum("--kind", q.Kind, func(s string) (e error) { aq.Kind, e = rtapi.ParseKind(s); return })
	enum("--source-type", q.SourceType, func(s string) (e error) { aq.SourceType, e = rtapi.ParseSourceType(s); return })
	enum("--report", q.Report, func(s string) (e error) { aq.Report, e = rtapi.ParseReport(s); return })
	if err != nil {
		return aq, err
	}
	if q.Begin != "" {
		if aq.Begin, err = parseDay("--begin", q.Begin, loc); err != nil {
			return aq, err
		}
	}
	if q.End != "" {
		if aq.End, err = parseDay("--end", q.End, loc); err != nil {
			return aq, err
		}
	}
	if q.ScheduleID != "" {
		id, err := strconv.Atoi(q.ScheduleID)
		if err != nil || id <= 0 {
			return aq, fmt.Errorf("invalid --schedule-id %q: want a positive whole number", q.ScheduleID)
		}
		aq.ScheduleID = id
	}
	today := now.In(loc).Format(time.DateOnly)
	switch {
	case q.Begin != "" && q.End != "" && aq.End.Before(aq.Begin):
		return aq, fmt.Errorf("invalid --end %s: it is before --begin %s", q.End, q.Begin)
	case q.Begin != "" && q.End == "" && aq.Begin.Format(time.DateOnly) > today:
		return aq, fmt.Errorf("invalid --begin %s: it is after today (%s), the default --end; pass --end too", q.Begin, today)
	case aq.Thingy != "" && aq.Thing == "":
		return aq, errors.New("invalid --thingy: it needs --thing, the category or activity it is within")
	}
	return aq, nil
}

func parseDay(flag, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid %s %q: want YYYY-MM-DD", flag, s)
	}
	return t, nil
}
