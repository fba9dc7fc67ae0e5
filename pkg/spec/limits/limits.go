package limits

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/calendar"
)

// Limits bounds everything a configuration can make Load read or compute, so
// that a hostile or mistaken configuration ends in a clear error diagnostic
// rather than in running out of memory, stack or time. A zero field means
// its default (see Default); spec.LoadOptions.Limits overrides them.
//
// The limits a real configuration could reach (MaxInstances, the file
// sizes, MaxDeclarations) are worth exposing to users; the others bound
// work no sensible configuration comes near.
type Limits struct {
	// MaxFileBytes bounds one configuration file, variables file or
	// --var-file.
	MaxFileBytes int64
	// MaxSourceBytes bounds all configuration and variables files of one
	// load together.
	MaxSourceBytes int64
	// MaxNesting bounds how deeply the source nests (brackets, braces,
	// parentheses, template interpolations and directives, and operators
	// chained in one expression), and how deeply a value nests. Deeper
	// source would exhaust the parser's stack.
	MaxNesting int
	// MaxDeclarations bounds the blocks, locals and variables of all files
	// together.
	MaxDeclarations int
	// MaxInstances bounds the instances one block expands to through
	// for_each or count.
	MaxInstances int
	// MaxValueElements bounds the elements of one value (a function's
	// result, a local, a variable), counted through every level.
	MaxValueElements int
	// MaxValueBytes bounds the text of one value: a string, or all the
	// strings of a collection together.
	MaxValueBytes int64
	// MaxEvalSteps bounds the work all expressions of one load do
	// together: each for expression iteration, template part, function
	// call and operation is a step, and so is every 3 elements a call or a
	// comparison goes through or builds (cty goes through every level of
	// every argument of every call; a set of n elements counts
	// n*log2(n), as it is sorted each time). About a microsecond or two
	// a step.
	MaxEvalSteps int64
	// MaxEvalBytes bounds the text all expressions of one load produce
	// together (templates, function results).
	MaxEvalBytes int64
	// MaxReadFileBytes bounds a file read by file().
	MaxReadFileBytes int64
	// MaxCalendarBytes bounds a calendar data "ical" reads, from a file or
	// from its url.
	MaxCalendarBytes int64
	// MaxDateRange bounds the days daterange() lists.
	MaxDateRange int
	// MaxGitLogBytes bounds the commits data "git_log" reads from one
	// repository, all together (their objects' sizes, checked before each
	// is read).
	MaxGitLogBytes int64
	// MaxGitObjectBytes bounds one commit or tree data "git_log" reads:
	// a larger one is refused from its header, without inflating it.
	MaxGitObjectBytes int64
}

// The defaults, each beside the name it is set by (rtctl --limit NAME=N;
// "-" for a limit no real configuration comes near, which cannot be set).
const (
	DefaultMaxFileBytes     = 2 << 20  // --limit file-size
	DefaultMaxSourceBytes   = 8 << 20  // --limit source-size
	DefaultMaxNesting       = 256      // -
	DefaultMaxDeclarations  = 50000    // --limit declarations
	DefaultMaxInstances     = 100000   // --limit instances
	DefaultMaxValueElements = 1000000  // --limit value-elements
	DefaultMaxValueBytes    = 16 << 20 // --limit value-size
	DefaultMaxEvalSteps     = 2000000  // --limit eval-steps
	DefaultMaxEvalBytes     = 64 << 20 // --limit eval-text
	DefaultMaxReadFileBytes = 1 << 20  // --limit read-file-size
	// DefaultMaxCalendarBytes is what pkg/calendar fetches at most.
	DefaultMaxCalendarBytes = calendar.DefaultFetchMaxBytes // --limit calendar-size
	DefaultMaxDateRange     = 3660                          // --limit date-range
	// A commit is a few hundred bytes: 16 MiB is tens of thousands of
	// commits in the window, and 1 MiB a message no person wrote.
	DefaultMaxGitLogBytes    = 16 << 20 // --limit git-log-size
	DefaultMaxGitObjectBytes = 1 << 20  // --limit git-object-size
)

// Default returns the limits a load applies unless told otherwise.
func Default() Limits {
	return Limits{
		MaxFileBytes:      DefaultMaxFileBytes,
		MaxSourceBytes:    DefaultMaxSourceBytes,
		MaxNesting:        DefaultMaxNesting,
		MaxDeclarations:   DefaultMaxDeclarations,
		MaxInstances:      DefaultMaxInstances,
		MaxValueElements:  DefaultMaxValueElements,
		MaxValueBytes:     DefaultMaxValueBytes,
		MaxEvalSteps:      DefaultMaxEvalSteps,
		MaxEvalBytes:      DefaultMaxEvalBytes,
		MaxReadFileBytes:  DefaultMaxReadFileBytes,
		MaxCalendarBytes:  DefaultMaxCalendarBytes,
		MaxDateRange:      DefaultMaxDateRange,
		MaxGitLogBytes:    DefaultMaxGitLogBytes,
		MaxGitObjectBytes: DefaultMaxGitObjectBytes,
	}
}

