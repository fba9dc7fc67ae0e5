package main

import (
	"fmt"
	"syscall"
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
