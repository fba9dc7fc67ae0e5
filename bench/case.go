package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// benchKey is the emulated account's API key.
const benchKey = "bench-key"

// The commands of a case, in the order they run.
const (
	CmdFloor     = "parse floor"
	CmdPlan      = "plan, empty account"
	CmdApply     = "apply"
	CmdPlanAfter = "plan, after apply"
)

// Result is what one shape and size measured.
type Result struct {
	Shape string
	Items int
	Bytes int // the configuration's size
	// Rows holds the commands that ran, in order.
	Rows []Row
	Err  error // what stopped the case, if anything
}

// Row is one command's summary.
type Row struct {
	Command string
	Stats   Stats
}

// Get returns the row of command.
func (r Result) Get(command string) (Stats, bool) {
	for _, row := range r.Rows {
		if row.Command == command {
			return row.Stats, true
		}
	}
	return Stats{}, false
}

// server is the emulator on loopback, counting the requests it serves and
// the connections it accepts.
type server struct {
	emu      *emulator.Emulator
	url      string
	n, conns atomic.Int64
	http     *http.Server
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.n.Add(1)
	s.emu.ServeHTTP(w, r)
}

// startServer starts an emulator pinned at now with the bench account,
// keeping its state in statePath when that is set.
func startServer(now time.Time, statePath string) (*server, error) {
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(now), StatePath: statePath})
	if err != nil {
		return nil, err
	}
	if err := emu.AddAccount(emulator.Account{Key: benchKey, Plan: emulator.Premium, TimeZone: benchZone, Seed: 1}); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{emu: emu, url: "http://" + ln.Addr().String()}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: time.Minute, ConnState: func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

func (s *server) close() { _ = s.http.Close() }

// environment is the whole environment of a measured process: nothing is
// inherited, so the person's real key, configuration and cache stay out.
func environment(dir, endpoint string, now time.Time, extra []string) []string {
	env := []string{
		"HOME=" + filepath.Join(dir, "home"),
		"RTCTL_STATE_DIR=" + filepath.Join(dir, "state"),
		"RTCTL_ENDPOINT=" + endpoint,
		"RESCUETIME_API_KEY=" + benchKey,
		"RTCTL_NOW=" + now.Format(time.RFC3339),
		"NO_COLOR=1",
	}
	return append(env, extra...)
}

// prepare generates the configuration of shape and size n into dir/config,
// starts an emulator for it and returns the processes' environment.
func prepare(o options, dir, shape string, n int) (Config, *server, []string, error) {
	cfg, err := Generate(shape, n, o.now)
	if err != nil {
		return cfg, nil, nil, err
	}
	for _, d := range []string{"config", "home", "state", "out"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return cfg, nil, nil, err
		}
	}
	if err := cfg.Write(filepath.Join(dir, "config")); err != nil {
		return cfg, nil, nil, err
	}
	statePath := ""
	if o.persist {
		statePath = filepath.Join(dir, "emulator.json")
	}
	srv, err := startServer(o.now, statePath)
	if err != nil {
		return cfg, nil, nil, fmt.Errorf("starting the emulator: %w", err)
	}
	return cfg, srv, environment(dir, srv.url, o.now, o.env), nil
}

// limitArgs raises rtctl's limits for a configuration of n items past
// them, as a person with such a configuration would: at 100,000 items a
// file is larger than 2 MiB, and there are more than 50,000 blocks.
func limitArgs(n int) []string {
	if n <= 10_000 {
		return nil
	}
	return []string{
		"--limit", "file-size=67108864", "--limit", "source-size=67108864",
		"--limit", "declarations=1000000", "--limit", "instances=1000000",
	}
}

