package views

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rtctl/rtctl/internal/termsafe"
	"github.com/rtctl/rtctl/pkg/journal"
)

// journalRow is one item of `rtctl journal --json`.
type journalRow struct {
	Forgotten bool            `json:"forgotten,omitempty"`
	Address   string          `json:"address"`
	Kind      string          `json:"kind"`
	Key       string          `json:"key"`
	Result    string          `json:"result"`
	SentAt    string          `json:"sent_at"`
	Attempts  int             `json:"attempts"`
	Error     string          `json:"error,omitempty"`
	Item      json.RawMessage `json:"item,omitempty"`
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
		rows = append(rows, journalRow{r.Forgotten, r.Address, r.Kind, r.Key, ResultName(r), r.IntentAt.Format(time.RFC3339), r.Attempts, r.LastError, r.Item})
	}
	return writeJSON(w, rows)
}

// WriteJournalTable lists the journal's items as a table, times in the
// account's zone (as the journal records it; else loc), forgotten items
// marked, and what could not be read said. It reports whether there was
// anything to list.
func WriteJournalTable(w io.Writer, st *journal.State, loc *time.Location) (bool, error) {
	if acct, ok := st.Account(); ok && acct.Timezone != "" {
		if l, err := time.LoadLocation(acct.Timezone); err == nil {
			loc = l
		}
	}
	recs := journalRecords(st)
	if len(recs) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SENT\tRESULT\tADDRESS\tNOTE")
		for _, r := range recs {
			sent := "-"
			if !r.IntentAt.IsZero() {
				sent = r.IntentAt.In(loc).Format("2006-01-02 15:04 MST")
			}
			note := r.LastError
			if r.Forgotten {
				note = strings.TrimPrefix(note+"; forgotten "+r.ForgottenAt.In(loc).Format("2006-01-02 15:04"), "; ")
			}
			// The journal is a file of the directory, committed with it.
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sent, ResultName(r), termsafe.Escape(r.Address), termsafe.Escape(note))
		}
		if err := tw.Flush(); err != nil {
			return true, err
		}
	}
	var notes []string
	if n := len(st.Damaged); n > 0 {
		notes = append(notes, fmt.Sprintf("%d %s could not be read (line %d first): run rtctl journal verify, then rtctl journal repair.", n, plural(n, "damaged line", "damaged lines"), st.Damaged[0]))
	}
	if st.Skipped > 0 {
		notes = append(notes, fmt.Sprintf("%d %s cut short by a crash %s skipped.", st.Skipped, plural(st.Skipped, "line", "lines"), plural(st.Skipped, "was", "were")))
	}
	if st.Torn {
		notes = append(notes, "The last line was cut short by a crash; the next apply removes it.")
	}
	for i, n := range notes {
		if i == 0 && len(recs) > 0 {
			n = "\n" + n
		}
		if _, err := fmt.Fprintln(w, n); err != nil {
			return true, err
		}
	}
	return len(recs) > 0 || len(notes) > 0, nil
}

// ResultName is how a record's last outcome is shown: its result, or
// "pending" for an intent with no outcome.
func ResultName(r journal.Record) string {
	if r.Result == "" {
		return "pending"
	}
	return string(r.Result)
}
