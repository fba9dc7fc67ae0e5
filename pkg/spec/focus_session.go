package spec

import (
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec/values"
)

// FocusSession is a recurring FocusTime schedule: on each of Days, a session
// from Start for Duration, or until the end of the day.
type FocusSession struct {
	Address       string
	Days          []time.Weekday // sorted, Sunday first, no repeats
	Start         values.Clock
	Duration      time.Duration // zero when UntilEndOfDay
	UntilEndOfDay bool
	From, To      *values.Date // optional bounds, inclusive
	Range         hcl.Range
}

var focusSessionSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "days", Required: true},
		{Name: "start", Required: true},
		{Name: "duration"},
		{Name: "until_end_of_day"},
		{Name: "from"},
		{Name: "to"},
	},
}

func (l *loader) decodeFocusSession(rb *resourceBlock, inst instance) (FocusSession, bool) {
	item := FocusSession{Address: inst.Address, Range: rb.DeclRange}
	// Every part, whatever the others gave, so every error is reported.
	days := l.decodeFocusDays(rb, inst, &item)
	start := l.decodeFocusStart(rb, inst, &item)
	length := l.decodeFocusLength(rb, inst, &item)
	bounds := l.decodeFocusBounds(rb, inst, &item)
	return item, days && start && length && bounds
}

// decodeFocusDays decodes days into item.Days, sorted and without
// repeats.
func (l *loader) decodeFocusDays(rb *resourceBlock, inst instance, item *FocusSession) bool {
	diags := &l.diags
	ok := true
	fail := func(a *hcl.Attribute, summary, detail string) {
		*diags = append(*diags, attrError(a, summary, detail))
		ok = false
	}
	if a := rb.attr("days"); a != nil {
		if names, set := evalStringList(a, inst.ctx, diags); set {
			seen := map[time.Weekday]bool{}
			for _, n := range names {
				d, err := values.ParseWeekday(n)
				if err != nil {
					fail(a, "Unknown weekday", err.Error()+".")
					continue
				}
				if !seen[d] {
					seen[d] = true
					item.Days = append(item.Days, d)
				}
			}
			if len(names) == 0 {
				fail(a, "No days", "A focus_session needs at least one day, such as days = [\"mon\", \"wed\"].")
			}
			sort.Slice(item.Days, func(i, j int) bool { return item.Days[i] < item.Days[j] })
		} else {
			ok = false
		}
	} else {
		ok = false
	}
	return ok
}

// decodeFocusStart decodes start, a time of day.
func (l *loader) decodeFocusStart(rb *resourceBlock, inst instance, item *FocusSession) bool {
	diags := &l.diags
	ok := true
	fail := func(a *hcl.Attribute, summary, detail string) {
		*diags = append(*diags, attrError(a, summary, detail))
		ok = false
	}
	if a := rb.attr("start"); a != nil {
		if s, set := evalString(a, inst.ctx, diags); set {
			c, err := values.ParseClock(s)
			if err != nil {
				fail(a, "Invalid start time", err.Error()+".")
			}
			item.Start = c
		} else {
			ok = false
		}
	} else {
		ok = false
	}

	return ok
}

// decodeFocusLength decodes duration, or until_end_of_day: exactly one of
// them.
func (l *loader) decodeFocusLength(rb *resourceBlock, inst instance, item *FocusSession) bool {
	diags := &l.diags
	ok := true
	fail := func(a *hcl.Attribute, summary, detail string) {
		*diags = append(*diags, attrError(a, summary, detail))
		ok = false
	}
	dur, until := rb.Attrs["duration"], rb.Attrs["until_end_of_day"]
	untilKnown := until == nil
	if a := rb.attr("until_end_of_day"); a != nil {
		b, set := evalBool(a, inst.ctx, diags)
		item.UntilEndOfDay = set && b
		untilKnown = set
	}
	if !untilKnown {
		ok = false
	}
	switch {
	case dur != nil && item.UntilEndOfDay:
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting duration and until_end_of_day",
			Detail:   "A focus_session sets either a duration or until_end_of_day = true, not both.",
			Subject:  dur.NameRange.Ptr(),
		})
		ok = false
	case dur == nil && !item.UntilEndOfDay && untilKnown:
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing duration",
			Detail:   "A focus_session sets a duration, such as duration = \"90m\", or until_end_of_day = true.",
			Subject:  rb.DeclRange.Ptr(),
		})
		ok = false
	case dur != nil:
		if a := rb.attr("duration"); a != nil {
			if s, set := evalString(a, inst.ctx, diags); set {
				d, err := values.ParseDuration(s)
				switch {
				case err != nil:
					fail(a, "Invalid duration", err.Error()+".")
				case d <= 0:
					fail(a, "Invalid duration", "The duration must be positive.")
				case d%(5*time.Minute) != 0:
					fail(a, "Invalid focus duration", fmt.Sprintf("FocusTime sessions last a multiple of 5 minutes; %s is not. Try %s.", values.FormatDuration(d), values.FormatDuration(roundUp5(d))))
				case d > 24*time.Hour:
					fail(a, "Invalid focus duration", "A focus session lasts at most a day.")
				}
				item.Duration = d
			} else {
				ok = false
			}
		} else {
			ok = false
		}
	}
	return ok
}

// decodeFocusBounds decodes from and to, the dates the schedule holds
// between, inclusive.
func (l *loader) decodeFocusBounds(rb *resourceBlock, inst instance, item *FocusSession) bool {
	diags := &l.diags
	ok := true
	fail := func(a *hcl.Attribute, summary, detail string) {
		*diags = append(*diags, attrError(a, summary, detail))
		ok = false
	}
	for _, bound := range []struct {
		name string
		dst  **values.Date
	}{{"from", &item.From}, {"to", &item.To}} {
		if a := rb.attr(bound.name); a != nil {
			if s, set := evalString(a, inst.ctx, diags); set {
				d, err := values.ParseDate(s)
				if err != nil {
					fail(a, "Invalid date", err.Error()+".")
				} else {
					*bound.dst = &d
				}
			}
		} else if rb.bad[bound.name] {
			ok = false
		}
	}
	if item.From != nil && item.To != nil && item.To.Compare(*item.From) < 0 {
		fail(rb.Attrs["to"], "Invalid date range", fmt.Sprintf("The schedule ends (%s) before it begins (%s).", item.To, item.From))
	}
	return ok
}

func roundUp5(d time.Duration) time.Duration {
	const five = rtapi.FocusMinutesStep * time.Minute
	return (d + five - 1) / five * five
}
