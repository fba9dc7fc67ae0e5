package workspace

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

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
//
// It never forgets the live version of a declared item: forgotten, it
// would be planned afresh and posted a second time. An address names the
// records at it that the configuration no longer declares (a superseded
// version, yesterday's item of a daily address), or one of them in the
// form the plan shows it ("highlight.e (superseded 2026-12-01)"); an
// address whose only item is live is refused, saying so.
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
	live, shownAs, orphans, err := w.forgettable(ctx, now, st, opts.Orphaned)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, k := range orphans {
		keys[k] = true
	}
	var liveOnly []string
	for _, pat := range opts.Addresses {
		named, _ := matchRecords(st.Records(), []string{pat}, func(r journal.Record) bool { return !r.Forgotten }, shownAs)
		n := 0
		for _, rec := range named {
			if !live[rec.Key] {
				keys[rec.Key] = true
				n++
			}
		}
		switch {
		case n > 0:
		case len(named) > 0:
			liveOnly = append(liveOnly, pat)
		default:
			return nil, fmt.Errorf("%s names no item of the journal (rtctl journal lists them)", pat)
		}
	}
	if len(liveOnly) > 0 {
		return nil, fmt.Errorf("%s names only items the configuration declares: forgotten, they would be posted again. Forget takes out what is no longer declared: remove the item from the configuration first, or name an earlier version as the plan shows it (ADDRESS (superseded DATE))", strings.Join(liveOnly, ", "))
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
	for i := range entries {
		entries[i].Type = journal.Forget
	}
	run := fmt.Sprintf("forget-%s-%d", now.UTC().Format("20060102T150405Z"), os.Getpid())
	if err := w.appendJournal(locks, path, acct, run, entries); err != nil {
		return nil, err
	}
	return out, nil
}

// forgettable plans the configuration to tell what Forget may touch: the
// journal keys of the items it declares (live), the address each orphan
// is shown under, and, when withOrphans, the keys of the orphans of a
// plan made against the account (which needs the account; the rest does
// not).
func (w *Workspace) forgettable(ctx context.Context, now time.Time, st *journal.State, withOrphans bool) (live map[string]bool, shownAs map[string]string, orphans []string, err error) {
	var p *plan.Plan
	if withOrphans {
		r, err := w.plan(ctx, now, PlanOptions{})
		if err != nil {
			return nil, nil, nil, err
		}
		p = r.Plan
	} else {
		cfg, err := w.load(ctx, now)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("forget tells declared items from the ones to forget by the configuration: %w", err)
		}
		p = plan.Make(plan.FromConfig(cfg, w.dir), nil, st, now)
	}
	live, shownAs = map[string]bool{}, map[string]string{}
	for _, a := range p.Actions {
		if a.Status == plan.Orphaned {
			shownAs[a.Key] = a.Address
			if withOrphans {
				orphans = append(orphans, a.Key)
			}
		} else {
			live[a.Key] = true
		}
	}
	return live, shownAs, orphans, nil
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
	}, nil)
	if len(unmatched) > 0 {
		return nil, fmt.Errorf("%s names no item sent without a known outcome (rtctl journal lists them as unknown, pending or applied_unverified); a declared item you found in the account that the journal has no record of is recorded with rtctl journal adopt", strings.Join(unmatched, ", "))
	}
	entries := make([]journal.Entry, 0, len(out))
	for _, rec := range out {
		entries = append(entries, journal.Entry{Type: journal.Outcome, Key: rec.Key, Address: rec.Address, Result: journal.Settled, Error: "confirmed in the account by a person (rtctl journal confirm)"})
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, err
	}
	return out, w.appendJournal(locks, path, acct, fmt.Sprintf("confirm-%d", os.Getpid()), entries)
}

