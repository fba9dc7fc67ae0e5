package calendar

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// Defaults for the zero values of Options.
const (
	DefaultMaxOccurrencesPerSeries = 10000
	DefaultMaxOccurrences          = 100000
	DefaultMaxWindow               = 366 * 24 * time.Hour
)

// Window is the half-open interval [Start, End). An occurrence belongs to it
// when it overlaps it: it starts before End and ends after Start. An
// occurrence starting exactly at Start is always included, even one of zero
// length; one ending exactly at Start, or starting exactly at End, is not.
type Window struct {
	Start, End time.Time
}

// Options control Expand.
type Options struct {
	// Location is the account's zone, required: floating times are read in
	// it, all-day events are calendar days in it, and every Occurrence's
	// Start and End are expressed in it.
	Location *time.Location
	// MaxOccurrencesPerSeries bounds the instances one recurring event may
	// generate from its first instance up to the end of the window (daily and
	// weekly series skip ahead near the window first, so old series are
	// cheap). Exceeding it is an error naming the event, never a silent
	// truncation. Zero means DefaultMaxOccurrencesPerSeries.
	MaxOccurrencesPerSeries int
	// MaxOccurrences bounds the occurrences Expand returns in all, counted
	// as they are kept, so that a calendar of many series cannot exhaust
	// memory before any single series reaches its own limit. Exceeding it
	// is an error, never a silent truncation. Zero means
	// DefaultMaxOccurrences.
	MaxOccurrences int
	// MaxWindow bounds End-Start. Zero means DefaultMaxWindow.
	MaxWindow time.Duration
	// Filter says which occurrences to leave out.
	Filter Filter
}

// Filter leaves out the occurrences people rarely want as time blocks. Its
// zero value skips cancelled, transparent (free), all-day, declined and
// zero-length occurrences; each field turns one kind back on.
type Filter struct {
	IncludeCancelled   bool // STATUS:CANCELLED, on the event or on an overriding instance
	IncludeTransparent bool // TRANSP:TRANSPARENT ("show as free")
	IncludeAllDay      bool // DTSTART;VALUE=DATE
	IncludeDeclined    bool // AttendeeEmail is an ATTENDEE with PARTSTAT=DECLINED
	// IncludeZeroLength keeps occurrences that end when they start: timed
	// events with neither DTEND nor DURATION (reminders, deadlines), or
	// with DTEND not after DTSTART. They block no time.
	IncludeZeroLength bool
	// AttendeeEmail is whose declines are skipped (case-insensitive). Empty
	// means no occurrence counts as declined.
	AttendeeEmail string
}

// Occurrence is one concrete instance of an event.
type Occurrence struct {
	// Key identifies the occurrence stably across runs and edits: the UID
	// for a single event, and UID + "/" + the instance's original start
	// (RECURRENCE-ID) for an instance of a recurring event: 20261120T080000Z
	// (UTC) for timed events, 20261120 for all-day ones. Moving or editing an
	// instance keeps its key. Characters of the UID other than ASCII letters,
	// digits and "@._+-" are percent-encoded (%2F for "/"), so a key has no
	// quotes, spaces, backslashes or control characters and the "/" is
	// unambiguous.
	Key string
	UID string
	// Start and End are in Options.Location. Timed events keep their exact
	// elapsed length (DTEND-DTSTART, or DURATION); all-day events run from
	// midnight to midnight of calendar days, End exclusive.
	Start, End   time.Time
	Summary      string
	Description  string
	Location     string
	Categories   []string
	AllDay       bool
	Status       string // TENTATIVE, CONFIRMED, CANCELLED, or "" when not given
	Transparency string // OPAQUE (the default) or TRANSPARENT
	Organizer    string // e-mail address, mailto: removed
	// Categories and Attendees are shared by all occurrences of one event:
	// read them, do not modify them.
	Attendees []Attendee
	Sequence  int
	// RecurrenceID is the instance's original start (in Options.Location),
	// zero for an event that does not recur.
	RecurrenceID time.Time
}

// Attendee is one ATTENDEE of an event.
type Attendee struct {
	Email  string // mailto: removed
	Status string // PARTSTAT: NEEDS-ACTION (the default), ACCEPTED, DECLINED, TENTATIVE, DELEGATED
}

// Expand returns the occurrences of every event that overlap w, after
// RRULE, RDATE, EXDATE and RECURRENCE-ID overrides are applied and the
// filter has run, sorted by Start and then Key.
//
// Rules worth knowing: DTSTART is always an instance (RFC 5545); EXDATE
// removes an instance even if it also has an override; an override whose
// series is missing, or whose RECURRENCE-ID the rule does not produce, is
// still an occurrence; among components with the same UID and
// RECURRENCE-ID, the highest SEQUENCE wins (then the latest DTSTAMP).
func (c *Calendar) Expand(w Window, opts Options) ([]Occurrence, error) {
	x, err := c.ExpandDetailed(w, opts)
	return x.Occurrences, err
}

