package plan

import (
	"time"
)

// Desired is what the configuration declares, reduced to what the diff
// needs. FromConfig builds it from a loaded configuration; tests build it
// directly.
type Desired struct {
	Location *time.Location
	Lookback time.Duration

	Offline    []DesiredOffline
	Highlights []DesiredHighlight
	Focus      []DesiredFocus

	// Notes are things the configuration did that the plan should say,
	// such as blocks on_overlap = "trim" dropped entirely.
	Notes []string

	// Replace are address patterns (MatchAddress) whose changed items are
	// posted rather than held: the person asked for it (--replace).
	Replace []string

	// JournalDoubts are reasons the caller found to doubt that the journal
	// holds all rtctl posted to the account (a lock file of an earlier
	// apply with no journal, another journal of the account beside it).
	JournalDoubts []JournalDoubt

	// OtherJournals are the account's other journals, whose records count
	// as the journal's own (see OtherJournal).
	OtherJournals []OtherJournal
}

// DesiredOffline is a declared offline-time block, before splitting.
type DesiredOffline struct {
	Address    string
	Origin     string // file:line
	Start, End time.Time
	Activity   string
	Details    string
	Note       string // e.g. how on_overlap = "trim" shortened it
	// PostChanges posts a changed version instead of holding it: the
	// resource's lifecycle says so.
	PostChanges bool
}

// DesiredHighlight is a declared daily highlight.
type DesiredHighlight struct {
	Address     string
	Origin      string
	Date        string // YYYY-MM-DD
	Description string
	Source      string
	// PostChanges: see DesiredOffline.
	PostChanges bool
}

// DesiredFocus is a declared FocusTime schedule.
type DesiredFocus struct {
	Address string
	Origin  string
	Days    [7]bool // indexed by time.Weekday
	// Start is the offset of the window's start from local midnight.
	Start         time.Duration
	Duration      time.Duration
	UntilEndOfDay bool
	// From and To bound the schedule (YYYY-MM-DD, inclusive); empty means
	// unbounded.
	From, To string
}
