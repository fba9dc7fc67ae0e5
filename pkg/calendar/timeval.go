package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// valueKind says how an iCalendar DATE or DATE-TIME value is anchored in time.
type valueKind uint8

const (
	kindDate     valueKind = iota + 1 // a calendar day (VALUE=DATE)
	kindFloating                      // wall-clock time with no zone: read in the account's zone
	kindUTC                           // ends in Z
	kindZoned                         // has a TZID
)

// dateTime is a parsed DATE or DATE-TIME value, kept unresolved because
// floating values need the account's zone, which only Expand knows.
type dateTime struct {
	kind                      valueKind
	year                      int
	month                     time.Month
	day, hour, minute, second int
	loc                       *time.Location // kindZoned only
}

// parseDateTime parses one DATE or DATE-TIME value. A value of eight digits is
// a DATE whatever the VALUE parameter says, because producers often omit it.
func parseDateTime(v string, loc *time.Location) (dateTime, error) {
	v = strings.TrimSpace(v)
	var dt dateTime
	switch {
	case len(v) == 8:
		dt.kind = kindDate
	case len(v) == 15 && v[8] == 'T':
		dt.kind = kindFloating
		if loc != nil {
			dt.kind, dt.loc = kindZoned, loc
		}
	case len(v) == 16 && v[8] == 'T' && (v[15] == 'Z' || v[15] == 'z'):
		dt.kind = kindUTC
	default:
		return dt, fmt.Errorf("%q is not an iCalendar date or date-time", clip(v))
	}
	num := func(s string) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	var ok [6]bool
	var month int
	dt.year, ok[0] = num(v[0:4])
	month, ok[1] = num(v[4:6])
	dt.day, ok[2] = num(v[6:8])
	ok[3], ok[4], ok[5] = true, true, true
	if dt.kind != kindDate {
		dt.hour, ok[3] = num(v[9:11])
		dt.minute, ok[4] = num(v[11:13])
		dt.second, ok[5] = num(v[13:15])
	}
	dt.month = time.Month(month)
	for _, good := range ok {
		if !good {
			return dt, fmt.Errorf("%q is not an iCalendar date or date-time", clip(v))
		}
	}
	// time.Date normalises out-of-range fields; a value that changes is invalid.
	n := time.Date(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, 0, time.UTC)
	if n.Year() != dt.year || n.Month() != dt.month || n.Day() != dt.day ||
		n.Hour() != dt.hour || n.Minute() != dt.minute || n.Second() != dt.second || dt.year < 1 {
		return dt, fmt.Errorf("%q is not a valid date or time", clip(v))
	}
	return dt, nil
}

// civil returns a DATE as midnight UTC: calendar days are compared and iterated
// in that form so that no zone's DST shift can move them.
func (d dateTime) civil() time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC)
}

// resolve returns the instant a DATE-TIME stands for; floating values and
// DATEs are read in floating.
func (d dateTime) resolve(floating *time.Location) time.Time {
	loc := floating
	switch d.kind {
	case kindUTC:
		loc = time.UTC
	case kindZoned:
		loc = d.loc
	}
	return time.Date(d.year, d.month, d.day, d.hour, d.minute, d.second, 0, loc)
}

// nominalDuration is an RFC 5545 duration: days and weeks are nominal (they
// follow the wall clock across DST), hours and smaller are exact.
type nominalDuration struct {
	days  int
	exact time.Duration
}

func (n nominalDuration) addTo(t time.Time) time.Time {
	return t.AddDate(0, 0, n.days).Add(n.exact)
}

// maxExactDuration bounds the hours, minutes and seconds of a duration, far
// beyond any event and far below time.Duration's range of 292 years.
const maxExactDuration = 100 * 366 * 24 * time.Hour

// parseDuration parses an RFC 5545 dur-value such as P1W, PT1H30M or -P1DT2H.
func parseDuration(v string) (nominalDuration, error) {
	var d nominalDuration
	s := strings.ToUpper(strings.TrimSpace(v))
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	bad := fmt.Errorf("%q is not an iCalendar duration", clip(v))
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return d, bad
	}
	s = s[1:]
	inTime, seen := false, false
	for s != "" {
		if s[0] == 'T' {
			if inTime {
				return d, bad
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 9 {
			return d, bad
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return d, bad
		}
		unit := s[i]
		s = s[i+1:]
		seen = true
		var exact time.Duration
		switch {
		case unit == 'W' && !inTime:
			d.days += 7 * n
		case unit == 'D' && !inTime:
			d.days += n
		case unit == 'H' && inTime:
			exact = time.Hour
		case unit == 'M' && inTime:
			exact = time.Minute
		case unit == 'S' && inTime:
			exact = time.Second
		default:
			return d, bad
		}
		if exact != 0 {
			// Checked before multiplying: n*unit could wrap around
			// int64 into a small or negative duration.
			if int64(n) > int64(maxExactDuration/exact) {
				return d, bad
			}
			d.exact += time.Duration(n) * exact
			if d.exact > maxExactDuration {
				return d, bad
			}
		}
	}
	if !seen {
		return d, bad
	}
	if neg {
		d.days, d.exact = -d.days, -d.exact
	}
	return d, nil
}

// zoneResolver turns TZID parameters into locations, once per name.
type zoneResolver struct {
	cache      map[string]*time.Location
	vtimezones map[string]string // TZID -> X-LIC-LOCATION of its VTIMEZONE, if any
	windows    map[string]string // Windows ID or display name -> IANA
}

func newZoneResolver(vtimezones map[string]string) *zoneResolver {
	w := make(map[string]string, 2*len(windowsZones))
	for _, z := range windowsZones {
		w[strings.ToLower(z.windows)] = z.iana
		w[strings.ToLower(z.display)] = z.iana
	}
	return &zoneResolver{cache: map[string]*time.Location{}, vtimezones: vtimezones, windows: w}
}

var errUnknownZone = errors.New("unknown time zone")

// loadIANA wraps time.LoadLocation, refusing the names whose meaning depends on
// the machine ("Local") or that are not names at all.
func loadIANA(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	return loc, true
}

func (r *zoneResolver) resolve(tzid string) (*time.Location, error) {
	name := strings.TrimSpace(tzid)
	if loc, ok := r.cache[name]; ok {
		return loc, nil
	}
	loc, ok := r.lookup(name)
	if !ok {
		return nil, fmt.Errorf("%w %q (not an IANA name, a Windows zone name, or a VTIMEZONE with X-LIC-LOCATION)", errUnknownZone, clip(tzid))
	}
	r.cache[name] = loc
	return loc, nil
}

func (r *zoneResolver) lookup(name string) (*time.Location, bool) {
	if loc, ok := loadIANA(name); ok {
		return loc, true
	}
	if iana, ok := r.windows[strings.ToLower(name)]; ok {
		return loadIANA(iana)
	}
	if lic, ok := r.vtimezones[name]; ok && lic != "" {
		if loc, ok := loadIANA(strings.TrimSpace(lic)); ok {
			return loc, true
		}
	}
	// Some producers (Lightning, libical) prefix the IANA name with a path:
	// /mozilla.org/20070129_1/Europe/Berlin, /freeassociation.sourceforge.net/Tzfile/Europe/Berlin.
	if strings.HasPrefix(name, "/") {
		parts := strings.Split(strings.Trim(name, "/"), "/")
		for i := 1; i < len(parts); i++ {
			if loc, ok := loadIANA(strings.Join(parts[i:], "/")); ok {
				return loc, true
			}
		}
	}
	return nil, false
}
