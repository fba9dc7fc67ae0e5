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

// ClockSkewMargin is how far rtctl's clock and RescueTime's may disagree
// when a feed's times of entry are compared with the journal's times of
// intent. Hosts on NTP agree to well under a second; CI runners and laptops
// waking from sleep have been seen minutes off. The margin only ever turns a
// feed's silence from proof into "uncertain", never a post into a second
// one, so it is generous.
const ClockSkewMargin = 2 * time.Minute

// HighlightsCoverSince is the earliest time of intent (rtctl's clock) whose
// highlight this read of the highlights feed would certainly list. The feed
// lists the latest highlights entered, by time of entry, perhaps only so
// many of them: every highlight entered after the oldest it returned is in
// it, but one entered in the same tick as that oldest one (its times have
// whole seconds) may have been cut, and the server's clock may be behind
// rtctl's. So the feed covers intents from one tick of its precision after
// its oldest entry, plus ClockSkewMargin. Zero when it returned nothing, or
// nothing with a time of entry: then its silence proves nothing.
func (r *Remote) HighlightsCoverSince() time.Time {
	var oldest time.Time
	times := make([]time.Time, 0, len(r.Highlights))
	for _, h := range r.Highlights {
		if h.CreatedAt.IsZero() {
			return time.Time{}
		}
		times = append(times, h.CreatedAt)
		if oldest.IsZero() || h.CreatedAt.Before(oldest) {
			oldest = h.CreatedAt
		}
	}
	if oldest.IsZero() {
		return time.Time{}
	}
	return oldest.Add(feedPrecision(times) + ClockSkewMargin)
}

// feedPrecision is the coarsest unit every one of a feed's times is a whole
// multiple of: a second for times written without a fraction, a minute
// where they have no seconds either. Taking a coarser unit than the feed's
// true one (every time happening to fall on a whole minute) only makes it
// prove less.
func feedPrecision(times []time.Time) time.Duration {
	for _, unit := range []time.Duration{time.Minute, time.Second, time.Millisecond, time.Microsecond} {
		whole := true
		for _, t := range times {
			if !t.Truncate(unit).Equal(t) {
				whole = false
				break
			}
		}
		if whole {
			return unit
		}
	}
	return time.Nanosecond
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
