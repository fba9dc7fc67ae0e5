package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/rtctl/rtctl/internal/atomicfile"
)

// Markers around the figures in docs/RELIABILITY.md: the crash test
// replaces what is between them, so the document quotes a run, never a
// typed figure.
const (
	figuresBegin = "<!-- crash-figures:begin -->"
	figuresEnd   = "<!-- crash-figures:end -->"
)

// writeReliabilityFigures puts the figures of a crash run into the
// document at path, between its markers.
func writeReliabilityFigures(path string, figures []crashFigures, long bool) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	i, j := bytes.Index(doc, []byte(figuresBegin)), bytes.Index(doc, []byte(figuresEnd))
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %s ... %s markers", path, figuresBegin, figuresEnd)
	}
	var b strings.Builder
	size := "the suite's size"
	if long {
		size = "the release size (RTCTL_CRASH_LONG=1)"
	}
	fmt.Fprintf(&b, "%s\n\nLatest run: %s, %s/%s, %d CPUs, %s.\n\n", figuresBegin, time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), size)
	b.WriteString("| model | runs | kills | items left in flight by a kill | resolved by a person | journal lost | runs on another journal | journal commands refused while apply held the lock | runs with the account's clock behind | items | duplicates | lost |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	total := crashFigures{}
	lost := 0
	for _, f := range figures {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d (%d confirmed, %d adopted, %d retried) | %s | %d | %d | %d | %d | %d | %d |\n",
			f.model, f.runs, f.kills, f.inFlight, f.confirmed+f.adopted+f.retried, f.confirmed, f.adopted, f.retried, map[bool]string{true: "yes", false: "no"}[f.lostJournal], f.otherRuns, f.refused, f.laggedRuns, f.items, f.dups, f.lost)
		total.runs += f.runs
		total.kills += f.kills
		total.inFlight += f.inFlight
		total.otherRuns += f.otherRuns
		total.refused += f.refused
		total.laggedRuns += f.laggedRuns
		total.items += f.items
		total.dups += f.dups
		total.lost += f.lost
		if f.lostJournal {
			lost++
		}
	}
	fmt.Fprintf(&b, "| **all** | %d | %d | %d | | %d of %d | %d | %d | %d | %d | %d | %d |\n\n", total.runs, total.kills, total.inFlight, lost, len(figures), total.otherRuns, total.refused, total.laggedRuns, total.items, total.dups, total.lost)
	out := append(append(append([]byte{}, doc[:i]...), b.String()...), doc[j:]...)
	return atomicfile.Write(path, out)
}