// WithDefaults is l with every zero (or negative) field set to its
// default.
func (l Limits) WithDefaults() Limits {
	d := Default()
	set64 := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set64(&l.MaxFileBytes, d.MaxFileBytes)
	set64(&l.MaxSourceBytes, d.MaxSourceBytes)
	set(&l.MaxNesting, d.MaxNesting)
	set(&l.MaxDeclarations, d.MaxDeclarations)
	set(&l.MaxInstances, d.MaxInstances)
	set(&l.MaxValueElements, d.MaxValueElements)
	set64(&l.MaxValueBytes, d.MaxValueBytes)
	set64(&l.MaxEvalSteps, d.MaxEvalSteps)
	set64(&l.MaxEvalBytes, d.MaxEvalBytes)
	set64(&l.MaxReadFileBytes, d.MaxReadFileBytes)
	set64(&l.MaxCalendarBytes, d.MaxCalendarBytes)
	set(&l.MaxDateRange, d.MaxDateRange)
	set64(&l.MaxGitLogBytes, d.MaxGitLogBytes)
	set64(&l.MaxGitObjectBytes, d.MaxGitObjectBytes)
	return l
}

// Exceeded is the Extra of every diagnostic that reports a Limits field
// being reached, so that a command line can say how to raise it.
type Exceeded struct {
	Limit string // the Limits field, such as "MaxInstances"
	Value int64  // its value in this load
}

// Diag is an error diagnostic about reaching the limit named limit.
func Diag(limit string, value int64, summary, detail string, subject *hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   detail,
		Subject:  subject,
		Extra:    &Exceeded{Limit: limit, Value: value},
	}
}

// Error is an error about reaching a limit, returned by functions and
// data sources and turned into a diagnostic with an Exceeded.
type Error struct {
	Limit string // the Limits field
	Value int64  // its value in this load
	msg   string
}

func (e *Error) Error() string { return e.msg }

// Exceeded is the diagnostic Extra that names e's limit.
func (e *Error) Exceeded() *Exceeded { return &Exceeded{Limit: e.Limit, Value: e.Value} }

// NewError is an Error about the limit named limit, whose message is
// format with args.
func NewError(limit string, value int64, format string, args ...any) *Error {
	return &Error{Limit: limit, Value: value, msg: fmt.Sprintf(format, args...)}
}

// maxShownInput is how much of an input a message quotes: enough to
// recognise it, never a whole file.
const maxShownInput = 100

// Clip shortens s to about maxShownInput characters for a message, marking
// the cut with an ellipsis.
func Clip(s string) string {
	n := 0
	for i := range s {
		if n == maxShownInput {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Quoted is s clipped and quoted, for an error that shows an input.
func Quoted(s string) string { return fmt.Sprintf("%q", Clip(s)) }

// Extra is the Exceeded for err, when a limit is what failed, for a
// diagnostic's Extra; nil otherwise.
func Extra(err error) any {
	var le *Error
	if errors.As(err, &le) {
		return le.Exceeded()
	}
	return nil
}

// limitNames are the names people set limits by (rtctl --limit NAME=N),
// for the Limits fields a real configuration can reach.
var limitNames = []struct {
	name, field string
	set         func(*Limits, int64)
}{
	{"instances", "MaxInstances", func(l *Limits, v int64) { l.MaxInstances = int(v) }},
	{"eval-steps", "MaxEvalSteps", func(l *Limits, v int64) { l.MaxEvalSteps = v }},
	{"eval-text", "MaxEvalBytes", func(l *Limits, v int64) { l.MaxEvalBytes = v }},
	{"declarations", "MaxDeclarations", func(l *Limits, v int64) { l.MaxDeclarations = int(v) }},
	{"file-size", "MaxFileBytes", func(l *Limits, v int64) { l.MaxFileBytes = v }},
	{"source-size", "MaxSourceBytes", func(l *Limits, v int64) { l.MaxSourceBytes = v }},
	{"value-elements", "MaxValueElements", func(l *Limits, v int64) { l.MaxValueElements = int(v) }},
	{"value-size", "MaxValueBytes", func(l *Limits, v int64) { l.MaxValueBytes = v }},
	{"read-file-size", "MaxReadFileBytes", func(l *Limits, v int64) { l.MaxReadFileBytes = v }},
	{"calendar-size", "MaxCalendarBytes", func(l *Limits, v int64) { l.MaxCalendarBytes = v }},
	{"date-range", "MaxDateRange", func(l *Limits, v int64) { l.MaxDateRange = int(v) }},
	{"git-log-size", "MaxGitLogBytes", func(l *Limits, v int64) { l.MaxGitLogBytes = v }},
	{"git-object-size", "MaxGitObjectBytes", func(l *Limits, v int64) { l.MaxGitObjectBytes = v }},
}

// Name is the name a limit is set by, "" for one that cannot be set
// (nesting: no real configuration needs more).
func Name(field string) string {
	for _, n := range limitNames {
		if n.field == field {
			return n.name
		}
	}
	return ""
}

// Set sets the limit called name (see LimitName) to value.
func (l *Limits) Set(name string, value int64) error {
	if value <= 0 {
		return fmt.Errorf("limit %s: want a positive number", name)
	}
	var names []string
	for _, n := range limitNames {
		names = append(names, n.name)
		if n.name != name {
			continue
		}
		n.set(l, value)
		return nil
	}
	return fmt.Errorf("no limit called %q; the limits are %s", name, strings.Join(names, ", "))
}
