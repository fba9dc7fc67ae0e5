//go:build race

package main

// raceEnabled: the race detector slows every rtctl process the tests
// start several times over, so the crash test runs smaller under it.
const raceEnabled = true
