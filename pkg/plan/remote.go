package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"time"
)

// Remote is a snapshot of what the account's feeds reported.
type Remote struct {
	Offline      []OfflineBucket
	Highlights   []RemoteHighlight
	FocusStarted []FocusEvent
	FocusEnded   []FocusEvent
	// Requests is how many HTTP requests the observation took.
	Requests int
}

// OfflineBucket is one row of the Analytic Data API for offline time: the
// seconds of one activity in one five-minute bucket.
type OfflineBucket struct {
	Start    time.Time `json:"start"`
	Activity string    `json:"activity"`
	Seconds  int       `json:"seconds"`
}

// RemoteHighlight is one item of the highlights feed.
type RemoteHighlight struct {
	ID          int64  `json:"id"`
	Date        string `json:"date"`
	Description string `json:"description"`
}

// FocusEvent is one item of a FocusTime feed.
type FocusEvent struct {
	At      time.Time `json:"at"`
	Minutes int       `json:"minutes,omitempty"`
}

// Fingerprint summarises the snapshot. A saved plan records it, so that
// anyone can tell whether two plans saw the same account; staleness itself
// is decided item by item (see apply.Reconcile), since a change elsewhere in
// the account does not make a plan wrong.
func (r *Remote) Fingerprint() string {
	h := sha256.New()
	r.writeCanonical(h)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func (r *Remote) writeCanonical(w io.Writer) {
	off := append([]OfflineBucket(nil), r.Offline...)
	sort.Slice(off, func(i, j int) bool {
		if !off[i].Start.Equal(off[j].Start) {
			return off[i].Start.Before(off[j].Start)
		}
		return off[i].Activity < off[j].Activity
	})
	for _, b := range off {
		fmt.Fprintf(w, "o|%d|%q|%d\n", b.Start.Unix(), b.Activity, b.Seconds)
	}
	hl := append([]RemoteHighlight(nil), r.Highlights...)
	sort.Slice(hl, func(i, j int) bool {
		if hl[i].Date != hl[j].Date {
			return hl[i].Date < hl[j].Date
		}
		return hl[i].Description < hl[j].Description
	})
	for _, h := range hl {
		fmt.Fprintf(w, "h|%s|%q\n", h.Date, h.Description)
	}
	for _, f := range sortedEvents(r.FocusStarted) {
		fmt.Fprintf(w, "fs|%d|%d\n", f.At.Unix(), f.Minutes)
	}
	for _, f := range sortedEvents(r.FocusEnded) {
		fmt.Fprintf(w, "fe|%d\n", f.At.Unix())
	}
}

func sortedEvents(ev []FocusEvent) []FocusEvent {
	out := append([]FocusEvent(nil), ev...)
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}
