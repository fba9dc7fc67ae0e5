// Command bench measures rtctl against the emulator: generated configurations
// of several sizes and shapes, each planned, applied and planned again by the
// rtctl binary as a separate process, beside the parse floor (bench/floor)
// run the same way on the same files. It prints a Markdown table of medians
// (wall time, CPU time, peak resident memory, HTTP requests) and, with
// -write, puts it in a document between the markers
//
//	<!-- bench:begin -->
//	<!-- bench:end -->
//
// with the machine, the date and the command line, so the document quotes a
// run. Run it from the module's root:
//
//	go run ./bench -sizes 10000 -shapes literal
//	go run ./bench -sizes 10,1000,10000 -write docs/BENCHMARKS.md
//
// docs/BENCHMARKS.md describes the method.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// defaultNow is the instant every run is pinned at (RTCTL_NOW and the
// emulator's clock), so that runs on different days plan the same items.
const defaultNow = "2026-11-20T18:00:00Z"

type options struct {
	sizes   []int
	shapes  []string
	runs    int
	apply   bool
	write   string
	keep    bool
	serve   bool
	persist bool
	rtctl   string
	timeout time.Duration
	env     []string
	now     time.Time
	command string // the command line, for the report
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	sizes := fs.String("sizes", "10,1000,10000", "comma-separated numbers of items (100000 is the largest the language allows in one for_each)")
	shapes := fs.String("shapes", strings.Join(Shapes, ","), "comma-separated shapes: "+strings.Join(Shapes, ", "))
	fs.IntVar(&o.runs, "runs", 3, "runs of each plan and of the parse floor; the table shows medians")
	fs.BoolVar(&o.apply, "apply", true, "also apply once (against a fresh account) and plan again after it")
	fs.StringVar(&o.write, "write", "", "put the report in `FILE` between <!-- bench:begin --> and <!-- bench:end -->")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (configurations, binaries, outputs) and say where it is")
	fs.BoolVar(&o.serve, "serve", false, "generate the first shape and size, serve the emulator, print how to run rtctl against it by hand (to profile it), and wait for Ctrl-C")
	fs.BoolVar(&o.persist, "emulator-state", false, "let the emulator keep its state in a file, as rtctl emulator --state and the sandbox do")
	fs.StringVar(&o.rtctl, "rtctl", "", "measure this rtctl binary instead of building ./cmd/rtctl")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Minute, "the longest one command may take")
	now := fs.String("now", defaultNow, "the instant runs are pinned at (RFC 3339)")
	fs.Func("env", "add `KEY=VALUE` to the environment of the measured processes, such as GOGC=200 (repeatable)", func(s string) error {
		if k, _, ok := strings.Cut(s, "="); !ok || k == "" {
			return errors.New("want KEY=VALUE")
		}
		o.env = append(o.env, s)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return o, err
	}
	for _, s := range strings.Split(*shapes, ",") {
		s = strings.TrimSpace(s)
		if !isShape(s) {
			return o, fmt.Errorf("-shapes: unknown shape %q: want %s", s, strings.Join(Shapes, ", "))
		}
		o.shapes = append(o.shapes, s)
	}
	if o.runs < 1 {
		return o, errors.New("-runs: want at least 1")
	}
	if o.now, err = time.Parse(time.RFC3339, *now); err != nil {
		return o, fmt.Errorf("-now: %w", err)
	}
	o.command = "go run ./bench " + strings.Join(args, " ")
	return o, nil
}

func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1000000 {
			return nil, fmt.Errorf("-sizes: %q is not a number of items from 1 to 1000000", f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func isShape(s string) bool {
	for _, sh := range Shapes {
		if s == sh {
			return true
		}
	}
	return false
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "rtctl-bench-")
	if err != nil {
		return err
	}
	if o.keep || o.serve {
		fmt.Fprintf(stderr, "bench: working in %s (kept)\n", root)
	} else {
		defer os.RemoveAll(root)
	}
	bins, err := build(ctx, root, o.rtctl, stderr)
	if err != nil {
		return err
	}
	if o.serve {
		return serve(ctx, o, root, bins, stdout)
	}
	m := describeMachine(bins.moduleDir)
	var results []Result
	for _, shape := range o.shapes {
		for _, n := range o.sizes {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r := measureCase(ctx, o, bins, filepath.Join(root, fmt.Sprintf("%s-%d", shape, n)), shape, n, stderr)
			results = append(results, r)
		}
	}
	m.finish()
	report := Report{Machine: m, Command: o.command, Runs: o.runs, Persisted: o.persist, Env: o.env, Results: results}
	fmt.Fprint(stdout, report.Markdown())
	if o.write != "" {
		if err := writeReport(o.write, report.Markdown()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "bench: wrote the report into %s\n", o.write)
	}
	for _, r := range results {
		if r.Err != nil {
			return errors.New("some commands failed (see the notes under the table)")
		}
	}
	return nil
}

// binaries are the programs bench measures, and the one it measures them
// with.
type binaries struct {
	rtctl, floor, launch string
	moduleDir            string
}

// build compiles rtctl (unless given), the parse floor and launch into
// root, from the module bench belongs to.
func build(ctx context.Context, root, rtctl string, stderr io.Writer) (binaries, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return binaries{}, fmt.Errorf("finding the module: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return binaries{}, errors.New("run bench from inside the rtctl module: go run ./bench")
	}
	b := binaries{moduleDir: filepath.Dir(gomod), rtctl: rtctl, floor: filepath.Join(root, "floor"), launch: filepath.Join(root, "launch")}
	targets := [][2]string{{b.floor, "./bench/floor"}, {b.launch, "./bench/launch"}}
	if rtctl == "" {
		b.rtctl = filepath.Join(root, "rtctl")
		targets = append(targets, [2]string{b.rtctl, "./cmd/rtctl"})
	} else if b.rtctl, err = filepath.Abs(rtctl); err != nil {
		return b, err
	}
	for _, t := range targets {
		fmt.Fprintf(stderr, "bench: go build -o %s %s\n", t[0], t[1])
		cmd := exec.CommandContext(ctx, "go", "build", "-o", t[0], t[1])
		cmd.Dir, cmd.Stderr = b.moduleDir, stderr
		if err := cmd.Run(); err != nil {
			return b, fmt.Errorf("building %s: %w", t[1], err)
		}
	}
	return b, nil
}
