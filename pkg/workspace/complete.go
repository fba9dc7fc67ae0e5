package workspace

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/spec"
)

// What shell completion offers. The configuration is read without
// evaluating it (spec.Declared), the journals without the account's key:
// completing never fetches a calendar, runs git or contacts RescueTime,
// and a file it cannot read offers nothing rather than an error.

// DeclaredAddresses are the addresses of the items declared in dir, then
// the kinds among them: a kind selects every item of it (--target
// highlight).
func DeclaredAddresses(dir string) []string {
	d := spec.Declared(dir)
	var out []string
	kinds := map[string]bool{}
	for _, r := range d.Resources {
		kind, _, _ := strings.Cut(r, ".")
		kinds[kind] = true
		out = append(out, r)
	}
	for _, k := range []string{spec.KindFocusSession, spec.KindHighlight, spec.KindOfflineTime} {
		if kinds[k] {
			out = append(out, k)
		}
	}
	return out
}

// DeclaredVariables are the names of the variables declared in dir.
func DeclaredVariables(dir string) []string {
	return spec.Declared(dir).Variables
}

// ZoneNames are the time zone names a configuration may give.
func ZoneNames() []string { return spec.ZoneNames() }

// Records says which of a journal's items JournalAddresses offers.
type Records int

const (
	// AnyRecord is every item the journal holds (forget).
	AnyRecord Records = iota
	// UnansweredRecords are the items sent without a known answer, or
	// with an answer that did not prove the write: what journal confirm
	// settles.
	UnansweredRecords
	// PostedRecords are the items whose POST is done (--replace).
	PostedRecords
)

func (which Records) keep(r journal.Record) bool {
	switch which {
	case UnansweredRecords:
		return r.Pending() || r.Result == journal.AppliedUnverified
	case PostedRecords:
		return r.Done()
	}
	return true
}

// JournalAddresses are the sorted addresses of the items which selects
// in the journals of the configuration in dir (every one in its .rtctl:
// which is the account's needs the key), or in the journal file given,
// leaving out what rtctl has forgotten and the addresses in skip.
func JournalAddresses(dir, file string, which Records, skip []string) []string {
	paths, _ := filepath.Glob(filepath.Join(dir, ".rtctl", "*journal*.jsonl"))
	if file != "" {
		paths = []string{file}
	}
	seen := map[string]bool{}
	for _, a := range skip {
		seen[a] = true
	}
	var out []string
	for _, p := range paths {
		// A damaged journal still names its items.
		st, _ := journal.Read(p)
		if st == nil {
			continue
		}
		for _, r := range st.Records() {
			if r.Forgotten || !which.keep(r) || seen[r.Address] {
				continue
			}
			seen[r.Address] = true
			out = append(out, r.Address)
		}
	}
	slices.Sort(out)
	return out
}
