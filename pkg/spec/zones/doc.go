// Package zones lists the IANA time zone names Go knows, for suggesting
// one when a configuration misspells rtctl.timezone and for completing it
// on the command line.
//
// It is a list, not a time zone database: it loads no zone (the loader
// does, with time.LoadLocation) and says nothing of what a zone is.
package zones