// measureCase runs the parse floor and plan o.runs times each, alternating
// them so that a change in the machine's load touches both alike; then
// apply once and plan again o.runs times.
func measureCase(ctx context.Context, o options, b binaries, dir, shape string, n int, log io.Writer) Result {
	res := Result{Shape: shape, Items: n}
	cfg, srv, env, err := prepare(o, dir, shape, n)
	if err != nil {
		res.Err = err
		return res
	}
	defer srv.close()
	res.Bytes = cfg.Bytes()
	config := filepath.Join(dir, "config")
	out := func(name string) string { return filepath.Join(dir, "out", name) }
	proc := func(name string, want []int, args ...string) Proc {
		return Proc{Launch: b.launch, Args: args, Env: env, Dir: dir, Want: want, Output: out(name), Timeout: o.timeout}
	}
	// Plan exits 2 when it has something to post and 0 when it has not:
	// a plan that finds nothing to do before apply, or something after,
	// is wrong however fast it is.
	floor := proc("floor", []int{0}, b.floor, config)
	limits := limitArgs(n)
	plan := proc("plan", []int{2}, append(append([]string{b.rtctl, "plan", "--detailed-exitcode"}, limits...), config)...)
	apply := proc("apply", []int{0}, append(append([]string{b.rtctl, "apply", "--auto-approve", "--rate", "0"}, limits...), config)...)
	after := proc("plan-after", []int{0}, append(append([]string{b.rtctl, "plan", "--detailed-exitcode"}, limits...), config)...)

	measure := func(command string, p Proc, i, of int) (Sample, error) {
		srv.n.Store(0)
		srv.conns.Store(0)
		s, err := p.Run(ctx)
		s.Requests, s.Conns = srv.n.Load(), srv.conns.Load()
		if err != nil {
			fmt.Fprintf(log, "bench: %s %d: %s failed\n", shape, n, command)
			return s, fmt.Errorf("%s: %w", command, err)
		}
		fmt.Fprintf(log, "bench: %-9s %7d  %-19s %d/%d  wall %s  CPU %s  peak RSS %s  requests %d  connections %d\n",
			shape, n, command, i, of, seconds(s.Wall), seconds(s.CPU), mib(s.RSS), s.Requests, s.Conns)
		return s, nil
	}
	var floors, plans []Sample
	for i := range o.runs {
		s, err := measure(CmdFloor, floor, i+1, o.runs)
		if err != nil {
			res.Err = err
			break
		}
		if i == 0 {
			if err := checkFloor(cfg, out("floor")+".stdout"); err != nil {
				res.Err = err
				break
			}
		}
		floors = append(floors, s)
		if s, err = measure(CmdPlan, plan, i+1, o.runs); err != nil {
			res.Err = err
			break
		}
		plans = append(plans, s)
	}
	res.add(CmdFloor, floors)
	res.add(CmdPlan, plans)
	if res.Err != nil || !o.apply {
		return res
	}
	s, err := measure(CmdApply, apply, 1, 1)
	if err != nil {
		res.Err = err
		res.add(CmdApply, []Sample{s})
		return res
	}
	res.add(CmdApply, []Sample{s})
	var afters []Sample
	for i := range o.runs {
		s, err := measure(CmdPlanAfter, after, i+1, o.runs)
		if err != nil {
			res.Err = err
			break
		}
		afters = append(afters, s)
	}
	res.add(CmdPlanAfter, afters)
	return res
}

func (r *Result) add(command string, samples []Sample) {
	if len(samples) > 0 {
		r.Rows = append(r.Rows, Row{Command: command, Stats: Summarize(samples)})
	}
}

// checkFloor checks that the floor read every item: every block of a
// literal configuration, every event of a calendar.
func checkFloor(cfg Config, stdout string) error {
	data, err := os.ReadFile(stdout)
	if err != nil {
		return err
	}
	var c struct{ blocks, attributes, evaluated, events int }
	if _, err := fmt.Sscanf(string(data), "blocks=%d attributes=%d evaluated=%d events=%d", &c.blocks, &c.attributes, &c.evaluated, &c.events); err != nil {
		return fmt.Errorf("parse floor: unexpected output %q", data)
	}
	switch {
	case cfg.Shape == ShapeLiteral && (c.blocks != cfg.Items+1 || c.evaluated != c.attributes):
		return fmt.Errorf("parse floor: read %d blocks and evaluated %d of %d attributes, want %d blocks and all", c.blocks, c.evaluated, c.attributes, cfg.Items+1)
	case cfg.Shape == ShapeCalendar && c.events != cfg.Items:
		return fmt.Errorf("parse floor: read %d events, want %d", c.events, cfg.Items)
	}
	return nil
}

// serve sets up the first shape and size and waits, so that a person can
// run rtctl by hand against it (under perf, say).
func serve(ctx context.Context, o options, root string, b binaries, stdout io.Writer) error {
	shape, n := o.shapes[0], o.sizes[0]
	dir := filepath.Join(root, fmt.Sprintf("%s-%d", shape, n))
	_, srv, env, err := prepare(o, dir, shape, n)
	if err != nil {
		return err
	}
	defer srv.close()
	config := filepath.Join(dir, "config")
	if l := limitArgs(n); len(l) > 0 {
		config = strings.Join(l, " ") + " " + config
	}
	fmt.Fprintf(stdout, "The emulator serves %s (account %s, pinned at %s).\n", srv.url, benchKey, o.now.Format(time.RFC3339))
	fmt.Fprintf(stdout, "The configuration (%s, %d items) is in %s. Run, for instance:\n\n", shape, n, filepath.Join(dir, "config"))
	fmt.Fprintf(stdout, "  env -i %s \\\n    %s plan %s > /dev/null\n\n", strings.Join(env, " "), b.rtctl, config)
	if perf, err := exec.LookPath("perf"); err == nil {
		fmt.Fprintf(stdout, "  env -i %s \\\n    %s record -g -o %s %s plan %s > /dev/null\n\n", strings.Join(env, " "), perf, filepath.Join(dir, "perf.data"), b.rtctl, config)
	}
	fmt.Fprintf(stdout, "The parse floor: %s %s\nCtrl-C stops the emulator; %s stays.\n", b.floor, filepath.Join(dir, "config"), root)
	<-ctx.Done()
	return nil
}
