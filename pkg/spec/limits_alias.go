package spec

import "github.com/rtctl/rtctl/pkg/spec/limits"

// Limits bounds what a configuration can make Load read or compute; see
// package limits, where the function table and the data sources find it
// too.
type Limits = limits.Limits

// LimitExceeded is the Extra of a diagnostic that reports a limit reached.
type LimitExceeded = limits.Exceeded

// DefaultLimits returns the limits Load applies unless told otherwise.
func DefaultLimits() Limits { return limits.Default() }
