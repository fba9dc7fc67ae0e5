package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/internal/safefile"
)

// stateVersion is the state file's format version.
const stateVersion = 1

// stateFile is the persisted state. Tokens are stored as SHA-256 digests;
// authorization codes, faults and the clock are not persisted.
type stateFile struct {
	Version  int                   `json:"version"`
	NextID   int64                 `json:"next_id"`
	Accounts []accountState        `json:"accounts"`
	Clients  []OAuthClient         `json:"oauth_clients"`
	Tokens   map[string]tokenGrant `json:"tokens"`
}

type accountState struct {
	Account
	OfflineTime []OfflineTime `json:"offline_time"`
	Highlights  []Highlight   `json:"highlights"`
	FocusStarts []FocusStart  `json:"focus_starts"`
	FocusEnds   []FocusEnd    `json:"focus_ends"`
}

// saveLocked writes the state atomically, so a crash leaves either the old
// state or the new. The caller holds e.mu.
func (e *Emulator) saveLocked() error {
	if e.statePath == "" {
		return nil
	}
	st := stateFile{Version: stateVersion, NextID: e.nextID, Tokens: e.tokens, Clients: []OAuthClient{}, Accounts: []accountState{}}
	for _, k := range e.sortedKeys() {
		a := e.accounts[k]
		st.Accounts = append(st.Accounts, accountState{
			Account: a.Account, OfflineTime: a.offline, Highlights: a.highlights,
			FocusStarts: a.focusStarts, FocusEnds: a.focusEnds,
		})
	}
	for _, c := range e.clients {
		st.Clients = append(st.Clients, c)
	}
	sort.Slice(st.Clients, func(i, j int) bool { return st.Clients[i].ID < st.Clients[j].ID })
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save emulator state: %w", err)
	}
	if err := atomicfile.Write(e.statePath, data); err != nil {
		return fmt.Errorf("save emulator state: %w", err)
	}
	return nil
}

// maxStateBytes bounds the state file: a sandbox holds what one person
// posted by hand or from a configuration, far below this.
const maxStateBytes = 64 << 20

// load reads the state file; a missing file is an empty state. A state file
// that could not be saved is refused at once: a link (the sandbox keeps its
// state in .rtctl/, which people commit), or a path through a linked .rtctl.
// Reading refuses pipes and devices and bounds the size.
func (e *Emulator) load() error {
	if err := safefile.Check(e.statePath); err != nil {
		return fmt.Errorf("load emulator state: %w", err)
	}
	data, err := safefile.ReadFile(e.statePath, maxStateBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load emulator state: %w", err)
	}
	var st stateFile
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("load emulator state %s: %w", e.statePath, err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("load emulator state %s: format version %d, want %d", e.statePath, st.Version, stateVersion)
	}
	e.nextID = st.NextID
	for _, as := range st.Accounts {
		a, err := newAccount(as.Account)
		if err != nil {
			return fmt.Errorf("load emulator state %s: %w", e.statePath, err)
		}
		for _, o := range as.OfflineTime {
			o.Start, o.End, o.PostedAt = o.Start.In(a.loc), o.End.In(a.loc), o.PostedAt.In(a.loc)
			a.offline = append(a.offline, o)
		}
		sort.Slice(a.offline, func(i, j int) bool { return offlineLess(a.offline[i], a.offline[j]) })
		a.highlights, a.focusStarts, a.focusEnds = as.Highlights, as.FocusStarts, as.FocusEnds
		e.accounts[a.Key] = a
	}
	for _, c := range st.Clients {
		e.clients[c.ID] = c
	}
	for k, t := range st.Tokens {
		e.tokens[k] = t
	}
	return nil
}
