package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/reads"
)

func newDataCmd(e *env) *cobra.Command {
	var df reads.DataQuery
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
	f.StringVar(&df.Perspective, "perspective", "", "rank (default), interval, or member: time per person (perspective)")
	f.StringVar(&df.Resolution, "resolution", "", "interval size: month, week, day, hour (default) or minute, five-minute buckets (resolution_time)")
	f.StringVar(&df.Begin, "begin", "", "first day, YYYY-MM-DD, inclusive (restrict_begin)")
	f.StringVar(&df.End, "end", "", "last day, YYYY-MM-DD, inclusive; default today with --begin (restrict_end)")
	f.StringVar(&df.Kind, "kind", "", "overview, category, activity (default), productivity, efficiency or document (restrict_kind)")
	f.StringVar(&df.Thing, "thing", "", "a category, overview or activity name to drill into (restrict_thing)")
	f.StringVar(&df.Thingy, "thingy", "", "a document or activity detail within --thing (restrict_thingy)")
	f.StringVar(&df.SourceType, "source-type", "", "computers, mobile or offline (restrict_source_type)")
	f.StringVar(&df.ScheduleID, "schedule-id", "", "only time within the schedule with this `ID` (restrict_schedule_id)")
	f.StringVar(&df.Report, "report", "", "OAuth2 only: data (default), overview_data, category_data or productivity_data")

	return readCommand(e, cmd, func(cmd *cobra.Command, r *reads.Reader, _ []string) (views.Listing, error) {
		d, err := r.Data(cmd.Context(), df)
		if err != nil {
			return views.Listing{}, err
		}
		return views.DataListing(d), nil
	})
}
