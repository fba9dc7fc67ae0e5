package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The markers between which -write puts the report.
const (
	beginMarker = "<!-- bench:begin -->"
	endMarker   = "<!-- bench:end -->"
)

// Machine describes where a run was measured.
type Machine struct {
	CPU        string
	Cores      int
	Memory     string
	OS         string
	Go         string
	Commit     string
	Start, End time.Time
	// LoadStart and LoadEnd are /proc/loadavg's 1-, 5- and 15-minute
	// figures when the run started and ended.
	LoadStart, LoadEnd string
}

func describeMachine(moduleDir string) Machine {
	m := Machine{
		CPU:       "unknown CPU",
		Cores:     runtime.NumCPU(),
		OS:        runtime.GOOS + "/" + runtime.GOARCH,
		Go:        runtime.Version(),
		Commit:    "unknown",
		Start:     time.Now().UTC(),
		LoadStart: loadAverage(),
	}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		if kib, err := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64); err == nil {
			m.Memory = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
		}
	}
	if rel, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", kernel " + strings.TrimSpace(string(rel))
	}
	cmd := exec.Command("git", "describe", "--always", "--dirty", "--abbrev=12")
	cmd.Dir = moduleDir
	if out, err := cmd.Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

func (m *Machine) finish() {
	m.End = time.Now().UTC()
	m.LoadEnd = loadAverage()
}

// procField returns the value of the first "name : value" line of a /proc
// file, "" when there is none.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// Report is one run of bench.
type Report struct {
	Machine   Machine
	Command   string
	Runs      int
	Persisted bool
	Env       []string
	Results   []Result
}

// Markdown renders the report: where and how it was measured, the table,
// and what failed.
func (r Report) Markdown() string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "Measured on %s, from %s to %s UTC, with `%s`.\n\n",
		m.Start.Format("2006-01-02"), m.Start.Format("15:04"), m.End.Format("15:04"), r.Command)
	fmt.Fprintf(&b, "- Machine: %s, %d cores", m.CPU, m.Cores)
	if m.Memory != "" {
		fmt.Fprintf(&b, ", %s of memory", m.Memory)
	}
	fmt.Fprintf(&b, "; %s; %s.\n", m.OS, m.Go)
	fmt.Fprintf(&b, "- Load average (1, 5, 15 minutes): %s at the start, %s at the end.\n", m.LoadStart, m.LoadEnd)
	fmt.Fprintf(&b, "- rtctl at `%s`.\n", m.Commit)
	emu := "in memory"
	if r.Persisted {
		emu = "persisted to a state file (-emulator-state)"
	}
	fmt.Fprintf(&b, "- Emulator: in the bench process on 127.0.0.1, no latency, state %s.\n", emu)
	if len(r.Env) > 0 {
		fmt.Fprintf(&b, "- Extra environment: `%s`.\n", strings.Join(r.Env, " "))
	}
	fmt.Fprintf(&b, "- Plans and the parse floor: median of %d runs each (CPU: median, then the lowest and highest); apply: one run.\n\n", r.Runs)
	b.WriteString(r.Table())
	if sc := r.Scaling(); sc != "" {
		b.WriteString("\nGrowth of CPU time (median) from one size to the next; linear is the ratio of the sizes:\n\n")
		b.WriteString(sc)
	}
	var notes []string
	for _, res := range r.Results {
		if res.Err != nil {
			notes = append(notes, fmt.Sprintf("- %s, %s items: %s", res.Shape, count(res.Items), firstLine(res.Err)))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nFailed or stopped:\n\n")
		b.WriteString(strings.Join(notes, "\n"))
		b.WriteString("\n")
	}
	return b.String()
}

