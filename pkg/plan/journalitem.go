package plan

import (
	"encoding/json"
	"fmt"
	"time"
)

// journalItem is what the journal stores about an item, so that a plan can
// still describe it (and place it in time) after it left the configuration.
// It is a file format read back by later versions, so it has types of its
// own: renaming a field of Offline, Highlight or Focus must not change what
// is written, nor make old journals unreadable.
type journalItem struct {
	Offline   *journalOffline   `json:"offline_time,omitempty"`
	Highlight *journalHighlight `json:"highlight,omitempty"`
	Focus     *journalFocus     `json:"focus,omitempty"`
}

type journalOffline struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Activity string    `json:"activity"`
	Details  string    `json:"details,omitempty"`
	Chunk    int       `json:"chunk,omitempty"`
	Chunks   int       `json:"chunks,omitempty"`
	Note     string    `json:"note,omitempty"`
}

type journalHighlight struct {
	Date        string `json:"date"`
	Description string `json:"description"`
	Source      string `json:"source,omitempty"`
}

type journalFocus struct {
	WindowStart  time.Time `json:"window_start"`
	WindowEnd    time.Time `json:"window_end"`
	Minutes      int       `json:"minutes"`
	SessionStart time.Time `json:"session_start,omitzero"`
}

// item is the content of a journal record as the domain types hold it.
type item struct {
	Offline   *Offline
	Highlight *Highlight
	Focus     *Focus
}

// JournalItem encodes the content of an action for the journal.
func (a Action) JournalItem() json.RawMessage {
	var ji journalItem
	if o := a.Offline; o != nil {
		ji.Offline = &journalOffline{Start: o.Start, End: o.End, Activity: o.Activity, Details: o.Details, Chunk: o.Chunk, Chunks: o.Chunks, Note: o.Note}
	}
	if h := a.Highlight; h != nil {
		ji.Highlight = &journalHighlight{Date: h.Date, Description: h.Description, Source: h.Source}
	}
	if f := a.Focus; f != nil {
		ji.Focus = &journalFocus{WindowStart: f.WindowStart, WindowEnd: f.WindowEnd, Minutes: f.Minutes, SessionStart: f.SessionStart}
	}
	b, err := json.Marshal(ji)
	if err != nil {
		// The types above hold only strings, numbers and times.
		panic(fmt.Sprintf("plan: encoding journal item: %v", err))
	}
	return b
}

// decodeItem reads what JournalItem wrote.
func decodeItem(raw json.RawMessage) (item, error) {
	var ji journalItem
	if err := json.Unmarshal(raw, &ji); err != nil {
		return item{}, err
	}
	var it item
	if o := ji.Offline; o != nil {
		it.Offline = &Offline{Start: o.Start, End: o.End, Activity: o.Activity, Details: o.Details, Chunk: o.Chunk, Chunks: o.Chunks, Note: o.Note}
	}
	if h := ji.Highlight; h != nil {
		it.Highlight = &Highlight{Date: h.Date, Description: h.Description, Source: h.Source}
	}
	if f := ji.Focus; f != nil {
		it.Focus = &Focus{WindowStart: f.WindowStart, WindowEnd: f.WindowEnd, Minutes: f.Minutes, SessionStart: f.SessionStart}
	}
	return it, nil
}
