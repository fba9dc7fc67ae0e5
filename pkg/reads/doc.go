// Package reads runs rtctl's read commands on an account (data, summary,
// alerts, highlights, focus): it opens the account's client through the
// operation layer (pkg/workspace), turns a query as the person typed it
// into the API's, and returns the feeds' typed answers with their times in
// the account's zone. It prints nothing: internal/views renders what it
// returns.
//
// It is a sibling of pkg/workspace, not a part of it: a read needs an
// account and the present, not a configuration, a journal or a lock. The
// present is the workspace's (workspace.Workspace.Now, see "Clocks" in
// pkg/workspace): RTCTL_NOW pins it for reads as for every other command,
// and nothing here reads the clock itself.
//
// A query's errors name the command line's flags (--begin, --kind), which
// are the only spelling its callers have; the API's parameter names
// (restrict_begin) are the client's business.
package reads
