package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/rtapi"
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
	return readCommand(e, cmd, func(cmd *cobra.Command, c *rtapi.Client, _ []string) (listing, error) {
		if list {
			defs, err := c.AlertDefinitions(cmd.Context())
			if err != nil {
				return listing{}, err
			}
			l := listing{columns: []string{"id", "description", "hours"}, json: defs}
			for _, d := range defs {
				l.rows = append(l.rows, []string{strconv.FormatInt(d.ID, 10), d.Description, strconv.FormatFloat(d.Amount, 'f', -1, 64)})
			}
			return l, nil
		}
		alerts, err := c.Alerts(cmd.Context(), alertID)
		if err != nil {
			return listing{}, err
		}
		l := listing{columns: []string{"triggered_at", "alert_id", "description", "id"}, json: alerts}
		for _, a := range alerts {
			ids := []string{strconv.FormatInt(a.AlertID, 10), a.Description, strconv.FormatInt(a.ID, 10)}
			l.rows = append(l.rows, append([]string{tableTime(a.CreatedAt)}, ids...))
			l.csvRows = append(l.csvRows, append([]string{csvTime(a.CreatedAt)}, ids...))
		}
		return l, nil
	})
}
