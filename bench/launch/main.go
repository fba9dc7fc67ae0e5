// Command launch runs a command and reports what it cost: wall time, CPU
// time (user and system) and peak resident set size, from wait4. bench
// measures every process through it, because on Linux a child's ru_maxrss
// counts the memory of the process that started it (the address space it
// ran in before exec): started straight from bench, which holds the
// emulator and the generated configurations, a small command would report
// bench's size. launch is small, so what it reports is the command's own.
//
//	launch COMMAND [ARG...]
//
// The command inherits launch's environment, directory and standard
// streams. The report, one line of key=value pairs, goes to file
// descriptor 3; launch exits 0 once it is written, whatever the command's
// exit code (which the report holds).
package main

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: launch COMMAND [ARG...] (reports on fd 3)")
		os.Exit(2)
	}
	report := os.NewFile(3, "report")
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "launch:", err)
		os.Exit(1)
	}
	cpu, rss := usage(cmd.ProcessState)
	if _, err := fmt.Fprintf(report, "wall_ns=%d cpu_ns=%d maxrss_bytes=%d exit=%d\n", wall.Nanoseconds(), cpu.Nanoseconds(), rss, cmd.ProcessState.ExitCode()); err != nil {
		fmt.Fprintln(os.Stderr, "launch: writing the report:", err)
		os.Exit(1)
	}
}
