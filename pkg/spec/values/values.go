package values

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// Date is a civil date with no time zone: a highlight's day, or the bounds
// of a focus schedule.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses a date written YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("%s is not a date in the form YYYY-MM-DD", limits.Quoted(s))
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In returns the first instant of d in loc. On the rare days that begin
// inside a DST gap this is the first instant that exists.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Clock is a time of day in minutes since midnight, as written HH:MM.
type Clock int

// ParseClock parses a time of day written HH:MM (24-hour clock).
func ParseClock(s string) (Clock, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%s is not a time of day in the form HH:MM", limits.Quoted(s))
	}
	return Clock(t.Hour()*60 + t.Minute()), nil
}

// String formats c as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Duration returns c as the time elapsed since midnight.
func (c Clock) Duration() time.Duration { return time.Duration(c) * time.Minute }

// maxDuration is the longest duration ParseDuration accepts.
const maxDuration = 100 * 365 * 24 * time.Hour

// ParseDuration parses durations as people write them: "15m", "1h30m",
// "14d", "2w", "1.5h", "90 minutes", "1 hour 15 mins": a sequence of numbers
// each followed by a unit, s, m, h, d (24 hours) or w (7 days), or their
// words (sec, min, hr, hours, days, weeks...), with spaces or not. A
// fraction is read exactly, and refused where it would come to less than a
// whole second, rather than rounded. (One scanner over the text, kept in
// one function though a little over a screen: each error names what it
// found at its place.)
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty duration")
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("%s is not a duration: expected a number, like \"15m\", \"1.5h\" or \"90 minutes\"", limits.Quoted(orig))
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n > 1<<31 {
			return 0, fmt.Errorf("%s is not a duration: number too large", limits.Quoted(orig))
		}
		s = s[i:]
		// A fraction, as people write "1.5h": its digits, kept exact.
		frac, fracDigits := int64(0), 0
		if strings.HasPrefix(s, ".") {
			j := 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j == 1 {
				return 0, fmt.Errorf("%s is not a duration: expected digits after the decimal point, like \"1.5h\"", limits.Quoted(orig))
			}
			digits := s[1:j]
			if len(digits) > 9 {
				return 0, fmt.Errorf("%s is not a duration: finer than a second", limits.Quoted(orig))
			}
			frac, _ = strconv.ParseInt(digits, 10, 64)
			fracDigits = len(digits)
			s = s[j:]
		}
		s = strings.TrimLeft(s, " ")
		j := 0
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
			j++
		}
		if j == 0 {
			if s == "" {
				return 0, fmt.Errorf("%s is not a duration: missing unit (s, m, h, d or w) after %d", limits.Quoted(orig), n)
			}
			return 0, fmt.Errorf("%s is not a duration: unknown unit %q (use s, m, h, d or w)", limits.Quoted(orig), s[:1])
		}
		unit, ok := durationUnits[strings.ToLower(s[:j])]
		if !ok {
			return 0, fmt.Errorf("%s is not a duration: unknown unit %q; write it as \"15m\", \"1h30m\", \"1.5h\" or \"90 minutes\"", limits.Quoted(orig), s[:j])
		}
		s = strings.TrimLeft(s[j:], " ")
		// Checked before multiplying: n*unit can wrap around int64 into a
		// small or negative duration that would pass a later check.
		if n > int64(maxDuration/unit) {
			return 0, fmt.Errorf("%s is not a duration: longer than a century", limits.Quoted(orig))
		}
		part := time.Duration(n) * unit
		if fracDigits > 0 {
			scale := time.Duration(1)
			for range fracDigits {
				scale *= 10
			}
			// unit is at most a week (6.048e14 ns) and frac < 1e9: the
			// product fits in int64 only after the unit is in seconds.
			secs := int64(unit / time.Second)
			num := frac * secs
			if num%int64(scale) != 0 {
				return 0, fmt.Errorf("%s is not a duration: finer than a second", limits.Quoted(orig))
			}
			part += time.Duration(num/int64(scale)) * time.Second
		}
		total += part
		if total > maxDuration {
			return 0, fmt.Errorf("%s is not a duration: longer than a century", limits.Quoted(orig))
		}
	}
	return total, nil
}

