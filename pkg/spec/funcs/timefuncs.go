package funcs

import (
	"fmt"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/rtctl/rtctl/pkg/spec/limits"
	"github.com/rtctl/rtctl/pkg/spec/values"
)

// Terraform's timeadd and formatdate take RFC 3339 only, while every time
// in a configuration is written "YYYY-MM-DD HH:MM", local to rtctl.timezone.
// rtctl's versions take both. A time without an offset is a wall-clock
// reading: timeadd adds to the clock's face ("09:00" + 30m is "09:30") and
// answers in the same form, which the offline_time block then places in
// rtctl.timezone, DST gaps and overlaps included.

// wallLayouts are the offset-less forms ParseTime reads.
var wallLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"}

// funcTime parses a function's time argument: RFC 3339, or a wall-clock
// time (wall is true; the result is in UTC, standing for no zone at all).
func funcTime(s string) (t time.Time, wall bool, err error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, false, nil
	}
	for _, layout := range wallLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("%s is not a time: write \"YYYY-MM-DD HH:MM\" or \"YYYY-MM-DDTHH:MM:SS\" (wall clock, as rtctl's times are), or RFC 3339 with an offset", limits.Quoted(s))
}

// formatWall writes a wall-clock time the way a configuration does, with
// seconds only when it has some.
func formatWall(t time.Time) string {
	if t.Second() != 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

// signedDuration reads rtctl's durations ("1d", "1.5h", "90 minutes") with
// an optional sign, and Go's as Terraform's timeadd takes them ("300ms").
func signedDuration(s string) (time.Duration, error) {
	rest, neg := strings.CutPrefix(strings.TrimSpace(s), "-")
	d, err := values.ParseDuration(rest)
	if err != nil {
		if gd, gerr := time.ParseDuration(s); gerr == nil {
			return gd, nil
		}
		return 0, err
	}
	if neg {
		d = -d
	}
	return d, nil
}

var timeAddFunc = function.New(&function.Spec{
	Description: `Adds a duration ("30m", "1.5h", "-1d") to a time, "YYYY-MM-DD HH:MM" (wall clock) or RFC 3339, and returns it in the same form.`,
	Params: []function.Parameter{
		{Name: "timestamp", Type: cty.String},
		{Name: "duration", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		t, wall, err := funcTime(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		d, err := signedDuration(args[1].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		t = t.Add(d)
		if wall {
			return cty.StringVal(formatWall(t)), nil
		}
		return cty.StringVal(t.Format(time.RFC3339)), nil
	},
})

var formatDateFunc = function.New(&function.Spec{
	Description: `Formats a time, "YYYY-MM-DD HH:MM" (wall clock) or RFC 3339, as Terraform's formatdate does; a wall-clock time has no zone, so zone letters print UTC for it.`,
	Params: []function.Parameter{
		{Name: "format", Type: cty.String},
		{Name: "time", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		t, _, err := funcTime(args[1].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		return stdlib.FormatDate(args[0], cty.StringVal(t.Format(time.RFC3339)))
	},
})