// Table is the Markdown table of the results.
func (r Report) Table() string {
	var b strings.Builder
	b.WriteString("| shape | items | input | command | wall | CPU | peak RSS | requests | connections | CPU ÷ floor | RSS ÷ floor |\n")
	b.WriteString("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, res := range r.Results {
		floor, hasFloor := res.Get(CmdFloor)
		for _, row := range res.Rows {
			st := row.Stats
			cpu := seconds(st.CPU)
			if st.N > 1 {
				cpu += fmt.Sprintf(" (%s–%s)", bareSeconds(st.CPUMin), bareSeconds(st.CPUMax))
			}
			reqs, conns, cpuRatio, rssRatio := "–", "–", "–", "–"
			if row.Command != CmdFloor {
				reqs, conns = count(int(st.Requests)), count(int(st.Conns))
				if hasFloor && floor.CPU > 0 && floor.RSS > 0 {
					cpuRatio = fmt.Sprintf("%.2f", float64(st.CPU)/float64(floor.CPU))
					rssRatio = fmt.Sprintf("%.2f", float64(st.RSS)/float64(floor.RSS))
				}
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				res.Shape, count(res.Items), size(res.Bytes), row.Command, seconds(st.Wall), cpu, mib(st.RSS), reqs, conns, cpuRatio, rssRatio)
		}
		if len(res.Rows) == 0 {
			fmt.Fprintf(&b, "| %s | %s | %s | (failed) | | | | | | | |\n", res.Shape, count(res.Items), size(res.Bytes))
		}
	}
	return b.String()
}

// Scaling is a Markdown table of how each command's CPU time grows from
// one size of a shape to the next, "" when no shape has two sizes.
func (r Report) Scaling() string {
	var b strings.Builder
	for _, shape := range Shapes {
		var rs []Result
		for _, res := range r.Results {
			if res.Shape == shape && len(res.Rows) > 0 {
				rs = append(rs, res)
			}
		}
		sort.Slice(rs, func(i, j int) bool { return rs[i].Items < rs[j].Items })
		for i := 1; i < len(rs); i++ {
			lo, hi := rs[i-1], rs[i]
			if lo.Items == hi.Items {
				continue
			}
			if b.Len() == 0 {
				b.WriteString("| shape | sizes | size ratio | parse floor | plan, empty account | apply | plan, after apply |\n")
				b.WriteString("|---|---|---:|---:|---:|---:|---:|\n")
			}
			fmt.Fprintf(&b, "| %s | %s → %s | %.0f× |", shape, count(lo.Items), count(hi.Items), float64(hi.Items)/float64(lo.Items))
			for _, cmd := range []string{CmdFloor, CmdPlan, CmdApply, CmdPlanAfter} {
				a, okA := lo.Get(cmd)
				z, okZ := hi.Get(cmd)
				if okA && okZ && a.CPU > 0 {
					fmt.Fprintf(&b, " %.1f× |", float64(z.CPU)/float64(a.CPU))
				} else {
					b.WriteString(" – |")
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func seconds(d time.Duration) string { return bareSeconds(d) + " s" }

func bareSeconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func mib(n int64) string {
	if n == 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// count writes n with thousands separators: 100,000.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// writeReport replaces what lies between the markers in path with report.
func writeReport(path, report string) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := replaceBetweenMarkers(doc, report)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, info.Mode().Perm())
}

// replaceBetweenMarkers returns doc with the text between beginMarker and
// endMarker replaced by content, the markers kept.
func replaceBetweenMarkers(doc []byte, content string) ([]byte, error) {
	i := bytes.Index(doc, []byte(beginMarker))
	if i < 0 {
		return nil, errors.New("no " + beginMarker + " marker")
	}
	start := i + len(beginMarker)
	j := bytes.Index(doc[start:], []byte(endMarker))
	if j < 0 {
		return nil, errors.New("no " + endMarker + " marker after " + beginMarker)
	}
	end := start + j
	if bytes.Contains(doc[end+len(endMarker):], []byte(beginMarker)) {
		return nil, errors.New("more than one " + beginMarker + " marker")
	}
	var b bytes.Buffer
	b.Write(doc[:start])
	b.WriteString("\n\n")
	b.WriteString(strings.TrimSpace(content))
	b.WriteString("\n\n")
	b.Write(doc[end:])
	return b.Bytes(), nil
}
