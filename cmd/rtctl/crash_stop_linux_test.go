package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// canStopProcesses: the crash campaign's lock probe runs here.
const canStopProcesses = true

// stopProcess stops a child process with SIGSTOP and waits until it is
// stopped: the signal is delivered asynchronously, and a process still
// running on the other core could write its journal after Signal returned.
// It reports false when the child exited before it could stop (it is left
// for its Wait to reap).
func stopProcess(pid int) (bool, error) {
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		return false, fmt.Errorf("stopping %d: %w", pid, err)
	}
	const (
		pPID       = 1
		wStopped   = 0x2
		wExited    = 0x4
		wNoWait    = 0x1000000
		cldStopped = 5
	)
	// siginfo_t: si_signo, si_errno, si_code, then the union; 128 bytes.
	var info [128]byte
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid), uintptr(unsafe.Pointer(&info[0])), wStopped|wExited|wNoWait, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return false, fmt.Errorf("waiting for %d to stop: %w", pid, errno)
		}
		code := *(*int32)(unsafe.Pointer(&info[8]))
		return code == cldStopped, nil
	}
}

// continueProcess lets a process stopped by stopProcess go on.
func continueProcess(pid int) error { return syscall.Kill(pid, syscall.SIGCONT) }

// processState is the state the kernel shows for process pid ("T" while
// stopped, "Z" once exited and not yet waited for), or why it cannot be
// read: what the lock probe says about an apply that no longer held the
// lock it was probing.
func processState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return fmt.Sprintf("unknown (%v)", err)
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return fmt.Sprintf("unknown (%q)", b)
	}
	return string(b[i+2 : i+3])
}

// lockHolders are the processes that hold an flock on the file at path,
// as /proc/locks names them: the lock probe checks that the stopped apply
// itself holds the account's lock, not merely that someone does.
func lockHolders(path string) ([]int, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, fmt.Errorf("no inode for %s", path)
	}
	data, err := os.ReadFile("/proc/locks")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, line := range strings.Split(string(data), "\n") {
		// 1: FLOCK  ADVISORY  WRITE 4619 fe:00:9978180 0 EOF; a waiter's
		// line has "->" after the number, and holds nothing.
		f := strings.Fields(line)
		if len(f) < 6 || f[1] != "FLOCK" {
			continue
		}
		dev := strings.Split(f[5], ":")
		if len(dev) != 3 {
			continue
		}
		if ino, err := strconv.ParseUint(dev[2], 10, 64); err != nil || ino != st.Ino {
			continue
		}
		pid, err := strconv.Atoi(f[4])
		if err != nil {
			continue
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// stopHelperEnv makes TestStoppedApplyStaysStoppedWhenItsGroupIsOrphaned
// the process that starts and stops one, in the group the test orphans.
const stopHelperEnv = "RTCTL_TEST_STOP_HELPER"

// TestStoppedApplyStaysStoppedWhenItsGroupIsOrphaned: when the process
// that ties a process group to its session exits (the shell that started
// go test in the background returns), the kernel sends SIGHUP and then
// SIGCONT to every process of the group if one of them is stopped
// (POSIX's orphaned process group). An apply the lock probe stopped was
// in the test's group: it went on, or died of the hangup, while the
// probe's commands ran, which then found the lock free. The test plays
// it out: a shell in a group of its own starts this test binary as the
// helper, which starts a process as startApply does and stops it as the
// probe does; the shell exits, orphaning its group, and the process must
// still be stopped.
func TestStoppedApplyStaysStoppedWhenItsGroupIsOrphaned(t *testing.T) {
	if os.Getenv(stopHelperEnv) != "" {
		stopHelper(t)
		return
	}
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The helper keeps the process stopped until release is closed.
	hold, release, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer release.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The shell's own output goes to /dev/null, so that the pipe ends when
	// the helper does, whatever the shell does.
	sh := exec.CommandContext(ctx, "sh", "-c", `"$0" -test.run='^TestStoppedApplyStaysStoppedWhenItsGroupIsOrphaned$' & exec >/dev/null; read -r _; exit 0`, exe)
	sh.Env = append(os.Environ(), stopHelperEnv+"=1")
	sh.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	sh.ExtraFiles = []*os.File{hold}
	stdin, err := sh.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sh.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	hold.Close()
	var pid int
	if _, err := fmt.Fscan(out, &pid); err != nil {
		t.Fatalf("the helper named no stopped process: %v", err)
	}
	// The shell was the group's tie to the session: its exit orphans the
	// group, and whatever the kernel sends for that is sent by the time
	// it can be waited for.
	stdin.Close()
	if err := sh.Wait(); err != nil {
		t.Fatalf("the shell: %v", err)
	}
	if state := processState(pid); state != "T" {
		t.Errorf("the process stopped as the lock probe stops an apply is in state %s once the group the test ran in was orphaned, want T (stopped)", state)
	}
}

// stopHelper starts a process as startApply does, stops it as the lock
// probe does, prints its process ID, and keeps it until the test closes
// the pipe it was given as file 3.
func stopHelper(t *testing.T) {
	// Outlive the hangup, as a run under nohup does: what counts is
	// whether the stopped process is continued.
	signal.Ignore(syscall.SIGHUP)
	hold := os.NewFile(3, "hold")
	cmd := exec.Command("sleep", "600")
	stoppable(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	if stopped, err := stopProcess(cmd.Process.Pid); err != nil || !stopped {
		t.Fatalf("stopping the process: %v (stopped %v)", err, stopped)
	}
	fmt.Println(cmd.Process.Pid)
	_, _ = io.Copy(io.Discard, hold)
}

// stoppable puts an apply the lock probe may stop in a process group of
// its own, whose tie to the session is the test process: were it in the
// test's group, the exit of whatever started go test could orphan that
// group while the apply is stopped, and the kernel would continue it (or
// kill it with SIGHUP) in the middle of the probe.
func stoppable(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
