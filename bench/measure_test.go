package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// buildLaunch builds bench/launch into a temporary directory.
func buildLaunch(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "launch")
	if out, err := exec.Command("go", "build", "-o", bin, "./launch").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// On Linux a child's ru_maxrss counts the address space it was started
// from, so a small command started straight from a large bench reported
// bench's size. Through launch it reports its own.
func TestPeakRSSIsTheCommandsOwn(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the inherited peak is a Linux behaviour")
	}
	launch := buildLaunch(t)
	ballast := make([]byte, 256<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	p := Proc{Launch: launch, Args: []string{"/bin/sh", "-c", "exit 3"}, Want: []int{3}, Output: filepath.Join(t.TempDir(), "out"), Timeout: time.Minute}
	s, err := p.Run(context.Background())
	runtime.KeepAlive(ballast)
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS <= 0 || s.RSS > 64<<20 {
		t.Errorf("peak RSS of sh: %d bytes", s.RSS)
	}
	if s.Wall <= 0 || s.Wall > time.Minute {
		t.Errorf("wall %s", s.Wall)
	}
}

func TestRunReportsFailures(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses /bin/sh")
	}
	launch := buildLaunch(t)
	out := filepath.Join(t.TempDir(), "out")
	p := Proc{Launch: launch, Args: []string{"/bin/sh", "-c", "echo broken >&2; exit 1"}, Want: []int{0}, Output: out, Timeout: time.Minute}
	_, err := p.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "exit code 1, want [0]") || !strings.Contains(err.Error(), "broken") {
		t.Errorf("got %v", err)
	}
	// A command that outlives its time limit is stopped, launch and all.
	p = Proc{Launch: launch, Args: []string{"/bin/sh", "-c", "sleep 30"}, Want: []int{0}, Output: out, Timeout: 200 * time.Millisecond}
	start := time.Now()
	if _, err := p.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "stopped after") {
		t.Errorf("got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("stopping took %s", d)
	}
	if _, err := os.Stat(out + ".stdout"); err != nil {
		t.Error(err)
	}
}
