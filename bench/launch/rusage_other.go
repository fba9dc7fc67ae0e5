//go:build !unix

package main

import (
	"os"
	"time"
)

// usage is the CPU time of an exited process; the peak resident set is not
// known here (0).
func usage(ps *os.ProcessState) (time.Duration, int64) {
	return ps.UserTime() + ps.SystemTime(), 0
}
