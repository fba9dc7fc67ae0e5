package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
	"github.com/rtctl/rtctl/pkg/spec"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// addOutputFlag registers --output/-o on a read command.
func addOutputFlag(cmd *cobra.Command) *string {
	var out string
	cmd.Flags().StringVarP(&out, "output", "o", views.OutputTable, "output format: table, csv or json")
	return &out
}

// fetchFunc reads from the API and returns what to print.
// Times with an offset of their own are shown in the client's zone, the
// account's.
type fetchFunc func(cmd *cobra.Command, c *rtapi.Client, args []string) (views.Listing, error)

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
			acct.timezone = spec.Declared(".").Timezone
		}
		// A sandbox lives beside its configuration: -chdir=DIR reads
		// another directory's.
		ws, err := openWorkspace(e, ".", nil, &acct)
		if err != nil {
			return err
		}
		c, err := ws.Client(cmd.Context(), nil)
		if err != nil {
			return err
		}
		if ws.ReadsInLocalZone() && c.Location() == time.Local {
			// The API's dates carry no offset: they are read in the
			// account's zone, which only the person knows.
			zone, _ := ws.Now().Zone()
			fmt.Fprintf(e.stderr, "Note: times are read in this machine's zone (%s); pass --timezone or set RTCTL_TIMEZONE to your account's zone if it differs.\n", zone)
		}
		l, err := fetch(cmd, c, args)
		if err != nil {
			return err
		}
		if acct.sandbox && len(l.Rows) == 0 {
			// The sandbox's clock: RTCTL_NOW when it pins one.
			now, err := pinnedNow(e, "")
			if err != nil {
				return err
			}
			if now.IsZero() {
				now = e.now()
			}
			if msg := sandboxEmpty(ws, now, c.Location()); msg != "" {
				l.Empty = msg
			}
		}
		return l.Write(e.stdout, *out)
	}
	return cmd
}

// sandboxEmpty says why the sandbox's feed is empty when rtctl posted to
// it within the sync: right after the quickstart's apply a person reads
// the feed and finds nothing, and the feed's own sentence (about Lite
// accounts, for highlights) would mislead them. Its feeds show a post once
// synced, as RescueTime's do; the journal says when the last one was made,
// so the sentence says when to look again. "" when nothing was posted that
// recently: the feed's own sentence holds.
func sandboxEmpty(ws *workspace.Workspace, now time.Time, loc *time.Location) string {
	var last time.Time
	if _, st, err := ws.ReadJournal(); err == nil && st != nil {
		for _, r := range st.Records() {
			if r.Done() && r.ResultAt.After(last) {
				last = r.ResultAt
			}
		}
	}
	// The next whole minute after the sync, so that the time said is
	// never a few seconds early.
	shows := last.Add(emulator.PremiumSyncInterval).Truncate(time.Minute).Add(time.Minute)
	if last.IsZero() || !shows.After(now) {
		return ""
	}
	return fmt.Sprintf("Nothing in the sandbox's feed yet: the sandbox shows what rtctl posts in its feeds %d minutes after the POST, as a Premium account shows a post once it has synced (rtctl plan knows of the posts at once, from its journal): run this again from %s.",
		emulator.PremiumSyncInterval/time.Minute, shows.In(loc).Format("15:04 MST"))
}
