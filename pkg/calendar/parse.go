package calendar

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"
)

// MaxParseBytes is the most Parse reads. Real calendars of many years stay
// far below it; anything larger is refused rather than exhausting memory.
const MaxParseBytes = 64 << 20

// Calendar is a parsed iCalendar file (or several VCALENDAR objects in one
// stream), ready to be expanded. It is immutable and safe for concurrent use.
type Calendar struct {
	series []*series // in the order their UID first appears
	// broken are the events ParseTolerant could not read, in file order.
	broken []*brokenEvent
}

// series gathers the components sharing one UID: the recurring (or single)
// master and the RECURRENCE-ID overrides of its instances.
type series struct {
	uid       string
	master    *event // nil when the file holds only overrides
	overrides []*event
}

// event is one VEVENT with its values checked but not yet placed in a zone.
type event struct {
	line         int // of BEGIN:VEVENT
	uid          string
	start        dateTime
	hasStart     bool
	end          dateTime
	hasEnd       bool
	duration     nominalDuration
	hasDuration  bool
	rule         *recurrenceRule
	rdates       []rdate
	exdates      []dateTime
	recurrenceID *dateTime
	sequence     int
	dtstamp      string
	summary      string
	description  string
	location     string
	categories   []string
	status       string
	transparency string
	organizer    string
	attendees    []Attendee
}

// rdate is one RDATE value; a PERIOD value also fixes that instance's end.
type rdate struct {
	at     dateTime
	end    *dateTime
	length *nominalDuration
}

// recurrenceRule is an RRULE checked by rrule-go. UNTIL is kept apart because
// its meaning depends on the kind of DTSTART (and, if floating, on the zone).
type recurrenceRule struct {
	opt   rrule.ROption
	until *dateTime
}

// Parse reads an iCalendar stream of at most MaxParseBytes. It checks every
// value Expand will need (dates, durations, recurrence rules, time zones), so
// that a broken file is reported here, with the line it breaks on: every
// event that cannot be read is an error (joined, one per event).
// Components other than VEVENT and VTIMEZONE are ignored.
func Parse(r io.Reader) (*Calendar, error) {
	cal, err := ParseTolerant(r)
	if err != nil {
		return nil, err
	}
	if len(cal.broken) > 0 {
		errs := make([]error, len(cal.broken))
		for i, b := range cal.broken {
			errs[i] = b.err
		}
		if len(errs) == 1 {
			return nil, errs[0]
		}
		return nil, errors.Join(errs...)
	}
	return cal, nil
}

// ParseTolerant is Parse for calendars as they are found in the wild, where
// one odd event (an EXRULE, a RANGE=THISANDFUTURE override, a zone only its
// VTIMEZONE rules describe) should not make the whole calendar unusable.
// Only a stream that is not iCalendar at all (unbalanced BEGIN/END, no
// VCALENDAR, a line that is not a content line) is an error here. An event
// that cannot be read is kept aside with its error and the span of time its
// occurrences could reach; ExpandDetailed reports it as an error when that
// span may reach the window, and as a Warning when it cannot.
func ParseTolerant(r io.Reader) (*Calendar, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxParseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading calendar: %w", err)
	}
	if len(data) > MaxParseBytes {
		return nil, fmt.Errorf("calendar is larger than %d bytes", MaxParseBytes)
	}
	roots, err := parseComponents(data)
	if err != nil {
		return nil, err
	}
	var events []*component
	vtz := map[string]string{}
	for _, cal := range roots {
		for _, c := range cal.children {
			switch c.name {
			case "VEVENT":
				events = append(events, c)
			case "VTIMEZONE":
				if id := c.first("TZID"); id != nil {
					lic := c.first("X-LIC-LOCATION")
					if lic != nil {
						vtz[strings.TrimSpace(id.value)] = lic.value
					} else if _, ok := vtz[strings.TrimSpace(id.value)]; !ok {
						vtz[strings.TrimSpace(id.value)] = ""
					}
				}
			}
		}
	}
	zones := newZoneResolver(vtz)
	cal := &Calendar{}
	byUID := map[string]*series{}
	var failed []*component
	for _, c := range events {
		ev, err := decodeEvent(c, zones)
		if err != nil {
			failed = append(failed, c)
			cal.broken = append(cal.broken, &brokenEvent{line: c.line, uid: strings.TrimSpace(c.firstValue("UID")), err: err,
				override: c.first("RECURRENCE-ID") != nil})
			continue
		}
		s := byUID[ev.uid]
		if s == nil {
			s = &series{uid: ev.uid}
			byUID[ev.uid] = s
			cal.series = append(cal.series, s)
		}
		if ev.recurrenceID != nil {
			s.overrides = append(s.overrides, ev)
		} else if s.master == nil || newer(ev, s.master) {
			s.master = ev
		}
	}
	for i, c := range failed {
		cal.broken[i].reach = reachOf(c, events)
	}
	return cal, nil
}

