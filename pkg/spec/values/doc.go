// Package values reads and writes the values of rtctl's configuration
// language that are written as text: dates (2026-11-20), times of day
// (09:00), local or RFC 3339 times, durations ("90m", "1.5h", "2 days")
// and weekday names.
//
// It sits below the loader (pkg/spec), the function table
// (pkg/spec/funcs) and the data sources, which all read the same forms.
// It knows nothing of HCL or cty: its errors are plain errors that the
// caller places in a diagnostic.
package values
