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
	named, unmatched := matchRecords(st.Records(), opts.Addresses, func(r journal.Record) bool { return !r.Forgotten })
	if len(unmatched) > 0 {
		return nil, fmt.Errorf("%s names no item of the journal (rtctl journal lists them)", strings.Join(unmatched, ", "))
	}
	for _, rec := range named {
		keys[rec.Key] = true
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
	if err := journal.AppendForget(locks.Journal, path, acct, w.clientClock(), run, entries); err != nil {
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
	out, unmatched := matchRecords(st.Records(), addresses, func(r journal.Record) bool {
		return r.Pending() || r.Result == journal.AppliedUnverified
	})
	if len(unmatched) > 0 {
		return nil, fmt.Errorf("%s names no item sent without a known outcome (rtctl journal lists them as unknown, pending or applied_unverified)", strings.Join(unmatched, ", "))
	}
	entries := make([]journal.Entry, 0, len(out))
	for _, rec := range out {
		entries = append(entries, journal.Entry{Type: journal.Outcome, Key: rec.Key, Address: rec.Address, Result: journal.Settled, Error: "confirmed in the account by a person (rtctl journal confirm)"})
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, err
	}
	jw, err := journal.OpenWriter(locks.Journal, path, w.clientClock(), fmt.Sprintf("confirm-%d", os.Getpid()), acct)
	if err != nil {
		return nil, err
	}
	defer jw.Close()
	return out, jw.Append(entries...)
}

// matchRecords is the records that keep accepts and one of the patterns
// names, each once however many patterns name it, in the journal's order;
// and the patterns that named none of them.
func matchRecords(records []journal.Record, patterns []string, keep func(journal.Record) bool) (named []journal.Record, unmatched []string) {
	hit := make([]bool, len(patterns))
	for _, rec := range records {
		if !keep(rec) {
			continue
		}
		matched := false
		for i, pat := range patterns {
			if plan.MatchAddress(pat, rec.Address) {
				hit[i], matched = true, true
			}
		}
		if matched {
			named = append(named, rec)
		}
	}
	for i, pat := range patterns {
		if !hit[i] {
			unmatched = append(unmatched, pat)
		}
	}
	return named, unmatched
}
