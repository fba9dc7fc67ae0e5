package workspace

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
)

// ForgetOptions say which items Forget takes out of rtctl's care.
type ForgetOptions struct {
	// Addresses are address patterns (plan.MatchAddress) of items in the
	// journal.
	Addresses []string
	// Orphaned forgets every item the plan shows as orphaned.
	Orphaned bool
}

// Forget takes items out of rtctl's care, after a person deleted them in
// the web app or wants rtctl to stop showing them: they are no longer
// orphans, and one declared again is planned afresh. Nothing is posted and
// the journal keeps their history (rtctl journal lists them as forgotten).
// It returns the records it forgot.
func (w *Workspace) Forget(ctx context.Context, opts ForgetOptions) ([]journal.Record, error) {
	if len(opts.Addresses) == 0 && !opts.Orphaned {
		return nil, fmt.Errorf("name the items to forget (an address such as highlight.ship, or a pattern such as highlight.*), or give --orphaned")
	}
	now := w.instant()
	locks, err := w.lock(ctx, 0, "rtctl forget")
	if err != nil {
		return nil, err
	}
	defer locks.Release()
	path, st, err := w.readJournal()
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	if opts.Orphaned {
		r, err := w.plan(ctx, now, PlanOptions{})
		if err != nil {
			return nil, err
		}
		for _, a := range r.Plan.Actions {
			if a.Status == plan.Orphaned {
				keys[a.Key] = true
			}
		}
	}
	var unmatched []string
	for _, pat := range opts.Addresses {
		found := false
		for _, rec := range st.Records() {
			if !rec.Forgotten && plan.MatchAddress(pat, rec.Address) {
				keys[rec.Key], found = true, true
			}
		}
		if !found {
			unmatched = append(unmatched, pat)
		}
	}
	if len(unmatched) > 0 {
		return nil, fmt.Errorf("%s names no item of the journal (rtctl journal lists them)", strings.Join(unmatched, ", "))
	}
	var out []journal.Record
	var entries []journal.Entry
	for _, rec := range st.Records() {
		if keys[rec.Key] && !rec.Forgotten {
			out = append(out, rec)
			entries = append(entries, journal.Entry{Key: rec.Key, Address: rec.Address})
		}
	}
	if len(entries) == 0 {
		return nil, nil
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, err
	}
	run := fmt.Sprintf("forget-%s-%d", now.UTC().Format("20060102T150405Z"), os.Getpid())
	if err := journal.AppendForget(path, acct, w.clientClock(), run, entries); err != nil {
		return nil, err
	}
	return out, nil
}

// Confirm records that a person found items in the account that rtctl
// sent without a known outcome (rtctl journal confirm): they are applied
// from then on, never sent again. It returns the records it settled.
func (w *Workspace) Confirm(ctx context.Context, addresses []string) ([]journal.Record, error) {
	if len(addresses) == 0 {
		return nil, fmt.Errorf("name the items you found in the account, by address (rtctl plan lists the uncertain ones)")
	}
	locks, err := w.lock(ctx, 0, "rtctl journal confirm")
	if err != nil {
		return nil, err
	}
	defer locks.Release()
	path, st, err := w.readJournal()
	if err != nil {
		return nil, err
	}
	var out []journal.Record
	var entries []journal.Entry
	for _, pat := range addresses {
		found := false
		for _, rec := range st.Records() {
			if rec.Pending() && plan.MatchAddress(pat, rec.Address) {
				found = true
				out = append(out, rec)
				entries = append(entries, journal.Entry{Type: journal.Outcome, Key: rec.Key, Address: rec.Address, Result: journal.Settled, Error: "confirmed in the account by a person (rtctl journal confirm)"})
			}
		}
		if !found {
			return nil, fmt.Errorf("%s names no item sent without a known outcome (rtctl journal lists them as unknown or pending)", pat)
		}
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, err
	}
	jw, err := journal.OpenWriter(path, w.clientClock(), fmt.Sprintf("confirm-%d", os.Getpid()), acct)
	if err != nil {
		return nil, err
	}
	defer jw.Close()
	return out, jw.Append(entries...)
}
