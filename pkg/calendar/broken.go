package calendar

import (
	"fmt"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// brokenEvent is a VEVENT ParseTolerant could not read, kept so that Expand
// can decide whether the window needed it.
type brokenEvent struct {
	line  int
	uid   string
	err   error
	reach span
	// override is set for a RECURRENCE-ID component; one without may be
	// another version of a series that did parse (see ExpandDetailed).
	override bool
}

// span bounds the instants the occurrences of an event could touch. A bound
// that cannot be worked out stays open: the event may reach any time.
type span struct {
	from, to       time.Time
	hasFrom, hasTo bool
}

// misses reports whether nothing in s can overlap w.
func (s span) misses(w Window) bool {
	return (s.hasTo && s.to.Before(w.Start)) || (s.hasFrom && !s.from.Before(w.End))
}

// zoneSlack widens the span of a broken event, whose values are all read as
// UTC because its zone may be what is broken: zones range from UTC-12 to
// UTC+14, and a day's margin covers that and a DST change.
const zoneSlack = 26 * time.Hour

// maxReachCount is the largest COUNT whose rule reachOf expands to find
// its last instance; a larger one leaves the span open.
const maxReachCount = 10000

// Warning is an event ParseTolerant could not read and that cannot reach
// the window expanded: it was left out without changing the result, but the
// calendar's owner may want to know.
type Warning struct {
	Line int    // of its BEGIN:VEVENT
	UID  string // "" when it has none
	Err  error  // why it could not be read; names its line
}

func (w Warning) String() string {
	return fmt.Sprintf("%v (event %q, which cannot reach the window, so it was left out)", w.Err, clip(w.UID))
}

// UnreadableError is ExpandDetailed's error for the events ParseTolerant
// could not read that may reach the window: the calendar is invalid for
// that window, rather than too large or otherwise unexpandable.
type UnreadableError struct {
	Errs []error // one per event, in file order; each names its line
}

// maxListedErrors bounds the events an UnreadableError lists by name.
const maxListedErrors = 10

func (e *UnreadableError) Error() string {
	msgs := make([]string, 0, min(len(e.Errs), maxListedErrors+1))
	for i, err := range e.Errs {
		if i == maxListedErrors {
			msgs = append(msgs, fmt.Sprintf("…and %d more", len(e.Errs)-i))
			break
		}
		msgs = append(msgs, err.Error())
	}
	return strings.Join(msgs, "\n")
}

func (e *UnreadableError) Unwrap() []error { return e.Errs }

// reachOf works out, as far as the values that do parse allow, the span the
// occurrences of the broken event c could touch. all are the file's events,
// to find the series an override belongs to.
func reachOf(c *component, all []*component) span {
	var starts []time.Time
	p := c.first("DTSTART")
	var dtstart time.Time
	if p != nil {
		t, ok := looseTime(p.value)
		if !ok {
			return span{}
		}
		dtstart = t
		starts = append(starts, t)
	}
	var master *component
	thisAndFuture := false
	if rid := c.first("RECURRENCE-ID"); rid != nil {
		t, ok := looseTime(rid.value)
		if !ok {
			return span{}
		}
		// The instance it replaces is in the series until the override
		// is read, so it counts as well.
		starts = append(starts, t)
		if p == nil {
			dtstart, p = t, rid
		}
		thisAndFuture = strings.EqualFold(rid.param("RANGE"), "THISANDFUTURE")
		master = masterOf(c, all)
	}
	if p == nil {
		return span{}
	}
	bounded := true
	for i := range c.props {
		q := &c.props[i]
		switch q.name {
		case "RDATE":
			for _, v := range splitList(q.value) {
				at, rest, isPeriod := strings.Cut(v, "/")
				t, ok := looseTime(at)
				if !ok {
					return span{}
				}
				starts = append(starts, t)
				if isPeriod {
					if e, ok := looseTime(rest); ok {
						starts = append(starts, e)
					} else if d, err := parseDuration(rest); err != nil || d.days > maxReachDays {
						bounded = false
					} else {
						starts = append(starts, t.AddDate(0, 0, d.days).Add(d.exact))
					}
				}
			}
		case "RRULE":
			last, ok := lastInstance(q, dtstart)
			if !ok {
				bounded = false
				continue
			}
			starts = append(starts, last)
		}
	}
	s := span{from: starts[0], hasFrom: true}
	last := starts[0]
	for _, t := range starts[1:] {
		if t.Before(s.from) {
			s.from = t
		}
		if t.After(last) {
			last = t
		}
	}
	s.from = s.from.Add(-zoneSlack)
	length, ok := looseLength(c, dtstart)
	if master != nil {
		ml, mok := looseLength(master, time.Time{})
		ok = ok && mok
		length = max(length, ml)
	}
	if !bounded || !ok {
		return s
	}
	s.to, s.hasTo = last.Add(length+zoneSlack), true
	if thisAndFuture && master != nil {
		// It changes every later instance of its series, so it reaches
		// as far as the series does.
		ms := reachOf(master, nil)
		if !ms.hasTo {
			s.hasTo = false
		} else if ms.to.After(s.to) {
			s.to = ms.to
		}
	}
	return s
}

// maxReachDays bounds the durations reachOf adds, so that a wild DURATION
// leaves the span open instead of overflowing.
const maxReachDays = 100 * 366

// masterOf finds the series c overrides: the event with its UID and no
// RECURRENCE-ID.
func masterOf(c *component, all []*component) *component {
	uid := strings.TrimSpace(c.firstValue("UID"))
	for _, o := range all {
		if o != c && o.first("RECURRENCE-ID") == nil && strings.TrimSpace(o.firstValue("UID")) == uid {
			return o
		}
	}
	return nil
}

// looseTime reads a DATE or DATE-TIME ignoring its TZID (which may be what
// is broken), as UTC.
func looseTime(v string) (time.Time, bool) {
	dt, err := parseDateTime(v, nil)
	if err != nil {
		return time.Time{}, false
	}
	return dt.resolve(time.UTC), true
}

// looseLength is how long an instance of c lasts, as far as its DTEND or
// DURATION can be read; ok is false when neither gives an answer.
func looseLength(c *component, start time.Time) (time.Duration, bool) {
	if p := c.first("DTEND"); p != nil {
		end, ok := looseTime(p.value)
		if !ok {
			return 0, false
		}
		if start.IsZero() {
			s, ok := looseTime(c.firstValue("DTSTART"))
			if !ok {
				return 0, false
			}
			start = s
		}
		return max(end.Sub(start), 0), true
	}
	if p := c.first("DURATION"); p != nil {
		d, err := parseDuration(p.value)
		if err != nil || d.days > maxReachDays {
			return 0, false
		}
		return max(time.Duration(d.days)*24*time.Hour+d.exact, 0), true
	}
	if len(strings.TrimSpace(c.firstValue("DTSTART"))) == 8 {
		return 24 * time.Hour, true // an all-day event lasts a day
	}
	return 0, true
}

// lastInstance is the start of the last instance of an RRULE with UNTIL or
// COUNT; ok is false for an endless or unreadable rule.
func lastInstance(p *property, dtstart time.Time) (last time.Time, ok bool) {
	rule, err := parseRule(p, nil)
	if err != nil {
		return time.Time{}, false
	}
	if rule.until != nil {
		t := rule.until.resolve(time.UTC)
		if rule.until.kind == kindDate {
			t = t.Add(24 * time.Hour)
		}
		return t, true
	}
	if rule.opt.Count <= 0 || rule.opt.Count > maxReachCount {
		return time.Time{}, false
	}
	defer func() {
		// rrule-go runs on untrusted input here too.
		if r := recover(); r != nil {
			last, ok = time.Time{}, false
		}
	}()
	opt := rule.opt
	opt.Dtstart = dtstart
	// A rule whose BY parts rarely match would be searched to the year
	// 9999; a series that has not ended within reachSearchYears is endless
	// enough.
	opt.Until = dtstart.AddDate(reachSearchYears, 0, 0)
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return time.Time{}, false
	}
	all := r.All()
	if len(all) < opt.Count {
		return time.Time{}, false
	}
	return all[len(all)-1], true
}

// reachSearchYears bounds the search for a COUNT rule's last instance.
const reachSearchYears = 20
