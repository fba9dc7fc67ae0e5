package spec

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec/values"
)

// MaxOfflineSpan is the longest offline_time block spec accepts. The planner
// splits anything over rtapi.MaxOfflineDuration, but a block of more than a
// month is almost surely a wrong date or unit, and would be posted as
// hundreds of chunks.
const MaxOfflineSpan = 31 * 24 * time.Hour

// OfflineTime is one declared block of offline time.
type OfflineTime struct {
	Address  string // offline_time.NAME, with ["key"] or [index] when expanded
	Start    time.Time
	End      time.Time
	Activity string
	Details  string
	Range    hcl.Range // the block's header
	// Trimmed is set when on_overlap = "trim" shortened or dropped this
	// block because it overlapped another; nil otherwise.
	Trimmed *Trim
	// PostChanges is the resource's lifecycle on_change = "post": a
	// changed version of a block rtctl posted is posted, not held.
	PostChanges bool
}

// Duration is how long the block lasts.
func (o OfflineTime) Duration() time.Duration { return o.End.Sub(o.Start) }

// Trim records what on_overlap = "trim" did to a block and why.
type Trim struct {
	By            string    // address of the earlier-starting block it overlapped
	OriginalStart time.Time // as declared
	OriginalEnd   time.Time // as declared
	Dropped       bool      // the other block covered it entirely
}

var offlineTimeSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "start", Required: true},
		{Name: "end"},
		{Name: "duration"},
		{Name: "activity", Required: true},
		{Name: "details"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
}

func (l *loader) decodeOfflineTime(rb *resourceBlock, inst instance) (OfflineTime, bool) {
	item := OfflineTime{Address: inst.Address, Range: rb.DeclRange, PostChanges: rb.PostChanges}
	ok := true
	diags := &l.diags
	end, dur := rb.Attrs["end"], rb.Attrs["duration"]
	switch {
	case end != nil && dur != nil:
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting end and duration",
			Detail:   "An offline_time block sets exactly one of end and duration; this one sets both.",
			Subject:  dur.NameRange.Ptr(),
			Context:  hcl.RangeBetween(end.Range, dur.Range).Ptr(),
		})
		return item, false
	case end == nil && dur == nil:
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing end or duration",
			Detail:   "An offline_time block sets exactly one of end and duration, such as duration = \"30m\".",
			Subject:  rb.DeclRange.Ptr(),
		})
		return item, false
	}
	if a := rb.attr("start"); a != nil {
		if s, set := evalString(a, inst.ctx, diags); set {
			t, err := values.ParseTime(s, l.cfg.Timezone)
			if err != nil {
				*diags = append(*diags, attrError(a, "Invalid start time", err.Error()+"."))
				ok = false
			}
			item.Start = t
		} else {
			ok = false
		}
	} else {
		ok = false
	}
	ok = l.decodeOfflineEnd(rb, inst, &item, ok)
	if a := rb.attr("activity"); a != nil {
		s, set := evalString(a, inst.ctx, diags)
		ok = set && l.checkText(a, s, true, diags) && ok
		item.Activity = s
	} else {
		ok = false
	}
	if a := rb.attr("details"); a != nil {
		s, _ := evalString(a, inst.ctx, diags)
		ok = l.checkText(a, s, false, diags) && ok
		item.Details = s
	} else if rb.bad["details"] {
		ok = false
	}
	return item, ok
}

func offlineTooLong(a *hcl.Attribute, address string, d time.Duration) *hcl.Diagnostic {
	return attrError(a, "Offline time longer than 31 days",
		fmt.Sprintf("%s lasts %s. Blocks over 4 hours are split into consecutive 4-hour blocks, but one longer than 31 days is likely a mistake (a wrong date or unit?), so it is refused. Declare long absences as several blocks.", address, values.FormatDuration(d)))
}

// offlineWarnings reports blocks the API will not take as they are.
// offlineWarnings says what the configuration cannot know will fail. A block
// over the API's four hours is not one of them: the plan shows its chunks
// and posts them, and a warning on every run would only be noise.
func (l *loader) offlineWarnings(item OfflineTime) {
	d := item.Duration()
	trimmed := ""
	if item.Trimmed != nil {
		trimmed = fmt.Sprintf(" once trimmed (it overlapped %s)", item.Trimmed.By)
	}
	switch {
	case d < rtapi.MinOfflineDuration:
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Offline time shorter than 5 minutes",
			Detail:   fmt.Sprintf("%s lasts %s%s. RescueTime appears to refuse offline time shorter than 5 minutes, so applying it will likely fail.", item.Address, values.FormatDuration(d), trimmed),
			Subject:  item.Range.Ptr(),
		})
	}
}

// formatTime writes t as RFC 3339, which a configuration accepts as it is:
// with no space in it, a wrapped message never parts a time from its offset.
func formatTime(t time.Time) string { return t.Format(time.RFC3339) }

// decodeOfflineEnd decodes end or duration into item.End; ok says whether
// everything before it (the start) decoded, and is what it returns, false
// when the end fails too. The end is compared with the start only when the
// start is good.
func (l *loader) decodeOfflineEnd(rb *resourceBlock, inst instance, item *OfflineTime, ok bool) bool {
	diags := &l.diags
	if a := rb.attr("end"); a != nil {
		if s, set := evalString(a, inst.ctx, diags); set {
			t, err := values.ParseTime(s, l.cfg.Timezone)
			switch {
			case err != nil:
				*diags = append(*diags, attrError(a, "Invalid end time", err.Error()+"."))
				ok = false
			case ok && !t.After(item.Start):
				*diags = append(*diags, attrError(a, "End not after start",
					fmt.Sprintf("%s ends at %s, which is not after its start, %s.", inst.Address, formatTime(t), formatTime(item.Start))))
				ok = false
			case ok && t.Sub(item.Start) > MaxOfflineSpan:
				*diags = append(*diags, offlineTooLong(a, inst.Address, t.Sub(item.Start)))
				ok = false
			}
			item.End = t
		} else {
			ok = false
		}
	} else if a := rb.attr("duration"); a != nil {
		if s, set := evalString(a, inst.ctx, diags); set {
			d, err := values.ParseDuration(s)
			switch {
			case err != nil:
				*diags = append(*diags, attrError(a, "Invalid duration", err.Error()+"."))
				ok = false
			case d <= 0:
				*diags = append(*diags, attrError(a, "Invalid duration", "The duration must be positive."))
				ok = false
			case d > MaxOfflineSpan:
				*diags = append(*diags, offlineTooLong(a, inst.Address, d))
				ok = false
			}
			item.End = item.Start.Add(d)
		} else {
			ok = false
		}
	} else {
		ok = false
	}
	return ok
}