// matchRecords is the records that keep accepts and one of the patterns
// names, each once however many patterns name it, in the journal's order;
// and the patterns that named none of them.
//
// A record matches by its address or, when shownAs has one for its key, by
// the address the plan shows it under.
func matchRecords(records []journal.Record, patterns []string, keep func(journal.Record) bool, shownAs map[string]string) (named []journal.Record, unmatched []string) {
	hit := make([]bool, len(patterns))
	for _, rec := range records {
		if !keep(rec) {
			continue
		}
		matched := false
		for i, pat := range patterns {
			if plan.MatchAddress(pat, rec.Address) || (shownAs[rec.Key] != "" && plan.MatchAddress(pat, shownAs[rec.Key])) {
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

// AdoptOptions say which declared items Adopt records as in the account.
type AdoptOptions struct {
	// Addresses are address patterns of declared items the journal has no
	// record of that the plan shows uncertain, in conflict or in sync.
	Addresses []string
	// Present adopts every declared item the feeds show that the journal
	// has no record of.
	Present bool
}

// Adopt records declared items a person found in the account as in it,
// though rtctl's journal has no record of posting them (rtctl journal
// adopt): posted by a journal that was lost, by another machine, by hand,
// or shown by the report under a name of its own (a conflict no run can
// settle). They are never sent again, and no longer make the journal look
// lost. It returns the actions it adopted.
func (w *Workspace) Adopt(ctx context.Context, opts AdoptOptions) ([]plan.Action, error) {
	if len(opts.Addresses) == 0 && !opts.Present {
		return nil, fmt.Errorf("name the items you found in the account, by address (rtctl plan lists them), or give --present for every declared item the feeds show")
	}
	now := w.instant()
	locks, err := w.lock(ctx, 0, "rtctl journal adopt")
	if err != nil {
		return nil, err
	}
	defer locks.Release()
	r, err := w.plan(ctx, now, PlanOptions{})
	if err != nil {
		return nil, err
	}
	path, st, err := w.readJournal()
	if err != nil {
		return nil, err
	}
	hit := make([]bool, len(opts.Addresses))
	var out []plan.Action
	var entries []journal.Entry
	for _, a := range r.Plan.Actions {
		if a.Kind != plan.KindOffline && a.Kind != plan.KindHighlight {
			continue
		}
		// An item this journal holds as in the account needs nothing, one
		// it sent without an answer is confirmed (journal confirm); one it
		// failed, did not send or found absent may still be in the account,
		// posted by another journal or by hand, and is adopted like one
		// it has no record of.
		if rec, ok := st.Lookup(a.Key); ok && !rec.Forgotten && (rec.Done() || rec.Pending()) {
			continue
		}
		named := false
		for i, pat := range opts.Addresses {
			if plan.MatchAddress(pat, a.Address) {
				hit[i], named = true, true
			}
		}
		shown := a.Status == plan.InSync && a.Shown()
		adoptable := a.Status == plan.Uncertain || a.Status == plan.Conflict || a.Status == plan.InSync
		if !adoptable || !(named || (opts.Present && shown)) {
			continue
		}
		out = append(out, a)
		entries = append(entries, journal.Entry{Type: journal.Outcome, Key: a.Key, Address: a.Address, Kind: string(a.Kind), Item: a.JournalItem(),
			Result: journal.Settled, Error: "adopted: found in the account by a person (rtctl journal adopt)"})
	}
	var unmatched []string
	for i, pat := range opts.Addresses {
		if !hit[i] {
			unmatched = append(unmatched, pat)
		}
	}
	if len(unmatched) > 0 {
		return nil, fmt.Errorf("%s names no declared item that the journal does not already hold as in the account (an item rtctl sent without an answer is settled with rtctl journal confirm)", strings.Join(unmatched, ", "))
	}
	if len(entries) == 0 {
		return nil, nil
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, err
	}
	return out, w.appendJournal(locks, path, acct, fmt.Sprintf("adopt-%d", os.Getpid()), entries)
}

// appendJournal appends a journal command's entries (forget, confirm,
// adopt) to the account's journal at path, under the locks the caller
// holds: through the backend's lease, so that with a shared backend they
// reach its store as apply's do, and never stay on this machine alone.
func (w *Workspace) appendJournal(locks *Locks, path string, acct journal.Account, run string, entries []journal.Entry) error {
	local, err := journal.OpenWriter(locks.Journal, path, w.present(), run, acct)
	if err != nil {
		return err
	}
	jw := locks.lease.Writer(local)
	defer jw.Close()
	return jw.Append(entries...)
}
