package workspace

import (
	"os"

	"github.com/rtctl/rtctl/pkg/journal"
)

// DamagedJournalError is what reading a journal with lines that fail their
// checksum returns (ReadJournal returns the rest of it beside the error).
type DamagedJournalError = journal.DamagedError

// CheckJournalFile says why a journal file a person named (--journal)
// cannot be read: an *os.PathError, nil when it is there.
func CheckJournalFile(path string) error {
	_, err := os.Stat(path)
	return err
}

// HasSandboxJournal reports whether the sandbox beside the configuration
// has a journal of its own, which the person may be looking for.
func (w *Workspace) HasSandboxJournal() bool {
	_, err := os.Stat(SandboxJournalPath(w.Dir()))
	return err == nil
}
