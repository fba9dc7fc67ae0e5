package plan

import (
	"time"

	"github.com/rtctl/rtctl/pkg/journal"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// Status is what apply would do with an item, and why not when it would not.
type Status string

const (
	Create      Status = "create"
	InSync      Status = "in_sync"
	Deferred    Status = "deferred"
	OutOfWindow Status = "out_of_window"
	Conflict    Status = "conflict"
	Uncertain   Status = "uncertain"
	Orphaned    Status = "orphaned"
	// Held is a changed version of an item rtctl posted at the same
	// address: posting it would leave the old one in the account, which the
	// API cannot delete, so it waits for the person (--replace, or the
	// resource's lifecycle setting).
	Held Status = "held"
)

// Statuses lists every status in the order plans present them.
var Statuses = []Status{Create, Conflict, Uncertain, Held, Deferred, Orphaned, OutOfWindow, InSync}

// Kind is the type of item an action is about.
type Kind string

const (
	KindOffline    Kind = "offline_time"
	KindHighlight  Kind = "highlight"
	KindFocusStart Kind = "focus_start"
	// KindFocusEnd ends a session rtctl started that no declared schedule
	// wants any more (its window was shortened, or its schedule removed).
	KindFocusEnd Kind = "focus_end"
)

// Action is one item of a plan.
type Action struct {
	Address string
	Kind    Kind
	Status  Status
	Reason  string
	// Key identifies the item in the journal (see journal.Entry.Key).
	Key string
	// Origin is where the item is declared (file:line), empty for orphans.
	Origin string

	Offline   *Offline
	Highlight *Highlight
	Focus     *Focus

	// Request is what apply sends for a create action, exactly as the API
	// receives it but without credentials. AttachRequests fills it in.
	Request *rtapi.Request

	// SettlesAt is set on an uncertain item that needs no decision: the
	// feeds will settle it by themselves once the server has surely
	// finished what an interrupted run sent.
	SettlesAt time.Time

	// Previous is the version rtctl posted at this address before the
	// configuration changed it: set on held items, and on items created to
	// replace it.
	Previous *Previous

	// observed says a feed showed the item: the evidence that settles an
	// unanswered POST as applied.
	observed bool
	// overEarlier says the report showed earlier versions of this offline
	// block where it goes, left out of its decision: a conflict it still
	// has is beside its own earlier version, which is no orphan.
	overEarlier bool
}

// Shown reports whether a feed of this plan's read showed the item.
func (a Action) Shown() bool { return a.observed }

// Previous is an earlier version of an item, as the journal recorded it.
type Previous struct {
	Address   string
	Key       string
	Offline   *Offline
	Highlight *Highlight
	// At is when it was posted (or, when Uncertain, sent without a known
	// outcome).
	At        time.Time
	Uncertain bool
}

// Offline is an offline-time block as it would be posted.
type Offline struct {
	Start    time.Time
	End      time.Time
	Activity string
	Details  string
	// Chunk and Chunks number the pieces of a block split at the API's
	// four-hour limit; both are zero for a block posted whole.
	Chunk  int
	Chunks int
	// Note says how the configuration changed the block (trimmed because it
	// overlapped another one), empty otherwise.
	Note string
}

// Duration is the block's length.
func (o *Offline) Duration() time.Duration { return o.End.Sub(o.Start) }

// Highlight is a daily highlight as it would be posted.
type Highlight struct {
	Date        string // YYYY-MM-DD in the account's zone
	Description string
	Source      string
}

// Focus is a FocusTime session to start in a schedule window, or, for a
// focus_end action, the running session to end.
type Focus struct {
	WindowStart time.Time
	WindowEnd   time.Time
	// Minutes is the session length to request: the minutes left in the
	// window rounded down to a multiple of five, or -1 for "until the end of
	// the day". Zero for focus_end.
	Minutes int
	// SessionStart is when the session to end started (focus_end only).
	SessionStart time.Time
}

// Plan is the outcome of Make.
type Plan struct {
	Now      time.Time
	Location *time.Location
	Lookback time.Duration
	// WindowStart is now - lookback: items older than this are out of window.
	WindowStart time.Time
	Actions     []Action
	// Warnings are things the person should know that are not about one
	// item (a journal with damaged lines, a lookback longer than the feeds).
	Warnings []string
	// JournalDoubt, when set, says why the journal may not be the account's
	// whole record (lost and begun again, another journal of the account
	// beside it): the plan's first line, since it changes what "not in the
	// account" means for every item.
	JournalDoubt string
	// Evidence is what this plan saw feeds show of rtctl's own confirmed
	// POSTs, for the journal: from then on those feeds' silence counts.
	Evidence []journal.Evidence
}

// Summary counts the actions per status.
type Summary map[Status]int

// Summary counts the plan's actions per status.
func (p *Plan) Summary() Summary {
	s := Summary{}
	for _, st := range Statuses {
		s[st] = 0
	}
	for _, a := range p.Actions {
		s[a.Status]++
	}
	return s
}

// HasChanges reports whether apply would send anything now. Conflicts,
// uncertain, deferred, out-of-window, orphaned and in-sync items alone do not
// count: apply would send nothing for them.
func (p *Plan) HasChanges() bool {
	for _, a := range p.Actions {
		if a.Status == Create {
			return true
		}
	}
	return false
}

// ToCreate returns the actions apply would execute, in plan order.
func (p *Plan) ToCreate() []Action {
	var out []Action
	for _, a := range p.Actions {
		if a.Status == Create {
			out = append(out, a)
		}
	}
	return out
}
