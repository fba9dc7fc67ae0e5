// Command rtctl manages a RescueTime account as code: offline time, daily
// highlights and FocusTime schedules declared in HCL, planned against what the
// account reports and applied through the RescueTime API.
//
// This package only parses flags, wires dependencies and prints; the work is
// done by the packages under pkg/.
package main

import (
	"os"
	// Zones must resolve on machines without a zone database (minimal
	// containers, Windows): configurations, calendars and the sandbox name
	// IANA zones. The library packages leave this choice to their importer.
	_ "time/tzdata"
)

func main() {
	os.Exit(run(os.Args[1:], systemEnv()))
}