// durationUnits are the units ParseDuration reads, as people write them.
var durationUnits = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

// DurationUnits are the units ParseDuration reads (a copy), for the
// language reference.
func DurationUnits() map[string]time.Duration { return maps.Clone(durationUnits) }

// FormatDuration writes d the way ParseDuration reads it, largest units
// first ("1h30m", "14d"), so messages echo the user's own notation.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0m"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.unit
		}
	}
	return b.String()
}

// errTimeGap and errTimeAmbiguous distinguish the two ways a local time can
// fail to name exactly one instant.
var (
	errTimeGap       = errors.New("does not exist")
	errTimeAmbiguous = errors.New("is ambiguous")
)

// ParseTime parses an offline-time boundary: "YYYY-MM-DD HH:MM[:SS]" or
// "YYYY-MM-DDTHH:MM[:SS]" (the way the API itself writes local times) local
// to loc, or RFC 3339 with an explicit offset. A local time that falls in a
// DST gap, or in an overlap where it names two instants, is an error saying
// which, rather than a silent guess.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	var wall time.Time
	var err error
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if wall, err = time.Parse(layout, s); err == nil {
			break
		}
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%s is not a time: write \"YYYY-MM-DD HH:MM\" or \"YYYY-MM-DDTHH:MM:SS\" (local to rtctl.timezone), or RFC 3339 with an offset, like \"2026-11-20T09:00:00+01:00\"", limits.Quoted(s))
	}
	t, err := resolveLocal(wall, loc)
	if err != nil {
		switch {
		case errors.Is(err, errTimeGap):
			return time.Time{}, fmt.Errorf("%s does not exist in %s: the clocks skip it when daylight saving time starts (a DST gap)", limits.Quoted(s), loc)
		default:
			return time.Time{}, fmt.Errorf("%s is ambiguous in %s: it happens twice when daylight saving time ends (a DST overlap); write it in RFC 3339 with an offset to choose one", limits.Quoted(s), loc)
		}
	}
	return t, nil
}

// resolveLocal finds the single instant whose wall clock in loc reads like
// wall (whose fields are taken as they are, its location ignored). It looks
// at the offsets in force half a day either side, which covers every real
// transition.
func resolveLocal(wall time.Time, loc *time.Location) (time.Time, error) {
	naive := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC)
	var found []time.Time
	for _, probe := range []time.Time{naive.Add(-12 * time.Hour), naive.Add(12 * time.Hour)} {
		_, off := probe.In(loc).Zone()
		cand := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if sameWall(cand, naive) && (len(found) == 0 || !found[0].Equal(cand)) {
			found = append(found, cand)
		}
	}
	switch len(found) {
	case 0:
		return time.Time{}, errTimeGap
	case 1:
		return found[0], nil
	default:
		return time.Time{}, errTimeAmbiguous
	}
}

func sameWall(t, naive time.Time) bool {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ny, nmo, nd := naive.Date()
	nh, nmi, ns := naive.Clock()
	return y == ny && mo == nmo && d == nd && h == nh && mi == nmi && s == ns
}

// weekdayNames maps every accepted spelling, lower case, to its weekday.
var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

// ParseWeekday accepts a weekday's English name or its three-letter
// abbreviation, in any case.
func ParseWeekday(s string) (time.Weekday, error) {
	if d, ok := weekdayNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return d, nil
	}
	return 0, fmt.Errorf("%s is not a weekday: use mon, tue, wed, thu, fri, sat or sun", limits.Quoted(s))
}

// ShortWeekday is the three-letter lower-case name ParseWeekday accepts.
func ShortWeekday(d time.Weekday) string {
	return strings.ToLower(d.String()[:3])
}
