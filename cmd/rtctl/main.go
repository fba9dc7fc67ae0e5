// Command rtctl manages a RescueTime account as code: offline time, daily
// highlights and FocusTime schedules declared in HCL, planned against what the
// account reports and applied through the RescueTime API.
//
// This package only parses flags, wires dependencies and prints; the work is
// done by the packages under pkg/.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], systemEnv()))
}
