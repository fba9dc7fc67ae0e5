package funcs

import (
	"errors"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// TodayClock is what today() reads: the load's current time and, once the
// rtctl block is evaluated, the account's time zone. One belongs to each
// Load; it is no global.
//
// The design: the function is always in the table, but it only answers
// after the rtctl block has been evaluated. Locals that call it are ordered
// after the rtctl block in the dependency graph (CallsToday), data sources
// and resources come after it anyway, and the places evaluated before it
// (variable defaults and validations, the rtctl block itself) get an error
// that says so, rather than a date in the wrong zone.
type TodayClock struct {
	now     time.Time
	loc     *time.Location // nil until settled, or when the zone is invalid
	settled bool
	calls   int
	dateStr string
}

// Settle records the zone once the rtctl block is evaluated; nil when the
// block had errors.
func (c *TodayClock) Settle(loc *time.Location) { c.loc, c.settled = loc, true }

// Used reports today's date when today() was called successfully, so the
// configuration's hash can change with it.
func (c *TodayClock) Used() (string, bool) { return c.dateStr, c.calls > 0 }

var (
	errTodayNoClock = errors.New("today() needs the current time, and this load was not given one")
	errTodayNoZone  = errors.New("today() needs the account's time zone, and the rtctl block is missing or has errors")
	errTodayTooSoon = errors.New("today() is not available in variable blocks or in the rtctl block: they are evaluated before the account's time zone (rtctl.timezone) is known; use it in locals, data sources or resources")
)

// Today returns today(): the date of now in the account's zone, as
// "YYYY-MM-DD". With dateadd and daterange it keeps a configuration about
// "the last few days" meaningful whatever day it runs.
func Today(c *TodayClock) function.Function {
	return function.New(&function.Spec{
		Description: `Returns the current date in the account's time zone (rtctl.timezone), as "YYYY-MM-DD".`,
		Params:      []function.Parameter{},
		Type:        function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			switch {
			case !c.settled:
				return cty.NilVal, errTodayTooSoon
			case c.loc == nil:
				return cty.NilVal, errTodayNoZone
			case c.now.IsZero():
				return cty.NilVal, errTodayNoClock
			}
			c.calls++
			c.dateStr = c.now.In(c.loc).Format(time.DateOnly)
			return cty.StringVal(c.dateStr), nil
		},
	})
}

// CallsToday reports whether expr calls today() anywhere inside it.
func CallsToday(expr hcl.Expression) bool {
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return false
	}
	found := false
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		if fc, ok := n.(*hclsyntax.FunctionCallExpr); ok && fc.Name == "today" {
			found = true
		}
		return nil
	})
	return found
}

// NewTodayClock is the clock of a load whose current time is now (zero
// when unknown: today() then says so).
func NewTodayClock(now time.Time) *TodayClock { return &TodayClock{now: now} }
