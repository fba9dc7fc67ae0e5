// Package parse checks a configuration's source before HCL parses it and
// parses a large file in pieces: a file over limits.MaxFileBytes, or
// nesting deeper than limits.MaxNesting (which would exhaust the parser's
// stack), is refused with a diagnostic at its place; a shallow file is cut
// where its top-level items end and parsed piece by piece, so that a 10 MB
// configuration does not hold all its tokens at once.
//
// It decodes nothing: what the files declare is the loader's (pkg/spec).
package parse
