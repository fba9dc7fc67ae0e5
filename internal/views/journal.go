package views

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

// journalRow is one item of `rtctl journal --json`.
type journalRow struct {
	Address  string          `json:"address"`
	Kind     string          `json:"kind"`
	Key      string          `json:"key"`
	Result   string          `json:"result"`
	SentAt   string          `json:"sent_at"`
	Attempts int             `json:"attempts"`
	Error    string          `json:"error,omitempty"`
	Item     json.RawMessage `json:"item,omitempty"`
}

// journalRecords are the journal's records in the order they were sent.
func journalRecords(st *journal.State) []journal.Record {
	recs := st.Records()
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].IntentAt.Before(recs[j].IntentAt) })
	return recs
}

// WriteJournalJSON lists the journal's items as JSON.
func WriteJournalJSON(w io.Writer, st *journal.State) error {
	rows := []journalRow{}
	for _, r := range journalRecords(st) {
		rows = append(rows, journalRow{r.Address, r.Kind, r.Key, ResultName(r), r.IntentAt.Format(time.RFC3339), r.Attempts, r.LastError, r.Item})
	}
	return writeJSON(w, rows)
}

// WriteJournalTable lists the journal's items as a table, times in loc.
// It reports whether there was anything to list.
func WriteJournalTable(w io.Writer, st *journal.State, loc *time.Location) (bool, error) {
	recs := journalRecords(st)
	if len(recs) == 0 {
		return false, nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SENT\tRESULT\tADDRESS\tNOTE")
	for _, r := range recs {
		sent := "-"
		if !r.IntentAt.IsZero() {
			sent = r.IntentAt.In(loc).Format("2006-01-02 15:04 MST")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sent, ResultName(r), r.Address, r.LastError)
	}
	if err := tw.Flush(); err != nil {
		return true, err
	}
	if st.Skipped > 0 {
		_, err := fmt.Fprintf(w, "\n%d unreadable line(s) were skipped (left by an interrupted write).\n", st.Skipped)
		return true, err
	}
	return true, nil
}

// ResultName is how a record's last outcome is shown: its result, or
// "pending" for an intent with no outcome.
func ResultName(r journal.Record) string {
	if r.Result == "" {
		return "pending"
	}
	return string(r.Result)
}