// Expansion is what ExpandDetailed returns.
type Expansion struct {
	Occurrences []Occurrence
	// Warnings are the events ParseTolerant could not read that cannot
	// reach the window (a series that ended before it, a single event
	// outside it), in file order. Those that may reach it are errors.
	Warnings []Warning
}

// ExpandDetailed is Expand, also reporting the events that were left out
// because they could not be read but cannot reach w. An unreadable event
// that may reach w is an error: leaving it out could drop a meeting, or
// show an instance its override or EXDATE would have removed.
func (c *Calendar) ExpandDetailed(w Window, opts Options) (Expansion, error) {
	var res Expansion
	if opts.Location == nil {
		return res, errors.New("expanding calendar: Options.Location is required")
	}
	if opts.MaxOccurrencesPerSeries < 0 || opts.MaxOccurrences < 0 || opts.MaxWindow < 0 {
		return res, errors.New("expanding calendar: limits must not be negative")
	}
	if opts.MaxOccurrencesPerSeries == 0 {
		opts.MaxOccurrencesPerSeries = DefaultMaxOccurrencesPerSeries
	}
	if opts.MaxOccurrences == 0 {
		opts.MaxOccurrences = DefaultMaxOccurrences
	}
	if opts.MaxWindow == 0 {
		opts.MaxWindow = DefaultMaxWindow
	}
	if !w.End.After(w.Start) {
		return res, fmt.Errorf("expanding calendar: window end %s is not after its start %s",
			w.End.Format(time.RFC3339), w.Start.Format(time.RFC3339))
	}
	if w.End.Sub(w.Start) > opts.MaxWindow {
		return res, fmt.Errorf("expanding calendar: window of %s is longer than the limit of %s", w.End.Sub(w.Start), opts.MaxWindow)
	}
	var errs []error
	// shadowing are unreadable versions of series that did parse: the
	// unreadable one may be the newer version, so the readable one may
	// only be used where it produces nothing.
	shadowing := map[string]*brokenEvent{}
	for _, b := range c.broken {
		if b.reach.misses(w) {
			res.Warnings = append(res.Warnings, Warning{Line: b.line, UID: b.uid, Err: b.err})
			if !b.override && shadowing[b.uid] == nil {
				shadowing[b.uid] = b
			}
		} else {
			errs = append(errs, b.err)
		}
	}
	if len(errs) > 0 {
		return Expansion{}, &UnreadableError{Errs: errs}
	}
	x := expander{w: w, opts: opts, loc: opts.Location, email: strings.TrimSpace(opts.Filter.AttendeeEmail)}
	for _, s := range c.series {
		before := x.n
		if err := x.series(s); err != nil {
			return Expansion{}, err
		}
		if b := shadowing[s.uid]; b != nil && s.master != nil && x.n > before {
			return Expansion{}, &UnreadableError{Errs: []error{fmt.Errorf("%w (another version of event %q, which has occurrences in the window)", b.err, clip(s.uid))}}
		}
	}
	// Sorting pointers moves 8 bytes per swap instead of a whole Occurrence.
	order := make([]*Occurrence, 0, x.n)
	for _, c := range x.chunks {
		for i := range c {
			order = append(order, &c[i])
		}
	}
	slices.SortFunc(order, func(a, b *Occurrence) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	res.Occurrences = make([]Occurrence, len(order))
	for i, o := range order {
		res.Occurrences[i] = *o
	}
	return res, nil
}

type expander struct {
	w     Window
	opts  Options
	loc   *time.Location
	email string
	// Occurrences are collected in fixed-size chunks and copied once into
	// a slice of the exact size: growing one slice by appending would
	// allocate several times the result for a large calendar.
	chunks [][]Occurrence
	n      int
}

const chunkSize = 1024

// emit keeps o if it passes the filter, within Options.MaxOccurrences.
func (x *expander) emit(o Occurrence) error {
	if !x.keep(&o) {
		return nil
	}
	if x.n >= x.opts.MaxOccurrences {
		return fmt.Errorf("the window holds more than %d occurrences, the limit; narrow the window or the calendar", x.opts.MaxOccurrences)
	}
	if len(x.chunks) == 0 || len(x.chunks[len(x.chunks)-1]) == chunkSize {
		x.chunks = append(x.chunks, make([]Occurrence, 0, chunkSize))
	}
	last := &x.chunks[len(x.chunks)-1]
	*last = append(*last, o)
	x.n++
	return nil
}

func (x *expander) keep(o *Occurrence) bool {
	f := x.opts.Filter
	if !f.IncludeCancelled && o.Status == "CANCELLED" {
		return false
	}
	if !f.IncludeTransparent && o.Transparency == "TRANSPARENT" {
		return false
	}
	if !f.IncludeAllDay && o.AllDay {
		return false
	}
	if !f.IncludeZeroLength && !o.End.After(o.Start) {
		return false
	}
	if !f.IncludeDeclined && f.AttendeeEmail != "" {
		for _, a := range o.Attendees {
			if a.Status == "DECLINED" && strings.EqualFold(a.Email, x.email) {
				return false
			}
		}
	}
	return true
}

// overlaps applies the Window rule documented on Window.
func (x *expander) overlaps(start, end time.Time) bool {
	if !start.Before(x.w.End) {
		return false
	}
	return end.After(x.w.Start) || start.Equal(x.w.Start)
}

// seriesCtx is what placing the values that name a series' instances
// (RECURRENCE-ID, EXDATE, RDATE, UNTIL) needs besides the values.
type seriesCtx struct {
	allDay bool
	// floating is where such values without a zone are read: DTSTART's
	// zone when it has a TZID, since they name instances of that series
	// (a floating UNTIL of a New York series means New York's wall
	// clock); the account's zone otherwise.
	floating *time.Location
	// start is a timed master's DTSTART, whose time of day a DATE
	// EXDATE or RECURRENCE-ID takes; zero without a timed master.
	start time.Time
}

func (x *expander) seriesCtx(s *series) seriesCtx {
	m := s.master
	sc := seriesCtx{floating: x.loc}
	switch {
	case m != nil:
		sc.allDay = m.start.kind == kindDate
		if m.start.kind == kindZoned {
			sc.floating = m.start.loc
		}
		if !sc.allDay {
			sc.start = m.start.resolve(sc.floating)
		}
	case len(s.overrides) > 0:
		sc.allDay = s.overrides[0].recurrenceID.kind == kindDate
	}
	return sc
}

// dayInstance is the instance of a timed series on the day dt: that day at
// the series' time of day, in its zone.
func (sc seriesCtx) dayInstance(dt dateTime) time.Time {
	h, mi, sec := sc.start.Clock()
	return time.Date(dt.year, dt.month, dt.day, h, mi, sec, 0, sc.start.Location())
}

// instanceStart places the original start of the instance dt names.
func (x *expander) instanceStart(sc seriesCtx, dt dateTime) time.Time {
	switch {
	case dt.kind == kindDate && !sc.allDay && !sc.start.IsZero():
		// A DATE on a timed series means that day's instance.
		return sc.dayInstance(dt)
	case dt.kind == kindDate:
		return x.dayStart(dt.civil())
	}
	return dt.resolve(sc.floating)
}

// instanceKey names an instance by its original start: the date for all-day
// series, the UTC time otherwise.
func (x *expander) instanceKey(sc seriesCtx, dt dateTime) string {
	if sc.allDay {
		if dt.kind != kindDate {
			// A date-time RECURRENCE-ID or EXDATE on an all-day series
			// means the day it falls on.
			t := dt.resolve(sc.floating).In(x.loc)
			return t.Format("20060102")
		}
		return dt.civil().Format("20060102")
	}
	if dt.kind == kindDate && sc.start.IsZero() {
		return dt.civil().Format("20060102")
	}
	return timeKey(false, x.instanceStart(sc, dt))
}

func timeKey(allDay bool, t time.Time) string {
	if allDay {
		return t.Format("20060102")
	}
	return t.UTC().Format("20060102T150405Z")
}

// endFor returns the end of an occurrence of ev starting at start. An override
// with neither DTEND nor DURATION takes the length of its series (fallback).
func (x *expander) endFor(ev *event, start time.Time, fallback *event) time.Time {
	allDay := ev.start.kind == kindDate
	switch {
	case ev.hasEnd && allDay:
		days := int(ev.end.civil().Sub(ev.start.civil()).Hours() / 24)
		return start.AddDate(0, 0, days)
	case ev.hasEnd:
		// Exact elapsed time, also when the instance crosses a DST change.
		// An end before the start is read as a zero-length event.
		return start.Add(max(ev.end.resolve(x.loc).Sub(ev.start.resolve(x.loc)), 0))
	case ev.hasDuration:
		return ev.duration.addTo(start)
	case fallback != nil && fallback != ev && (fallback.start.kind == kindDate) == allDay:
		return x.endFor(fallback, start, nil)
	case allDay:
		return start.AddDate(0, 0, 1)
	default:
		return start
	}
}

// dayStart turns a civil date into midnight in the account's zone.
func (x *expander) dayStart(civil time.Time) time.Time {
	return time.Date(civil.Year(), civil.Month(), civil.Day(), 0, 0, 0, 0, x.loc)
}

func (x *expander) occurrence(ev *event, key string, start, end time.Time, rid time.Time) Occurrence {
	o := Occurrence{
		Key: key, UID: ev.uid,
		Start: start.In(x.loc), End: end.In(x.loc),
		Summary: ev.summary, Description: ev.description, Location: ev.location,
		AllDay: ev.start.kind == kindDate,
		Status: ev.status, Transparency: ev.transparency, Organizer: ev.organizer,
		Sequence: ev.sequence,
	}
	if !rid.IsZero() {
		o.RecurrenceID = rid.In(x.loc)
	}
	// Shared by all occurrences of the event (documented on Occurrence);
	// capping the capacity keeps an append by the caller from leaking across.
	o.Categories = ev.categories[:len(ev.categories):len(ev.categories)]
	o.Attendees = ev.attendees[:len(ev.attendees):len(ev.attendees)]
	return o
}

// series expands one UID: the master's instances, replaced or removed by
// overrides and EXDATEs.
func (x *expander) series(s *series) (err error) {
	defer func() {
		// rrule-go runs on untrusted input; a fault in it must become an
		// error about this event, not a crash of rtctl.
		if r := recover(); r != nil {
			err = fmt.Errorf("calendar event %q: recurrence could not be expanded: %s", clip(s.uid), clipMessage(fmt.Sprint(r)))
		}
	}()
	m := s.master
	sc := x.seriesCtx(s)
	recurring := m != nil && (m.rule != nil || len(m.rdates) > 0)
	keyBase := safeKey(s.uid)

	// The winning override of each instance.
	overrides := map[string]*event{}
	for _, o := range s.overrides {
		k := x.instanceKey(sc, *o.recurrenceID)
		if cur := overrides[k]; cur == nil || newer(o, cur) {
			overrides[k] = o
		}
	}
	excluded := map[string]bool{}
	if m != nil {
		for _, ex := range m.exdates {
			excluded[x.instanceKey(sc, ex)] = true
		}
	}

	if m != nil {
		if !recurring {
			k := x.instanceKey(sc, m.start)
			if o := overrides[k]; o != nil && newer(o, m) {
				// Some producers write a RECURRENCE-ID for a single event's
				// only instance; treat it as the newer version.
				delete(overrides, k)
				m = o
			}
			start := x.startOf(m.start)
			end := x.endFor(m, start, nil)
			if x.overlaps(start, end) && !excluded[k] {
				if err := x.emit(x.occurrence(m, keyBase, start, end, time.Time{})); err != nil {
					return err
				}
			}
			delete(overrides, k)
		} else if err := x.instances(m, sc, keyBase, overrides, excluded); err != nil {
			return err
		}
	}

	// Overrides (also those whose series is missing), in a stable order.
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		o := overrides[k]
		if excluded[k] {
			continue
		}
		start := x.startOf(o.start)
		end := x.endFor(o, start, m)
		if x.overlaps(start, end) {
			if err := x.emit(x.occurrence(o, keyBase+"/"+k, start, end, x.instanceStart(sc, *o.recurrenceID))); err != nil {
				return err
			}
		}
	}
	return nil
}

