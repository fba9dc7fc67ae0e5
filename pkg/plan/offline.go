package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// bucket is the resolution of the Analytic Data API's "minute" interval.
const bucket = rtapi.BucketSize

// offlineTolerance is how much of a block may be missing from the buckets
// and the block still count as present: the API reports whole seconds per
// five-minute bucket and may round at the edges. It is capped at half the
// block so that a short block is never matched by a sliver.
func offlineTolerance(d time.Duration) time.Duration {
	return min(time.Minute, d/2)
}

// offlineIndex holds the offline-time buckets by activity and start, and
// the total per bucket across activities. Buckets are keyed by their local
// wall-clock start, because that is all the API reports: in the hour that
// repeats when the clocks go back, "02:05" names two buckets, and the index
// adds them up rather than guess which one was meant. A block in that hour
// may then look present when the other 02:05 holds it; that errs towards
// not posting, which can be undone by hand, rather than a duplicate, which
// cannot.
type offlineIndex struct {
	loc        *time.Location
	byActivity map[string]map[int64]int
	total      map[int64]int
	// category is the category the report gave each activity.
	category map[string]string
	// alias is the name the report shows all offline time under, when the
	// journal's evidence found it shows it under a name of its own ("" when
	// it shows the activity posted).
	alias string
}

// wallKey identifies the five-minute bucket starting at t by its wall-clock
// time in loc.
func wallKey(t time.Time, loc *time.Location) int64 {
	t = t.In(loc)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC).Unix()
}

func indexOffline(rows []OfflineBucket, loc *time.Location) offlineIndex {
	ix := offlineIndex{loc: loc, byActivity: map[string]map[int64]int{}, total: map[int64]int{}, category: map[string]string{}}
	for _, r := range rows {
		act := normalize(r.Activity)
		m := ix.byActivity[act]
		if m == nil {
			m = map[int64]int{}
			ix.byActivity[act] = m
		}
		k := wallKey(r.Start, loc)
		m[k] += r.Seconds
		ix.total[k] += r.Seconds
		if _, ok := ix.category[act]; !ok {
			ix.category[act] = r.Category
		}
	}
	return ix
}

// coverage returns how much of [start, end) the buckets show under activity
// (own), how much of that lies in buckets wholly inside the block (interior:
// an edge bucket may hold a neighbouring block of the same activity), and how
// much offline time of other activities in those buckets cannot fit beside
// the block (overlap).
//
// The seconds in without are left out first: the blocks of earlier versions
// of the item, which the report shows where the changed one would go.
func (ix offlineIndex) coverage(start, end time.Time, activity string, without bucketSeconds) (own, interior, overlap time.Duration) {
	act := normalize(activity)
	mine := ix.byActivity[act]
	alias := ix.byActivity[ix.alias]
	if ix.alias == act {
		alias = nil
	}
	first := start.Truncate(bucket)
	for b := first; b.Before(end); b = b.Add(bucket) {
		k := wallKey(b, ix.loc)
		inside := overlapLen(b, b.Add(bucket), start, end)
		// The earlier versions' seconds come off their own activity
		// (or the report's name for offline time), never below zero.
		m, a, total := mine[k], alias[k], ix.total[k]
		for name, secs := range without[k] {
			switch {
			case name == act:
				cut := min(secs, m)
				m, total = m-cut, total-cut
			case name == ix.alias && alias != nil:
				cut := min(secs, a)
				a, total = a-cut, total-cut
			default:
				total -= min(secs, ix.byActivity[name][k])
			}
		}
		o := min(time.Duration(m+a)*time.Second, inside)
		own += o
		if inside == bucket {
			interior += o
		}
		// A bucket can hold more than five minutes when several devices
		// log at once (recorded): what overlaps the block is at most the
		// part of the block in this bucket.
		others := time.Duration(total-m-a) * time.Second
		if free := bucket - inside; others > free {
			overlap += min(others-free, inside)
		}
	}
	return own, interior, overlap
}