// newer reports whether a supersedes b when both claim the same identity:
// the higher SEQUENCE wins, then the later DTSTAMP, then the later in the file.
func newer(a, b *event) bool {
	if a.sequence != b.sequence {
		return a.sequence > b.sequence
	}
	if a.dtstamp != b.dtstamp {
		return a.dtstamp > b.dtstamp
	}
	return a.line > b.line
}

// component is a BEGIN/END block with its properties.
type component struct {
	name     string
	line     int
	props    []property
	children []*component
}

type property struct {
	name   string
	params map[string][]string
	value  string
	line   int
}

func (c *component) first(name string) *property {
	for i := range c.props {
		if c.props[i].name == name {
			return &c.props[i]
		}
	}
	return nil
}

func (p *property) param(name string) string {
	if v := p.params[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// lineError is a parse error tied to a line of the input (1-based, the first
// physical line of a folded content line).
type lineError struct {
	line int
	err  error
}

// Error clips the message: besides rtctl's own, which clip what they
// quote, it may be a library's quoting a whole line of the input.
func (e *lineError) Error() string {
	return fmt.Sprintf("calendar line %d: %s", e.line, clipMessage(e.err.Error()))
}
func (e *lineError) Unwrap() error { return e.err }

func errAt(line int, format string, args ...any) error {
	return &lineError{line: line, err: fmt.Errorf(format, args...)}
}

// parseComponents unfolds the content lines (tracking their physical line
// numbers, which golang-ical's stream reader does not report), parses each
// with golang-ical's property grammar, and nests BEGIN/END blocks.
func parseComponents(data []byte) ([]*component, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var roots []*component
	var stack []*component
	var logical []byte
	logicalLine := 0
	flush := func() error {
		if len(logical) == 0 {
			return nil
		}
		content := string(logical)
		logical = logical[:0]
		if strings.TrimSpace(content) == "" {
			return nil
		}
		bp, err := ics.ParseProperty(ics.ContentLine(content))
		if err != nil {
			return errAt(logicalLine, "%w", err)
		}
		if bp == nil {
			return errAt(logicalLine, "not a content line (NAME[;PARAM=VALUE]:VALUE expected)")
		}
		name := strings.ToUpper(bp.IANAToken)
		switch name {
		case "BEGIN":
			c := &component{name: strings.ToUpper(strings.TrimSpace(bp.Value)), line: logicalLine}
			if len(stack) == 0 {
				if c.name != "VCALENDAR" {
					return errAt(logicalLine, "BEGIN:%s outside BEGIN:VCALENDAR", clip(c.name))
				}
				roots = append(roots, c)
			} else {
				top := stack[len(stack)-1]
				top.children = append(top.children, c)
			}
			stack = append(stack, c)
		case "END":
			end := strings.ToUpper(strings.TrimSpace(bp.Value))
			if len(stack) == 0 {
				return errAt(logicalLine, "END:%s without a matching BEGIN", clip(end))
			}
			if top := stack[len(stack)-1]; top.name != end {
				return errAt(logicalLine, "END:%s closes BEGIN:%s of line %d", clip(end), clip(top.name), top.line)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return errAt(logicalLine, "property %s outside BEGIN:VCALENDAR", clip(name))
			}
			params := make(map[string][]string, len(bp.ICalParameters))
			for k, v := range bp.ICalParameters {
				params[strings.ToUpper(k)] = v
			}
			top := stack[len(stack)-1]
			top.props = append(top.props, property{name: name, params: params, value: bp.Value, line: logicalLine})
		}
		return nil
	}
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var ln []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			ln, data = data[:i], data[i+1:]
		} else {
			ln, data = data, nil
		}
		ln = bytes.TrimSuffix(ln, []byte("\r"))
		if len(ln) > 0 && (ln[0] == ' ' || ln[0] == '\t') && len(logical) > 0 {
			logical = append(logical, ln[1:]...)
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		logical = append(logical, ln...)
		logicalLine = lineNo
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return nil, errAt(top.line, "BEGIN:%s is never closed", clip(top.name))
	}
	if len(roots) == 0 {
		return nil, errors.New("no BEGIN:VCALENDAR found: not an iCalendar file")
	}
	return roots, nil
}

// timeValue parses a DATE or DATE-TIME property value with its TZID.
func timeValue(p *property, value string, zones *zoneResolver) (dateTime, error) {
	var loc *time.Location
	if tzid := p.param("TZID"); tzid != "" && !strings.HasSuffix(strings.TrimSpace(value), "Z") {
		l, err := zones.resolve(tzid)
		if err != nil {
			return dateTime{}, errAt(p.line, "%s: %w", clip(p.name), err)
		}
		loc = l
	}
	dt, err := parseDateTime(value, loc)
	if err != nil {
		return dt, errAt(p.line, "%s: %w", clip(p.name), err)
	}
	return dt, nil
}

func decodeEvent(c *component, zones *zoneResolver) (*event, error) {
	ev := &event{line: c.line}
	hasUID := false
	for i := range c.props {
		p := &c.props[i]
		var err error
		switch p.name {
		case "UID":
			ev.uid, hasUID = strings.TrimSpace(p.value), true
		case "DTSTART":
			ev.start, err = timeValue(p, p.value, zones)
			ev.hasStart = true
		case "DTEND":
			ev.end, err = timeValue(p, p.value, zones)
			ev.hasEnd = true
		case "DURATION":
			ev.duration, err = parseDuration(p.value)
			if err != nil {
				err = errAt(p.line, "DURATION: %w", err)
			}
			ev.hasDuration = true
		case "RECURRENCE-ID":
			var rid dateTime
			rid, err = timeValue(p, p.value, zones)
			ev.recurrenceID = &rid
			if strings.EqualFold(p.param("RANGE"), "THISANDFUTURE") {
				err = errAt(p.line, "RECURRENCE-ID;RANGE=THISANDFUTURE is not supported")
			}
		case "RRULE":
			if ev.rule != nil {
				err = errAt(p.line, "more than one RRULE in one event is not supported")
				break
			}
			ev.rule, err = parseRule(p, zones)
		case "EXRULE":
			err = errAt(p.line, "EXRULE is not supported (it was removed from iCalendar by RFC 5545)")
		case "RDATE":
			err = ev.addRdates(p, zones)
		case "EXDATE":
			for _, v := range splitList(p.value) {
				var dt dateTime
				if dt, err = timeValue(p, v, zones); err != nil {
					break
				}
				ev.exdates = append(ev.exdates, dt)
			}
		case "SEQUENCE":
			ev.sequence, err = strconv.Atoi(strings.TrimSpace(p.value))
			if err != nil {
				err = errAt(p.line, "SEQUENCE: %q is not an integer", clip(p.value))
			}
		case "DTSTAMP", "LAST-MODIFIED":
			// Only compared between duplicates; UTC values sort as strings.
			if v := strings.TrimSpace(p.value); v > ev.dtstamp {
				ev.dtstamp = v
			}
		case "SUMMARY":
			ev.summary = p.value
		case "DESCRIPTION":
			ev.description = p.value
		case "LOCATION":
			ev.location = p.value
		case "CATEGORIES":
			for _, cat := range strings.Split(p.value, ",") {
				if cat = strings.TrimSpace(cat); cat != "" {
					ev.categories = append(ev.categories, cat)
				}
			}
		case "STATUS":
			ev.status = strings.ToUpper(strings.TrimSpace(p.value))
		case "TRANSP":
			ev.transparency = strings.ToUpper(strings.TrimSpace(p.value))
		case "ORGANIZER":
			ev.organizer = calAddress(p.value)
		case "ATTENDEE":
			status := strings.ToUpper(p.param("PARTSTAT"))
			if status == "" {
				status = string(ics.ParticipationStatusNeedsAction)
			}
			ev.attendees = append(ev.attendees, Attendee{Email: calAddress(p.value), Status: status})
		}
		if err != nil {
			return nil, err
		}
	}
	if ev.transparency == "" {
		ev.transparency = "OPAQUE"
	}
	if !hasUID || ev.uid == "" {
		// RFC 5545 requires a UID; for files without one, a key derived from
		// what the event is keeps the occurrence's identity stable across runs.
		sum := sha256.Sum256([]byte(c.firstValue("DTSTART") + "\x00" + ev.summary))
		ev.uid = "no-uid-" + hex.EncodeToString(sum[:8])
	}
	if !ev.hasStart {
		if ev.recurrenceID == nil {
			return nil, errAt(c.line, "VEVENT %q has no DTSTART", clip(ev.uid))
		}
		ev.start, ev.hasStart = *ev.recurrenceID, true
	}
	if ev.hasEnd && ev.hasDuration {
		return nil, errAt(c.line, "VEVENT %q has both DTEND and DURATION", clip(ev.uid))
	}
	if ev.hasEnd && (ev.end.kind == kindDate) != (ev.start.kind == kindDate) {
		return nil, errAt(c.line, "VEVENT %q: DTSTART and DTEND must both be dates or both be date-times", clip(ev.uid))
	}
	if ev.hasEnd && ev.start.kind == kindDate && ev.end.civil().Before(ev.start.civil()) {
		return nil, errAt(c.line, "VEVENT %q ends before it starts", clip(ev.uid))
	}
	if ev.hasDuration && (ev.duration.days < 0 || ev.duration.exact < 0) {
		return nil, errAt(c.line, "VEVENT %q has a negative DURATION", clip(ev.uid))
	}
	return ev, nil
}

func (c *component) firstValue(name string) string {
	if p := c.first(name); p != nil {
		return p.value
	}
	return ""
}

// calAddress strips the mailto: scheme from a CAL-ADDRESS.
func calAddress(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	return v
}

// splitList splits a comma-separated list of date values, as EXDATE and RDATE
// allow on one line.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (ev *event) addRdates(p *property, zones *zoneResolver) error {
	for _, v := range splitList(p.value) {
		startText, rest, isPeriod := strings.Cut(v, "/")
		at, err := timeValue(p, startText, zones)
		if err != nil {
			return err
		}
		rd := rdate{at: at}
		if isPeriod {
			if strings.HasPrefix(rest, "P") || strings.HasPrefix(rest, "+P") {
				d, err := parseDuration(rest)
				if err != nil || d.days < 0 || d.exact < 0 {
					return errAt(p.line, "RDATE: %q is not a valid period", clip(v))
				}
				rd.length = &d
			} else {
				end, err := timeValue(p, rest, zones)
				if err != nil {
					return err
				}
				if endsBefore(end, at) {
					return errAt(p.line, "RDATE: period %q ends before it starts", clip(v))
				}
				rd.end = &end
			}
		}
		ev.rdates = append(ev.rdates, rd)
	}
	return nil
}