// startOf places a DTSTART-like value in time: all-day values at midnight in
// the account's zone.
func (x *expander) startOf(dt dateTime) time.Time {
	if dt.kind == kindDate {
		return x.dayStart(dt.civil())
	}
	return dt.resolve(x.loc)
}

// instances generates the recurring master's instances up to the window's
// end with rrule-go, in the series' own zone so that a 09:00 meeting stays at
// 09:00 local across DST changes, and appends those that overlap the window
// and have no override.
func (x *expander) instances(m *event, sc seriesCtx, keyBase string, overrides map[string]*event, excluded map[string]bool) error {
	allDay := sc.allDay
	// rep places an instance in the zone the rule runs in; all-day series run
	// on civil dates held as midnight UTC.
	var dtstart time.Time
	if allDay {
		dtstart = m.start.civil()
	} else {
		dtstart = sc.start
	}
	toRep := func(dt dateTime) time.Time {
		if allDay {
			if dt.kind != kindDate {
				t := dt.resolve(sc.floating).In(x.loc)
				return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			}
			return dt.civil()
		}
		return x.instanceStart(sc, dt)
	}
	realStart := func(t time.Time) time.Time {
		if allDay {
			return x.dayStart(t)
		}
		return t
	}

	set := &rrule.Set{}
	periodEnds := map[string]time.Time{}
	set.RDate(dtstart)
	for _, rd := range m.rdates {
		t := toRep(rd.at)
		set.RDate(t)
		switch {
		case rd.end != nil:
			// Parse refuses a period ending before it starts; one that
			// does only once its floating start is placed is empty.
			periodEnds[timeKey(allDay, t)] = maxTime(realStart(toRep(*rd.end)), realStart(t))
		case rd.length != nil:
			periodEnds[timeKey(allDay, t)] = rd.length.addTo(realStart(t))
		}
	}
	if m.rule != nil {
		opt := m.rule.opt
		opt.Dtstart = dtstart
		if m.rule.until != nil {
			opt.Until = toRep(*m.rule.until)
			if !allDay && m.rule.until.kind == kindDate {
				// A DATE UNTIL on a timed series includes that whole day.
				opt.Until = time.Date(m.rule.until.year, m.rule.until.month, m.rule.until.day, 23, 59, 59, 0, dtstart.Location())
			}
		}
		x.skipAhead(&opt, m, allDay)
		r, err := rrule.NewRRule(opt)
		if err != nil {
			return fmt.Errorf("calendar line %d: event %q: RRULE: %w", m.line, clip(m.uid), clippedError{err})
		}
		set.RRule(r)
	}

	next := set.Iterator()
	limit := x.opts.MaxOccurrencesPerSeries
	for n := 0; ; n++ {
		t, ok := next()
		if !ok {
			break
		}
		start := realStart(t)
		if !start.Before(x.w.End) {
			break
		}
		if n >= limit {
			return fmt.Errorf("calendar line %d: event %q: its recurrence produces more than %d occurrences before the window ends; raise the limit or narrow the rule",
				m.line, clip(m.uid), limit)
		}
		k := timeKey(allDay, t)
		if excluded[k] || overrides[k] != nil {
			continue
		}
		end, ok := periodEnds[k]
		if !ok {
			end = x.endFor(m, start, nil)
		}
		if x.overlaps(start, end) {
			if err := x.emit(x.occurrence(m, keyBase+"/"+k, start, end, start)); err != nil {
				return err
			}
		}
	}
	return nil
}