func overlapLen(a0, a1, b0, b1 time.Time) time.Duration {
	s, e := a0, a1
	if b0.After(s) {
		s = b0
	}
	if b1.Before(e) {
		e = b1
	}
	if !e.After(s) {
		return 0
	}
	return e.Sub(s)
}

// splitOffline cuts a block into the fewest chunks of at most
// rtapi.MaxOfflineDuration, of equal length rounded to the minute.
func splitOffline(start, end time.Time) [][2]time.Time {
	d := end.Sub(start)
	n := int((d + rtapi.MaxOfflineDuration - 1) / rtapi.MaxOfflineDuration)
	if n <= 1 {
		return [][2]time.Time{{start, end}}
	}
	out := make([][2]time.Time, 0, n)
	prev := start
	for i := 1; i <= n; i++ {
		next := end
		if i < n {
			// d*i/n without the overflow of d*i for very long blocks.
			q, r := d/time.Duration(n), d%time.Duration(n)
			next = start.Add((q*time.Duration(i) + r*time.Duration(i)/time.Duration(n)).Truncate(time.Minute))
		}
		out = append(out, [2]time.Time{prev, next})
		prev = next
	}
	return out
}

func (m *maker) offlineBlock(o DesiredOffline) {
	chunks := splitOffline(o.Start, o.End)
	for i, c := range chunks {
		a := Action{
			Address: o.Address,
			Kind:    KindOffline,
			Origin:  o.Origin,
			Key:     OfflineKey(c[0], c[1], o.Activity, o.Details),
			Offline: &Offline{Start: c[0], End: c[1], Activity: o.Activity, Details: o.Details, Note: o.Note},
		}
		if len(chunks) > 1 {
			a.Address = fmt.Sprintf("%s[chunk %d/%d]", o.Address, i+1, len(chunks))
			a.Offline.Chunk, a.Offline.Chunks = i+1, len(chunks)
		}
		m.decideOffline(&a)
		m.add(a)
	}
}

func (m *maker) decideOffline(a *Action) {
	o := a.Offline
	p := m.plan
	if o.Start.Before(p.WindowStart) {
		m.outOfWindow(a, fmt.Sprintf("starts before the lookback window (%s)", p.WindowStart.Format("2006-01-02 15:04")),
			fmt.Sprintf("the Offline Time of %s around %s", o.Start.In(p.Location).Format("2006-01-02"), o.Start.In(p.Location).Format("15:04")))
		return
	}
	if o.End.After(p.Now) {
		a.Status = Deferred
		a.Reason = fmt.Sprintf("ends %s, in the future; a later run posts it", o.End.In(p.Location).Format("2006-01-02 15:04"))
		return
	}
	rec, journaled := m.lookup(a.Key)
	var earlier bucketSeconds
	if !journaled {
		earlier = m.earlierBlocks(a)
	}
	own, interior, overlap := m.offline.coverage(o.Start, o.End, o.Activity, earlier)
	a.overEarlier = earlier != nil
	d := o.Duration()
	trust := feedTrust{
		what:   "offline time report",
		feed:   journal.FeedOffline,
		covers: true, // the report was read over the whole window
		check:  fmt.Sprintf("the Offline Time of %s around %s", o.Start.In(p.Location).Format("2006-01-02"), o.Start.In(p.Location).Format("15:04")),
	}
	switch {
	case own >= d-offlineTolerance(d):
		a.Status, a.Reason, a.observed = InSync, "present in the account", true
		m.recordEvidence(a, journal.Evidence{Feed: journal.FeedOffline, Activity: o.Activity, Category: m.offline.category[normalize(o.Activity)], PostedActivity: o.Activity})
	case journaled && rec.Done():
		// The journal knows rtctl posted it: whatever the buckets show
		// beside it, posting again would be the duplicate. What they show
		// in its place is how the report shows rtctl's offline time.
		if name, cat, ok := m.offline.shownAs(o.Start, o.End); ok {
			m.recordEvidence(a, journal.Evidence{Feed: journal.FeedOffline, Activity: name, Category: cat, PostedActivity: o.Activity})
		}
		m.settle(a, trust)
	case overlap > 0:
		// Presence is matched loosely: offline time of any name where this
		// block goes may be it, shown otherwise; a post could only count
		// that time twice.
		a.Status = Conflict
		a.Reason = fmt.Sprintf("%s of it is already recorded as offline time of another activity (%s); posting would count that time twice", RoundDuration(overlap), m.offline.namesIn(o.Start, o.End, o.Activity))
	case interior > 0:
		a.Status = Conflict
		a.Reason = fmt.Sprintf("only %s of %s is recorded under %q; posting would count that part twice", RoundDuration(own), RoundDuration(d), o.Activity)
	default:
		m.settle(a, trust)
	}
}

