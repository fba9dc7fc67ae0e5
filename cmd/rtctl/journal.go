package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/pkg/journal"
)

func newJournalCmd(e *env) *cobra.Command {
	var (
		cf      configFlags
		sandbox bool
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "journal [DIR]",
		Short: "List what rtctl posted, when, and with what outcome",
		Long: `Journal lists every item rtctl apply sent for the configuration in DIR, with
the outcome of its last attempt: applied, settled (found in the account after
an unanswered POST), failed, unknown (no answer, to be settled by the next
plan) or pending (an intent with no outcome: the apply was interrupted).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := dirArg(args)
			if cf.journal == "" {
				if err := checkConfigDir(dir); err != nil {
					return err
				}
			} else if _, err := os.Stat(cf.journal); err != nil {
				return fmt.Errorf("--journal %s: %w", cf.journal, unwrapPath(err))
			}
			jpath, err := cf.journalPath(e, dir, sandbox)
			if err != nil {
				return err
			}
			st, err := journal.Read(jpath)
			if err != nil {
				return err
			}
			recs := st.Records()
			sort.SliceStable(recs, func(i, j int) bool { return recs[i].IntentAt.Before(recs[j].IntentAt) })
			if jsonOut {
				type row struct {
					Address  string          `json:"address"`
					Kind     string          `json:"kind"`
					Key      string          `json:"key"`
					Result   string          `json:"result"`
					SentAt   string          `json:"sent_at"`
					Attempts int             `json:"attempts"`
					Error    string          `json:"error,omitempty"`
					Item     json.RawMessage `json:"item,omitempty"`
				}
				rows := []row{}
				for _, r := range recs {
					rows = append(rows, row{r.Address, r.Kind, r.Key, resultName(r), r.IntentAt.Format("2006-01-02T15:04:05Z07:00"), r.Attempts, r.LastError, r.Item})
				}
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			if len(recs) == 0 {
				fmt.Fprintln(e.stdout, "The journal is empty: rtctl has not applied anything here yet.")
				if _, err := os.Stat(sandboxJournalPath(dir)); err == nil && !sandbox {
					fmt.Fprintf(e.stdout, "The sandbox has a journal of its own: rtctl journal --sandbox %s\n", dir)
				}
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SENT\tRESULT\tADDRESS\tNOTE")
			for _, r := range recs {
				sent := "-"
				if !r.IntentAt.IsZero() {
					sent = r.IntentAt.Local().Format("2006-01-02 15:04 MST")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sent, resultName(r), r.Address, r.LastError)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if st.Skipped > 0 {
				fmt.Fprintf(e.stdout, "\n%d unreadable line(s) were skipped (left by an interrupted write).\n", st.Skipped)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cf.journal, "journal", "", "journal file (default RTCTL_JOURNAL, else .rtctl/journal.jsonl beside the configuration)")
	f.BoolVar(&sandbox, "sandbox", false, "list the sandbox's journal")
	f.BoolVar(&jsonOut, "json", false, "print the journal as JSON")
	return cmd
}

func resultName(r journal.Record) string {
	if r.Result == "" {
		return "pending"
	}
	return string(r.Result)
}
