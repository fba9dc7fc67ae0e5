package emulator

import (
	"fmt"
	"sort"
)

// Record is everything posted to the emulator, per account, in posting
// order: what tests count to prove exactly what was written.
type Record struct {
	Accounts []AccountRecord `json:"accounts"`
}

// AccountRecord is everything posted to one account.
type AccountRecord struct {
	Key         string        `json:"key"`
	OfflineTime []OfflineTime `json:"offline_time"`
	Highlights  []Highlight   `json:"highlights"`
	FocusStarts []FocusStart  `json:"focus_starts"`
	FocusEnds   []FocusEnd    `json:"focus_ends"`
}

// Kinds of posted items, as Count names them.
const (
	KindOfflineTime = "offline_time"
	KindHighlight   = "highlight"
	KindFocusStart  = "focus_start"
	KindFocusEnd    = "focus_end"
)

// Account returns the record of the account with key.
func (r Record) Account(key string) (AccountRecord, bool) {
	for _, a := range r.Accounts {
		if a.Key == key {
			return a, true
		}
	}
	return AccountRecord{}, false
}

// Count returns how many items of kind were posted.
func (a AccountRecord) Count(kind string) (int, error) {
	switch kind {
	case KindOfflineTime:
		return len(a.OfflineTime), nil
	case KindHighlight:
		return len(a.Highlights), nil
	case KindFocusStart:
		return len(a.FocusStarts), nil
	case KindFocusEnd:
		return len(a.FocusEnds), nil
	}
	return 0, fmt.Errorf("unknown kind %q: want %s, %s, %s or %s", kind, KindOfflineTime, KindHighlight, KindFocusStart, KindFocusEnd)
}

// Record returns a copy of everything posted, accounts ordered by key.
func (e *Emulator) Record() Record {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rec := Record{Accounts: []AccountRecord{}}
	for _, k := range e.sortedKeys() {
		rec.Accounts = append(rec.Accounts, e.accounts[k].record())
	}
	return rec
}

func (a *account) record() AccountRecord {
	off := append([]OfflineTime{}, a.offline...)
	sort.Slice(off, func(i, j int) bool { return off[i].ID < off[j].ID })
	return AccountRecord{
		Key:         a.Key,
		OfflineTime: off,
		Highlights:  append([]Highlight{}, a.highlights...),
		FocusStarts: append([]FocusStart{}, a.focusStarts...),
		FocusEnds:   append([]FocusEnd{}, a.focusEnds...),
	}
}
