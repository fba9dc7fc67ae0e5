package plan

import (
	"context"
	"fmt"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/spec"
)

// Client is what a plan needs from the API: reading the feeds and rendering
// requests. *rtapi.Client implements it.
type Client interface {
	Reader
	RequestBuilder
}

// Prepared is a plan together with everything it was made from.
type Prepared struct {
	Config  *spec.Config
	Desired Desired
	Remote  *Remote
	Journal *journal.State
	Plan    *Plan
}

// PrepareOptions are the inputs of Prepare besides the configuration.
type PrepareOptions struct {
	// ConfigDir makes the origins of items relative to it.
	ConfigDir string
	Now       time.Time
	// RetryUncertain plans uncertain items for creation again; the person
	// has checked the account and takes responsibility for a duplicate.
	RetryUncertain bool
	// Replace are address patterns whose changed items are posted rather
	// than held (--replace).
	Replace []string
	// JournalDoubts are the caller's reasons to doubt the journal holds
	// all rtctl posted (see Desired.JournalDoubts).
	JournalDoubts []JournalDoubt
	// OtherJournals are the account's other journals (Desired.OtherJournals).
	OtherJournals []OtherJournal
}

// Prepare observes the account and makes the plan for a loaded
// configuration and its journal, with the request of every create action
// attached.
func Prepare(ctx context.Context, cfg *spec.Config, c Client, j *journal.State, opts PrepareOptions) (*Prepared, error) {
	d := FromConfig(cfg, opts.ConfigDir)
	d.Replace = opts.Replace
	d.JournalDoubts = opts.JournalDoubts
	d.OtherJournals = opts.OtherJournals
	now := opts.Now.In(cfg.Timezone)
	rem, err := Observe(ctx, c, d.Needs(), now.Add(-d.Lookback), now)
	if err != nil {
		return nil, fmt.Errorf("observing the account: %w", err)
	}
	p := Make(d, rem, j, now)
	if opts.RetryUncertain {
		for i := range p.Actions {
			// Items that settle by themselves are not the person's call:
			// their POST may still be landing.
			if a := &p.Actions[i]; a.Status == Uncertain && a.SettlesAt.IsZero() {
				a.Status = Create
				a.Reason = "uncertain, sent again because of --retry-uncertain"
			}
		}
	}
	p.AttachRequests(c)
	return &Prepared{Config: cfg, Desired: d, Remote: rem, Journal: j, Plan: p}, nil
}

// Settled returns journal entries for what this plan learned from the
// feeds: outcomes for items whose unanswered POST it found there, so the
// journal stops calling them pending, and the first evidence that a feed
// shows rtctl's posts. Only a feed's evidence settles an item, never a
// guess.
func (pr *Prepared) Settled() []journal.Entry {
	var out []journal.Entry
	for i := range pr.Plan.Evidence {
		out = append(out, journal.Entry{Type: journal.EvidenceEntry, Evidence: &pr.Plan.Evidence[i]})
	}
	for _, a := range pr.Plan.Actions {
		rec, ok := pr.Journal.Lookup(a.Key)
		// Found in a feed: an unanswered POST, or one whose answer did not
		// prove the write, did arrive.
		if !ok || (!rec.Pending() && rec.Result != journal.AppliedUnverified) || !a.observed {
			continue
		}
		out = append(out, journal.Entry{Type: journal.Outcome, Key: a.Key, Address: a.Address, Result: journal.Settled})
	}
	return out
}
