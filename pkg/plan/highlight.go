package plan

import (
	"fmt"

	"github.com/rtctl/rtctl/pkg/journal"
)

func indexHighlights(hs []RemoteHighlight) map[string]bool {
	m := make(map[string]bool, len(hs))
	for _, h := range hs {
		m[HighlightKey(h.Date, h.Description)] = true
	}
	return m
}

func (m *maker) highlight(h DesiredHighlight) {
	a := Action{
		Address:   h.Address,
		Kind:      KindHighlight,
		Origin:    h.Origin,
		Key:       HighlightKey(h.Date, h.Description),
		Highlight: &Highlight{Date: h.Date, Description: h.Description, Source: h.Source},
	}
	p := m.plan
	today := p.Now.Format("2006-01-02")
	switch {
	case h.Date < p.WindowStart.Format("2006-01-02"):
		m.outOfWindow(&a, fmt.Sprintf("dated before the lookback window (%s)", p.WindowStart.Format("2006-01-02")), "the Daily Highlights of "+h.Date)
	case h.Date > today:
		a.Status = Deferred
		a.Reason = fmt.Sprintf("dated %s, in the future; a later run posts it", h.Date)
	case m.highs[a.Key]:
		a.Status, a.Reason, a.observed = InSync, "present in the highlights feed", true
		m.recordEvidence(&a, journal.Evidence{Feed: journal.FeedHighlights})
	default:
		rec, _ := m.lookup(a.Key)
		m.settle(&a, feedTrust{
			what:   "highlights feed",
			feed:   journal.FeedHighlights,
			covers: !m.highlightsCover.IsZero() && !rec.IntentAt.Before(m.highlightsCover),
			since:  m.highlightsCover,
			check:  "the Daily Highlights of " + h.Date,
		})
	}
	m.add(a)
}