// bucketSeconds are seconds of offline time by wall-clock bucket (wallKey)
// and normalised activity name.
type bucketSeconds map[int64]map[string]int

// earlierBlocks are the seconds the report shows, or may show, for the
// earlier versions of a changed block: what rtctl posted (or sent without
// an answer) at the same address on the same day, under another key. The
// report shows them where the changed block goes; counted as the changed
// block, they made an edit of its details read as "present in the
// account", and a moved block as a conflict beside an orphan of itself.
// With them left out, the edit is an item to create, which pairEdits holds.
func (m *maker) earlierBlocks(a *Action) bucketSeconds {
	if m.journal == nil {
		return nil
	}
	if m.offlineByAddress == nil {
		m.offlineByAddress = map[string][]journal.Record{}
		for _, rec := range m.records() {
			if rec.Kind == string(KindOffline) {
				base := baseAddress(rec.Address)
				m.offlineByAddress[base] = append(m.offlineByAddress[base], rec)
			}
		}
	}
	var out bucketSeconds
	for _, rec := range m.offlineByAddress[baseAddress(a.Address)] {
		if rec.Key == a.Key || (!rec.Done() && !rec.Pending()) {
			continue
		}
		prev, err := previousOf(rec)
		if err != nil || prev.Offline == nil || !sameDay(prev, a, m.plan.Location) {
			continue
		}
		name := normalize(prev.Offline.Activity)
		if m.offline.alias != "" {
			name = m.offline.alias
		}
		for b := prev.Offline.Start.Truncate(bucket); b.Before(prev.Offline.End); b = b.Add(bucket) {
			if out == nil {
				out = bucketSeconds{}
			}
			k := wallKey(b, m.offline.loc)
			if out[k] == nil {
				out[k] = map[string]int{}
			}
			out[k][name] += int(overlapLen(b, b.Add(bucket), prev.Offline.Start, prev.Offline.End) / time.Second)
		}
	}
	return out
}

// shownAs finds the one activity (and its category) the report shows over
// the whole of [start, end): how it shows a block rtctl posted there.
func (ix offlineIndex) shownAs(start, end time.Time) (name, category string, ok bool) {
	d := end.Sub(start)
	for act, buckets := range ix.byActivity {
		var got time.Duration
		for b := start.Truncate(bucket); b.Before(end); b = b.Add(bucket) {
			got += min(time.Duration(buckets[wallKey(b, ix.loc)])*time.Second, overlapLen(b, b.Add(bucket), start, end))
		}
		if got >= d-offlineTolerance(d) {
			return act, ix.category[act], true
		}
	}
	return "", "", false
}

// namesIn lists the other activities the report shows in [start, end).
func (ix offlineIndex) namesIn(start, end time.Time, activity string) string {
	var names []string
	for act, buckets := range ix.byActivity {
		if act == normalize(activity) || act == ix.alias {
			continue
		}
		for b := start.Truncate(bucket); b.Before(end); b = b.Add(bucket) {
			if buckets[wallKey(b, ix.loc)] > 0 {
				names = append(names, fmt.Sprintf("%q", act))
				break
			}
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// RoundDuration renders a duration to the minute the way plans show it:
// "15m", "4h", "1h05m", or "under a minute".
func RoundDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d == 0 {
		return "under a minute"
	}
	h, mn := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", mn)
	case mn == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%02dm", h, mn)
}