// endsBefore reports whether end is before start when that can be told
// without the account's zone: both floating (read in the same zone), or both
// anchored (UTC, TZID or dates compared by day). A floating value against an
// anchored one is left to Expand.
func endsBefore(end, start dateTime) bool {
	if (end.kind == kindFloating) != (start.kind == kindFloating) {
		return false
	}
	return end.resolve(time.UTC).Before(start.resolve(time.UTC))
}

// parseRule checks an RRULE with rrule-go. Sub-daily rules that also filter
// by hour, minute or second are refused: rrule-go can loop forever on some of
// them, and no calendar application writes them.
func parseRule(p *property, zones *zoneResolver) (*recurrenceRule, error) {
	var parts []string
	rule := &recurrenceRule{}
	for _, part := range strings.Split(strings.TrimSpace(p.value), ";") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		if k == "UNTIL" {
			u, err := parseDateTime(v, nil)
			if err != nil {
				return nil, errAt(p.line, "RRULE UNTIL: %w", err)
			}
			rule.until = &u
			continue
		}
		parts = append(parts, k+"="+strings.ToUpper(strings.TrimSpace(v)))
	}
	opt, err := rrule.StrToROption(strings.Join(parts, ";"))
	if err != nil {
		return nil, errAt(p.line, "RRULE: %w", err)
	}
	if opt.Freq > rrule.DAILY && (len(opt.Byhour) > 0 || len(opt.Byminute) > 0 || len(opt.Bysecond) > 0) {
		return nil, errAt(p.line, "RRULE: %s with BYHOUR, BYMINUTE or BYSECOND is not supported", opt.Freq)
	}
	if opt.Count < 0 || opt.Interval < 0 {
		return nil, errAt(p.line, "RRULE: COUNT and INTERVAL must be positive")
	}
	check := *opt
	check.Dtstart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := rrule.NewRRule(check); err != nil {
		return nil, errAt(p.line, "RRULE: %w", err)
	}
	rule.opt = *opt
	return rule, nil
}
