//go:build !windows

package main

// takesEscapes reports whether w shows ANSI escape sequences: every
// terminal outside Windows does.
func takesEscapes(any) bool { return true }
