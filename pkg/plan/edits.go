package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

// baseAddress drops the chunk suffix of an offline block's address: a block
// whose length changed is split differently, but it is the same block.
func baseAddress(a string) string {
	if i := strings.LastIndex(a, "[chunk "); i > 0 && strings.HasSuffix(a, "]") {
		return a[:i]
	}
	return a
}

// pairEdits finds declared items that changed since rtctl posted them: an
// item to create whose address (or, for offline time, whose block) holds an
// earlier version in the journal that is no longer declared. The API can
// neither update nor delete, so posting the new version would leave the old
// one in the account for good; the pair is shown as one change and held
// until the person asks for it, unless they did (Desired.Replace, or the
// resource's lifecycle).
func (m *maker) pairEdits(d Desired) {
	if m.journal == nil {
		return
	}
	old := map[string][]journal.Record{} // by kind and base address
	for _, rec := range m.records() {
		if _, declared := m.keys[rec.Key]; declared || (!rec.Done() && !rec.Pending()) {
			continue
		}
		if rec.Kind != string(KindOffline) && rec.Kind != string(KindHighlight) {
			continue
		}
		k := rec.Kind + " " + baseAddress(rec.Address)
		old[k] = append(old[k], rec)
	}
	if len(old) == 0 {
		return
	}
	post := postChanges(d)
	for i := range m.plan.Actions {
		a := &m.plan.Actions[i]
		conflict := a.Status == Conflict && a.overEarlier
		if (a.Status != Create && !conflict) || (a.Kind != KindOffline && a.Kind != KindHighlight) {
			continue
		}
		recs := old[string(a.Kind)+" "+baseAddress(a.Address)]
		if len(recs) == 0 {
			continue
		}
		prev := m.earlierVersion(recs, a)
		if prev == nil {
			continue
		}
		m.paired[prev.Key] = true
		a.Previous = prev
		changes := describeChanges(prev, a, m.plan.Location)
		where := webAppPlace(a.Kind)
		twice := ""
		if a.Kind == KindOffline {
			twice = "; until it is deleted, both blocks count, so that time is counted twice"
		}
		if conflict {
			a.Reason = fmt.Sprintf("%s. It also changed since rtctl posted it %s (%s)", a.Reason, prev.At.In(m.plan.Location).Format("2006-01-02 15:04"), changes)
			continue
		}
		if post[a.Address] || matchesAny(d.Replace, a.Address) {
			a.Reason = fmt.Sprintf("replaces the version rtctl posted %s (%s); the old one stays in the account until you remove it in the RescueTime web app (%s)%s",
				prev.At.In(m.plan.Location).Format("2006-01-02 15:04"), changes, where, twice)
			continue
		}
		a.Status = Held
		if prev.Uncertain {
			// The old version's POST got no answer: it may or may not be
			// in the account, and only a person can look.
			a.Reason = fmt.Sprintf("changed since rtctl sent it %s, a POST that got no answer (%s). The API cannot update or delete, so if the old one arrived, posting this would leave it in the account%s: check the RescueTime web app (%s) and remove the old one if it is there, then run apply --replace %s",
				prev.At.In(m.plan.Location).Format("2006-01-02 15:04"), changes, twice, where, baseAddress(a.Address))
			continue
		}
		a.Reason = fmt.Sprintf("changed since rtctl posted it %s (%s). The API cannot update or delete, so posting it would leave the old one in the account%s: remove the old one in the RescueTime web app (%s), then run apply --replace %s",
			prev.At.In(m.plan.Location).Format("2006-01-02 15:04"), changes, twice, where, baseAddress(a.Address))
	}
}

// earlierVersion picks, among the undeclared records at a's address, the
// one a is an edit of: the same chunk if there is one, else the block's
// first piece; nil when none is. Only an item of the same day is an edit:
// an address whose date follows today() names a new item every day, and
// yesterday's is an orphan, not an earlier version.
func (m *maker) earlierVersion(recs []journal.Record, a *Action) *Previous {
	var cands []*Previous
	for _, rec := range recs {
		prev, err := previousOf(rec)
		if err != nil || !sameDay(prev, a, m.plan.Location) {
			continue
		}
		if rec.Address == a.Address {
			return prev
		}
		cands = append(cands, prev)
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[0]
}

// sameDay reports whether prev and a are of the same day: a highlight's
// date, an offline block's local start date.
func sameDay(prev *Previous, a *Action, loc *time.Location) bool {
	switch {
	case prev.Highlight != nil && a.Highlight != nil:
		return prev.Highlight.Date == a.Highlight.Date
	case prev.Offline != nil && a.Offline != nil:
		return prev.Offline.Start.In(loc).Format(time.DateOnly) == a.Offline.Start.In(loc).Format(time.DateOnly)
	}
	return false
}

// postChanges lists the addresses whose resource's lifecycle posts changes.
func postChanges(d Desired) map[string]bool {
	out := map[string]bool{}
	for _, o := range d.Offline {
		if o.PostChanges {
			out[o.Address] = true
		}
	}
	for _, h := range d.Highlights {
		if h.PostChanges {
			out[h.Address] = true
		}
	}
	return out
}

// matchesAny reports whether one of patterns selects the address or the
// block it is a chunk of.
func matchesAny(patterns []string, address string) bool {
	for _, p := range patterns {
		if MatchAddress(p, address) || MatchAddress(p, baseAddress(address)) {
			return true
		}
	}
	return false
}

func previousOf(rec journal.Record) (*Previous, error) {
	it, err := decodeItem(rec.Item)
	if err != nil {
		return nil, err
	}
	at := rec.ResultAt
	if rec.Pending() || at.IsZero() {
		at = rec.IntentAt
	}
	return &Previous{Address: rec.Address, Key: rec.Key, Offline: it.Offline, Highlight: it.Highlight, At: at, Uncertain: rec.Pending()}, nil
}

// describeChanges lists the attributes that differ, old → new.
func describeChanges(prev *Previous, a *Action, loc *time.Location) string {
	var out []string
	add := func(name, old, new string) {
		if old != new {
			out = append(out, fmt.Sprintf("%s %q → %q", name, old, new))
		}
	}
	switch {
	case prev.Highlight != nil && a.Highlight != nil:
		add("date", prev.Highlight.Date, a.Highlight.Date)
		add("description", prev.Highlight.Description, a.Highlight.Description)
		add("source", prev.Highlight.Source, a.Highlight.Source)
	case prev.Offline != nil && a.Offline != nil:
		ts := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
		add("start", ts(prev.Offline.Start), ts(a.Offline.Start))
		add("end", ts(prev.Offline.End), ts(a.Offline.End))
		add("activity", prev.Offline.Activity, a.Offline.Activity)
		add("details", prev.Offline.Details, a.Offline.Details)
	}
	if len(out) == 0 {
		return "its content changed"
	}
	return strings.Join(out, ", ")
}
