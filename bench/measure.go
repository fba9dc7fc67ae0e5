package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Sample is one process, measured whole: from start to exit, its own CPU
// time (user and system) and its peak resident set, as wait4 reports them
// to bench/launch.
type Sample struct {
	Wall, CPU time.Duration
	// RSS is the peak resident set size in bytes.
	RSS int64
	// Requests is how many HTTP requests the emulator served meanwhile,
	// Conns over how many connections.
	Requests, Conns int64
}

// Proc is a command to measure.
type Proc struct {
	// Launch is the bench/launch binary that runs and measures Args.
	Launch string
	Args   []string
	Env    []string
	Dir    string
	// Want lists the exit codes that mean success.
	Want []int
	// Output is where stdout and stderr go (OUTPUT.stdout, OUTPUT.stderr).
	Output  string
	Timeout time.Duration
}

// Run runs p once and measures it.
func (p Proc) Run(ctx context.Context) (Sample, error) {
	if p.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.Timeout)
		defer cancel()
	}
	stdout, err := os.Create(p.Output + ".stdout")
	if err != nil {
		return Sample{}, err
	}
	defer stdout.Close()
	stderr, err := os.Create(p.Output + ".stderr")
	if err != nil {
		return Sample{}, err
	}
	defer stderr.Close()
	rd, wr, err := os.Pipe()
	if err != nil {
		return Sample{}, err
	}
	defer rd.Close()
	cmd := exec.CommandContext(ctx, p.Launch, p.Args...)
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = p.Env, p.Dir, stdout, stderr
	cmd.ExtraFiles = []*os.File{wr}
	ownGroup(cmd)
	err = cmd.Start()
	wr.Close()
	if err != nil {
		return Sample{}, fmt.Errorf("%s: %w", p.name(), err)
	}
	report, rerr := io.ReadAll(rd)
	werr := cmd.Wait()
	if ctx.Err() != nil {
		return Sample{}, fmt.Errorf("%s: stopped after %s: %w", p.name(), p.Timeout, ctx.Err())
	}
	if werr != nil || rerr != nil {
		return Sample{}, fmt.Errorf("%s: %w\n%s", p.name(), errors.Join(werr, rerr), tails(p.Output))
	}
	var wall, cpu int64
	var s Sample
	var code int
	if _, err := fmt.Sscanf(string(report), "wall_ns=%d cpu_ns=%d maxrss_bytes=%d exit=%d", &wall, &cpu, &s.RSS, &code); err != nil {
		return Sample{}, fmt.Errorf("%s: launch reported %q: %w", p.name(), report, err)
	}
	s.Wall, s.CPU = time.Duration(wall), time.Duration(cpu)
	for _, w := range p.Want {
		if code == w {
			return s, nil
		}
	}
	return s, fmt.Errorf("%s: exit code %d, want %v\n%s", p.name(), code, p.Want, tails(p.Output))
}

func (p Proc) name() string {
	return strings.Join(append([]string{filepath.Base(p.Args[0])}, p.Args[1:]...), " ")
}

// tails returns the ends of a run's output, for an error.
func tails(output string) string {
	var b strings.Builder
	for _, ext := range []string{".stderr", ".stdout"} {
		data, err := os.ReadFile(output + ext)
		if err != nil || len(data) == 0 {
			continue
		}
		if len(data) > 2000 {
			data = append([]byte("..."), data[len(data)-2000:]...)
		}
		fmt.Fprintf(&b, "--- %s:\n%s\n", filepath.Base(output+ext), bytes.TrimSpace(data))
	}
	return b.String()
}

// Stats summarizes the samples of one command.
type Stats struct {
	N                         int
	Wall, CPU, CPUMin, CPUMax time.Duration
	RSS                       int64
	Requests, Conns           int64
}

// Summarize returns the medians of samples (and the range of their CPU).
func Summarize(samples []Sample) Stats {
	if len(samples) == 0 {
		return Stats{}
	}
	st := Stats{N: len(samples)}
	st.Wall = time.Duration(median(samples, func(s Sample) int64 { return int64(s.Wall) }))
	st.CPU = time.Duration(median(samples, func(s Sample) int64 { return int64(s.CPU) }))
	st.RSS = median(samples, func(s Sample) int64 { return s.RSS })
	st.Requests = median(samples, func(s Sample) int64 { return s.Requests })
	st.Conns = median(samples, func(s Sample) int64 { return s.Conns })
	st.CPUMin, st.CPUMax = samples[0].CPU, samples[0].CPU
	for _, s := range samples {
		st.CPUMin, st.CPUMax = min(st.CPUMin, s.CPU), max(st.CPUMax, s.CPU)
	}
	return st
}

// median is the middle value, or the mean of the two middle ones.
func median[T any](xs []T, f func(T) int64) int64 {
	v := make([]int64, len(xs))
	for i, x := range xs {
		v[i] = f(x)
	}
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
