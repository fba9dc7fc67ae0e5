// Command rtctl manages a RescueTime account as code: offline time, daily
// highlights and FocusTime schedules declared in HCL, planned against what the
// account reports and applied through the RescueTime API.
//
// This package only parses flags, wires dependencies and prints; the work is
// done by the packages under pkg/.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	// Zones must resolve on machines without a zone database (minimal
	// containers, Windows): configurations, calendars and the sandbox name
	// IANA zones. The library packages leave this choice to their importer.
	_ "time/tzdata"

	"github.com/rtctl/rtctl/internal/views"
)

func main() {
	os.Exit(profiled(os.Getenv("RTCTL_CPUPROFILE"), func() int { return run(os.Args[1:], systemEnv()) }))
}

// profiled runs f, writing a CPU profile to path when it is set: how the
// figures of docs/BENCHMARKS.md are explained (go tool pprof rtctl PATH).
func profiled(path string, f func() int) int {
	if path == "" {
		return f()
	}
	// Before run, which makes the view of the command it runs.
	view := views.NewView(os.Stdout, os.Stderr)
	out, err := os.Create(path)
	if err != nil {
		view.Error(fmt.Errorf("RTCTL_CPUPROFILE: %w", err))
		return 1
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		view.Error(fmt.Errorf("RTCTL_CPUPROFILE: %w", err))
		return 1
	}
	defer pprof.StopCPUProfile()
	return f()
}
