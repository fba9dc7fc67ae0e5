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

// HighlightsCoverSince is how far back the highlights feed of this read
// demonstrably reaches: it lists the latest highlights entered (by time of
// entry), so every highlight entered since the oldest it returned would be
// in it. Zero when it returned nothing, or nothing with a time of entry: then
// its silence proves nothing.
func (r *Remote) HighlightsCoverSince() time.Time {
	var since time.Time
	for _, h := range r.Highlights {
		if h.CreatedAt.IsZero() {
			return time.Time{}
		}
		if since.IsZero() || h.CreatedAt.Before(since) {
			since = h.CreatedAt
		}
	}
	return since
}

// OfflineBucket is one row of the Analytic Data API for offline time: the
// seconds of one activity in one five-minute bucket.
type OfflineBucket struct {
	Start    time.Time
	Activity string
	Category string
	Seconds  int
}

// RemoteHighlight is one item of the highlights feed.
type RemoteHighlight struct {
	ID          int64
	Date        string
	Description string
	// CreatedAt is when it was entered; zero when the feed did not say.
	CreatedAt time.Time
}

// FocusEvent is one item of a FocusTime feed.
type FocusEvent struct {
	At      time.Time
	Minutes int
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
