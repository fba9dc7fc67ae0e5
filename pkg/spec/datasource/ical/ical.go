package ical

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/calendar"
	"github.com/rtctl/rtctl/pkg/spec/confdir"
	"github.com/rtctl/rtctl/pkg/spec/datasource"
	"github.com/rtctl/rtctl/pkg/spec/limits"
	"github.com/rtctl/rtctl/pkg/spec/values"
)

// DefaultCalendarHorizon is how far after now data "ical" looks by default:
// far enough that the plan shows the coming week's meetings as deferred.
const DefaultCalendarHorizon = 7 * 24 * time.Hour

// Source is data "ical": the occurrences of an iCalendar file or secret
// URL inside a window, as data.ical.NAME.events.
type Source struct{}

// icalEventType is the type of one element of data.ical.NAME.events. It is
// fixed, so an empty calendar and a full one have the same type and
// for_each expressions type-check either way.
var icalEventType = cty.Object(map[string]cty.Type{
	"key":          cty.String,
	"uid":          cty.String,
	"start":        cty.String,
	"end":          cty.String,
	"summary":      cty.String,
	"description":  cty.String,
	"location":     cty.String,
	"categories":   cty.List(cty.String),
	"all_day":      cty.Bool,
	"status":       cty.String,
	"transparency": cty.String,
	"organizer":    cty.String,
	"attendees":    cty.List(icalAttendeeType),
})

var icalAttendeeType = cty.Object(map[string]cty.Type{
	"email":  cty.String,
	"status": cty.String,
})

func (Source) ConfigSpec() hcldec.Spec {
	str := func(n string) hcldec.Spec { return &hcldec.AttrSpec{Name: n, Type: cty.String} }
	boolean := func(n string) hcldec.Spec { return &hcldec.AttrSpec{Name: n, Type: cty.Bool} }
	return hcldec.ObjectSpec{
		"path":                str("path"),
		"url":                 str("url"),
		"attendee_email":      str("attendee_email"),
		"include_cancelled":   boolean("include_cancelled"),
		"include_declined":    boolean("include_declined"),
		"include_transparent": boolean("include_transparent"),
		"include_all_day":     boolean("include_all_day"),
		"include_zero_length": boolean("include_zero_length"),
		"window_start":        str("window_start"),
		"window_end":          str("window_end"),
		"horizon":             str("horizon"),
	}
}

// SecretAttributes: a calendar's address is a credential to read it.
func (Source) SecretAttributes() []string { return []string{"url"} }

// maxCalendarWarnings bounds the events one warning lists.
const maxCalendarWarnings = 10

func (Source) Read(dc datasource.Context, cfg cty.Value) (cty.Value, hcl.Diagnostics) {
	if !cfg.IsWhollyKnown() {
		// Something it refers to failed; that error is already reported.
		return cty.DynamicVal, nil
	}
	fail := func(f *failure) (cty.Value, hcl.Diagnostics) {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  f.summary,
			Detail:   f.detail,
			// Always the block's header: a subject on the url attribute
			// would print the secret address in the source snippet.
			Subject: dc.Range.Ptr(),
		}}
	}
	path, url := datasource.OptString(cfg, "path"), datasource.OptString(cfg, "url")
	switch {
	case path != "" && url != "":
		return fail(&failure{"Conflicting calendar sources", dc.Address + " sets both path and url; set exactly one."})
	case path == "" && url == "":
		if hint := emptySourceHint(dc); hint != "" {
			return fail(&failure{"Missing calendar source", dc.Address + ": " + hint})
		}
		return fail(&failure{"Missing calendar source", dc.Address + " needs path (an .ics file, relative to the configuration directory) or url (an https address)."})
	}
	// The window before reading: a fetch for a window that is invalid
	// anyway would be wasted, and its error would hide the window's.
	w, diags := icalWindow(dc, cfg)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	data, from, f := readCalendar(dc, path, url)
	if f != nil {
		return fail(f)
	}
	x, f := expand(dc, cfg, data, w, from, url)
	if f != nil {
		return fail(f)
	}
	if len(x.Warnings) > 0 {
		diags = append(diags, leftOut(dc, x.Warnings, w, from, url))
	}
	events := make([]cty.Value, 0, len(x.Occurrences))
	for _, o := range x.Occurrences {
		events = append(events, icalEventValue(o, dc.Timezone))
	}
	list := cty.ListValEmpty(icalEventType)
	if len(events) > 0 {
		list = cty.ListVal(events)
	}
	return cty.ObjectVal(map[string]cty.Value{"events": list}), diags
}

// failure is why a calendar was not read: a diagnostic's summary and
// detail, the secret address already scrubbed from it.
type failure struct{ summary, detail string }

