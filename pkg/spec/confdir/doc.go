// Package confdir decides what of the file system a configuration may
// read, and reads it: the regular files of its directory (a named pipe or
// device is an error, not something to block on), with symbolic links
// resolved so that none leads out of it, and for file() and a data
// source's path the Policy of a configuration (its directory or one the
// person allowed; never /proc, /dev or /sys, a credential file, or a file
// holding a known secret).
//
// A configuration is untrusted input: this is the trust boundary of its
// directory. The package parses nothing and evaluates nothing; the loader
// (pkg/spec) turns its errors into diagnostics.
package confdir
