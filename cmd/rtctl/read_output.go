package main

import (
	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/reads"
	"github.com/rtctl/rtctl/pkg/sandbox"
)

// addOutputFlag registers --output/-o on a read command.
func addOutputFlag(cmd *cobra.Command) *string {
	var out string
	cmd.Flags().StringVarP(&out, "output", "o", views.OutputTable, "output format: table, csv or json")
	return &out
}

// fetchFunc reads through the read operations and returns what to print.
type fetchFunc func(cmd *cobra.Command, r *reads.Reader, args []string) (views.Listing, error)

// readCommand completes cmd as a read command: connection flags, --output,
// and a RunE that builds the client, fetches and prints.
func readCommand(e *env, cmd *cobra.Command, fetch fetchFunc) *cobra.Command {
	var acct accountFlags
	acct.register(cmd)
	acct.registerTimezone(cmd)
	out := addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := views.CheckOutput(*out); err != nil {
			return err
		}
		// The account's zone, as the configuration in the directory
		// declares it, unless the person says otherwise: the API's times
		// carry no offset.
		if acct.timezone == "" && e.getenv("RTCTL_TIMEZONE") == "" {
			acct.timezone = reads.DeclaredZone(".")
		}
		// A sandbox lives beside its configuration: -chdir=DIR reads
		// another directory's.
		ws, err := openWorkspace(e, ".", nil, &acct)
		if err != nil {
			return err
		}
		r, err := reads.Open(cmd.Context(), ws)
		if err != nil {
			return err
		}
		view := views.NewRead(*out, e.out())
		if zone := r.LocalZone(); zone != "" {
			view.LocalZone(zone)
		}
		l, err := fetch(cmd, r, args)
		if err != nil {
			return err
		}
		if acct.sandbox && len(l.Rows) == 0 {
			if shows := r.ShownFrom(sandbox.FeedDelay); !shows.IsZero() {
				view.NotYetShown(shows, sandbox.FeedDelay)
			}
		}
		return view.Listing(l)
	}
	return cmd
}