// readCalendar reads the calendar at path or fetches it from url, and
// names it for messages (from) without the secret.
func readCalendar(dc datasource.Context, path, url string) (data []byte, from string, _ *failure) {
	if path != "" {
		from = limits.Clip(path)
		read := dc.ReadFile
		if read == nil {
			read = confdir.NewPolicy(dc.BaseDir, nil, nil, nil).Read
		}
		b, err := read(path, dc.Limits.WithDefaults().MaxCalendarBytes)
		if err != nil {
			return nil, from, &failure{"Cannot read calendar", fmt.Sprintf("Reading %s for %s: %s.", limits.Clip(path), dc.Address, err)}
		}
		return b, from, nil
	}
	from = calendar.RedactURL(url)
	if dc.HTTPClient == nil {
		return nil, from, &failure{"Cannot fetch calendar", fmt.Sprintf("%s reads %s, but this run may not use the network.", dc.Address, from)}
	}
	b, err := calendar.Fetch(dc.Context, dc.HTTPClient, url, dc.Limits.WithDefaults().MaxCalendarBytes)
	if err != nil {
		// Fetch redacts already; scrubbing again costs nothing and keeps
		// the promise even if an error type slips through.
		return nil, from, &failure{"Cannot fetch calendar", fmt.Sprintf("%s: %s.", dc.Address, scrubSecret(err.Error(), url))}
	}
	return b, from, nil
}

// expand parses data and expands its events into w, filtered as cfg
// says. Parsing is tolerant: one event rtctl cannot read is an error only
// when it may reach the window, a warning otherwise.
func expand(dc datasource.Context, cfg cty.Value, data []byte, w calendar.Window, from, url string) (calendar.Expansion, *failure) {
	cal, err := calendar.ParseTolerant(bytes.NewReader(data))
	if err != nil {
		return calendar.Expansion{}, &failure{"Invalid calendar", fmt.Sprintf("%s (%s): %s.", dc.Address, from, scrubSecret(err.Error(), url))}
	}
	x, err := cal.ExpandDetailed(w, calendar.Options{
		Location: dc.Timezone,
		Filter: calendar.Filter{
			IncludeCancelled:   datasource.OptBool(cfg, "include_cancelled"),
			IncludeDeclined:    datasource.OptBool(cfg, "include_declined"),
			IncludeTransparent: datasource.OptBool(cfg, "include_transparent"),
			IncludeAllDay:      datasource.OptBool(cfg, "include_all_day"),
			IncludeZeroLength:  datasource.OptBool(cfg, "include_zero_length"),
			AttendeeEmail:      datasource.OptString(cfg, "attendee_email"),
		},
	})
	if err != nil {
		summary := "Cannot expand calendar"
		var ue *calendar.UnreadableError
		if errors.As(err, &ue) {
			summary = "Invalid calendar"
		}
		return calendar.Expansion{}, &failure{summary, fmt.Sprintf("%s (%s): %s.", dc.Address, from, scrubSecret(err.Error(), url))}
	}
	return x, nil
}

// leftOut is the warning listing the events rtctl could not read, none of
// which can reach the window.
func leftOut(dc datasource.Context, warnings []calendar.Warning, w calendar.Window, from, url string) *hcl.Diagnostic {
	var b strings.Builder
	fmt.Fprintf(&b, "Left out of %s (%s): events rtctl cannot read, none of which can reach the window (%s to %s).\n",
		dc.Address, from, w.Start.In(dc.Timezone).Format(time.RFC3339), w.End.In(dc.Timezone).Format(time.RFC3339))
	for i, wn := range warnings {
		if i == maxCalendarWarnings {
			fmt.Fprintf(&b, "\n…and %d more.", len(warnings)-i)
			break
		}
		fmt.Fprintf(&b, "\n- %v", wn.Err)
		if wn.UID != "" {
			fmt.Fprintf(&b, " (UID %s)", limits.Quoted(wn.UID))
		}
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Calendar events left out",
		Detail:   scrubSecret(b.String(), url),
		Subject:  dc.Range.Ptr(),
	}
}

