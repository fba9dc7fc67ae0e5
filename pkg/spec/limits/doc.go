// Package limits bounds what a configuration can make rtctl read or
// compute: the Limits of one load, their defaults, the names people set
// them by (rtctl --limit NAME=N), and the Exceeded value a diagnostic
// carries when one is reached, so that a command line can say how to
// raise it.
//
// It is the one list of limits that the loader (pkg/spec), the function
// table (pkg/spec/funcs) and the data sources share; it enforces none of
// them itself and knows nothing of HCL evaluation. Every default is a
// named constant with its --limit name beside it.
package limits
