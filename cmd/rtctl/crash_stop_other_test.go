//go:build !linux

package main

import "os/exec"

// canStopProcesses: waiting for a stopped process needs waitid, which
// only the Linux build uses; the crash campaign's lock probe is skipped
// here.
const canStopProcesses = false

// stopProcess cannot wait for a stop here: the lock probe is skipped.
func stopProcess(int) (bool, error) { return false, nil }

func continueProcess(int) error { return nil }

func processState(int) string { return "unknown" }

func lockHolders(string) ([]int, error) { return nil, nil }

// stoppable: no process is stopped here.
func stoppable(*exec.Cmd) {}