// icalWindow is the window the block asks for: window_start and window_end
// when given, else now - lookback up to now + horizon.
func icalWindow(dc datasource.Context, cfg cty.Value) (calendar.Window, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	// bad reports a problem with the named attribute, on it; with the block
	// header as context, unless the url (a secret, when written as it is)
	// would be shown between them. "" means the block as a whole.
	bad := func(attr, summary, detail string) {
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: dc.Range.Ptr()}
		if rng := dc.AttrRange(attr); attr != "" && rng != nil {
			d.Subject = rng
			ctx := hcl.RangeBetween(dc.Range, *rng)
			if u := dc.AttrRange("url"); u == nil || !u.Overlaps(ctx) {
				d.Context = &ctx
			}
		}
		diags = append(diags, d)
	}
	start, end := datasource.OptString(cfg, "window_start"), datasource.OptString(cfg, "window_end")
	horizon := DefaultCalendarHorizon
	if h := datasource.OptString(cfg, "horizon"); h != "" {
		if end != "" {
			bad("horizon", "Conflicting window end", dc.Address+" sets both window_end and horizon; set one.")
			return calendar.Window{}, diags
		}
		d, err := values.ParseDuration(h)
		if err != nil || d <= 0 {
			bad("horizon", "Invalid horizon", fmt.Sprintf("%s: horizon must be a positive duration such as \"7d\" (got %s).", dc.Address, limits.Quoted(h)))
			return calendar.Window{}, diags
		}
		horizon = d
	}
	var w calendar.Window
	if (start == "" || end == "") && dc.Now.IsZero() {
		bad("", "Calendar window unknown", dc.Address+" reads the calendar from now - lookback to now + horizon, but this load was not told the current time. Set window_start and window_end, or load with a current time.")
		return w, diags
	}
	w.Start, w.End = dc.Now.Add(-dc.Lookback), dc.Now.Add(horizon)
	for _, b := range []struct {
		name, val string
		dst       *time.Time
	}{{"window_start", start, &w.Start}, {"window_end", end, &w.End}} {
		if b.val == "" {
			continue
		}
		t, err := datasource.WindowBound(b.val, dc.Timezone)
		if err != nil {
			bad(b.name, "Invalid "+b.name, fmt.Sprintf("%s: %s.", dc.Address, err))
			continue
		}
		*b.dst = t
	}
	if !diags.HasErrors() && !w.End.After(w.Start) {
		bad("", "Empty calendar window", fmt.Sprintf("%s: the window ends (%s) before it starts (%s).", dc.Address, w.End.Format(time.RFC3339), w.Start.Format(time.RFC3339)))
	}
	return w, diags
}

func icalEventValue(o calendar.Occurrence, loc *time.Location) cty.Value {
	cats := cty.ListValEmpty(cty.String)
	if len(o.Categories) > 0 {
		vals := make([]cty.Value, len(o.Categories))
		for i, c := range o.Categories {
			vals[i] = cty.StringVal(c)
		}
		cats = cty.ListVal(vals)
	}
	atts := cty.ListValEmpty(icalAttendeeType)
	if len(o.Attendees) > 0 {
		vals := make([]cty.Value, len(o.Attendees))
		for i, a := range o.Attendees {
			vals[i] = cty.ObjectVal(map[string]cty.Value{
				"email":  cty.StringVal(a.Email),
				"status": cty.StringVal(a.Status),
			})
		}
		atts = cty.ListVal(vals)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"key":          cty.StringVal(o.Key),
		"uid":          cty.StringVal(o.UID),
		"start":        cty.StringVal(o.Start.In(loc).Format(time.RFC3339)),
		"end":          cty.StringVal(o.End.In(loc).Format(time.RFC3339)),
		"summary":      cty.StringVal(o.Summary),
		"description":  cty.StringVal(o.Description),
		"location":     cty.StringVal(o.Location),
		"categories":   cats,
		"all_day":      cty.BoolVal(o.AllDay),
		"status":       cty.StringVal(o.Status),
		"transparency": cty.StringVal(o.Transparency),
		"organizer":    cty.StringVal(o.Organizer),
		"attendees":    atts,
	})
}

// scrubSecret replaces every appearance of a secret address in msg by its
// redacted form.
func scrubSecret(msg, secret string) string {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, calendar.RedactURL(secret))
}

// emptySourceHint says why a calendar's path or url, set in the block,
// came out empty: most often an environment variable that is not set here
// (a CI secret, on a laptop). "" when neither attribute is set.
func emptySourceHint(dc datasource.Context) string {
	if dc.Body == nil {
		return ""
	}
	content, _, _ := dc.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "url"}, {Name: "path"}}})
	for _, name := range []string{"url", "path"} {
		a, ok := content.Attributes[name]
		if !ok {
			continue
		}
		var unset []string
		hclsyntax.VisitAll(asSyntax(a.Expr), func(n hclsyntax.Node) hcl.Diagnostics {
			fc, ok := n.(*hclsyntax.FunctionCallExpr)
			if !ok || fc.Name != "env" || len(fc.Args) != 1 {
				return nil
			}
			if v, diags := fc.Args[0].Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
				if name := v.AsString(); dc.Getenv == nil || dc.Getenv(name) == "" {
					unset = append(unset, name)
				}
			}
			return nil
		})
		if len(unset) > 0 {
			return fmt.Sprintf("%s is empty because the environment variable %s is not set here (%s comes from env(%q)). Set it, or give an .ics file as path.", name, strings.Join(unset, ", "), name, unset[0])
		}
		return fmt.Sprintf("%s is set but its value is empty; give an https address as url or an .ics file, relative to the configuration directory, as path.", name)
	}
	return ""
}

// asSyntax is expr as a native syntax node, nil when it is not one (JSON).
func asSyntax(expr hcl.Expression) hclsyntax.Node {
	if n, ok := expr.(hclsyntax.Node); ok {
		return n
	}
	return &hclsyntax.LiteralValueExpr{}
}