// skipAhead moves a DAILY or WEEKLY rule without COUNT forward by whole
// periods to shortly before the window, so that a daily meeting started years
// ago neither costs years of iteration nor hits the occurrence limit. Whole
// multiples of INTERVAL days or weeks keep the rule's phase (and its WKST
// alignment); COUNT rules cannot skip, since skipped instances count.
func (x *expander) skipAhead(opt *rrule.ROption, m *event, allDay bool) {
	if opt.Count > 0 || (opt.Freq != rrule.DAILY && opt.Freq != rrule.WEEKLY) || len(opt.Bysetpos) > 0 {
		return
	}
	interval := max(opt.Interval, 1)
	period := interval
	if opt.Freq == rrule.WEEKLY {
		period *= 7
	}
	// Room for the longest instance that could still reach into the window.
	reach := x.endFor(m, x.startOf(m.start), nil).Sub(x.startOf(m.start))
	target := x.w.Start.Add(-reach).AddDate(0, 0, -(period + 2))
	ds := opt.Dtstart
	tz := target.In(ds.Location())
	days := int(time.Date(tz.Year(), tz.Month(), tz.Day(), 0, 0, 0, 0, time.UTC).Sub(
		time.Date(ds.Year(), ds.Month(), ds.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	if days < period {
		return
	}
	shift := days / period * period
	for ; shift > 0; shift -= period {
		moved := ds.AddDate(0, 0, shift)
		h1, m1, s1 := moved.Clock()
		h0, m0, s0 := ds.Clock()
		// A wall-clock time that falls into a DST gap on the new day would
		// change the rule's time of day; step back a period instead.
		if h1 == h0 && m1 == m0 && s1 == s0 {
			if len(opt.Byweekday) == 0 && opt.Freq == rrule.WEEKLY {
				opt.Byweekday = []rrule.Weekday{weekdayOf(ds)}
			}
			opt.Dtstart = moved
			return
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

func weekdayOf(t time.Time) rrule.Weekday {
	return [...]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[t.Weekday()]
}

// safeKey percent-encodes every byte of a UID outside [A-Za-z0-9@._+-].
func safeKey(uid string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(uid); i++ {
		c := uid[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '@' || c == '.' || c == '_' || c == '+' || c == '-' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
