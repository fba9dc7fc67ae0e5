package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/reads"
)

func newAlertsCmd(e *env) *cobra.Command {
	var list bool
	var alertID int64
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "List triggered alerts, or the alerts defined",
		Long: `List recently triggered alerts, newest first (the Alerts Feed, op=status),
or with --list the alerts the user has defined (op=list). --alert-id keeps the
triggers of one alert. Alerts are a Premium feature: Lite accounts get an
empty list.`,
		Example: `  rtctl alerts --list
  rtctl alerts --alert-id 12345 -o json`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().BoolVar(&list, "list", false, "list the alerts defined instead of those triggered")
	cmd.Flags().Int64Var(&alertID, "alert-id", 0, "only the triggers of the alert with this `ID`")
	cmd.MarkFlagsMutuallyExclusive("list", "alert-id")
	return readCommand(e, cmd, func(cmd *cobra.Command, r *reads.Reader, _ []string) (views.Listing, error) {
		if list {
			defs, err := r.AlertDefinitions(cmd.Context())
			if err != nil {
				return views.Listing{}, err
			}
			return views.AlertDefinitionsListing(defs), nil
		}
		alerts, err := r.Alerts(cmd.Context(), alertID)
		if err != nil {
			return views.Listing{}, err
		}
		return views.AlertsListing(alerts), nil
	})
}
