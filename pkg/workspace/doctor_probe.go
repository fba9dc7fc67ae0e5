package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/rtctl/rtctl/internal/ctxtime"
	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
)

// The probe's defaults: the documented Lite sync is 30 minutes, so a
// deadline of 40 leaves room for one late sync; reading once a minute
// measures the delay to the minute.
const (
	DefaultProbeDeadline = 40 * time.Minute
	DefaultProbeInterval = time.Minute
	// ProbeActivity is the activity name the probe posts under, so that
	// a person recognises the block in RescueTime.
	ProbeActivity = "rtctl doctor probe"
	// ProbeAddress is the address the journal files the probe under.
	ProbeAddress = "doctor.probe"
	// probeHour is the local hour the probe's block starts at: a time few
	// people are awake to declare offline time for.
	probeHour = 4
)

// ErrProbeDeclined is returned when the person did not approve the probe.
var ErrProbeDeclined = errors.New("the probe was not approved: nothing was posted")

// ProbeIntent is exactly what the probe would post, for the person to
// approve.
type ProbeIntent struct {
	Start, End time.Time // in the account's zone
	Activity   string
	Details    string
	// Request is the request as the API receives it, without credentials.
	Request rtapi.Request
	// Already is set when the journal shows this very block posted by an
	// earlier probe: nothing is posted again, the report is only watched.
	Already bool
}

// ProbeResult is what the probe saw.
type ProbeResult struct {
	Intent ProbeIntent `json:"intent"`
	// Posted says the block was posted by this run.
	Posted   bool      `json:"posted"`
	PostedAt time.Time `json:"posted_at,omitzero"`
	// Seen says the report showed it before the deadline, at SeenAt,
	// under Activity and Category.
	Seen     bool          `json:"seen"`
	SeenAt   time.Time     `json:"seen_at,omitzero"`
	Delay    time.Duration `json:"delay,omitempty"`
	Activity string        `json:"activity,omitempty"`
	Category string        `json:"category,omitempty"`
	// Shape is as-posted or other-name when seen, hidden when not.
	Shape string `json:"shape"`
	// Watched is how long the report was watched.
	Watched time.Duration `json:"watched"`
}

// probeBlock is the 5-minute block the probe posts: starting at probeHour
// on the latest day it has already ended.
func probeBlock(now time.Time, loc *time.Location) (time.Time, time.Time) {
	n := now.In(loc)
	start := time.Date(n.Year(), n.Month(), n.Day(), probeHour, 0, 0, 0, loc)
	if start.Add(rtapi.MinOfflineDuration).After(now) {
		start = time.Date(n.Year(), n.Month(), n.Day()-1, probeHour, 0, 0, 0, loc)
	}
	return start, start.Add(rtapi.MinOfflineDuration)
}

func (w *Workspace) probe(ctx context.Context, c *rtapi.Client, loc *time.Location, opts DoctorOptions, rec *recorder) (*ProbeResult, error) {
	if opts.ProbeDeadline <= 0 {
		opts.ProbeDeadline = DefaultProbeDeadline
	}
	if opts.ProbeInterval <= 0 {
		opts.ProbeInterval = DefaultProbeInterval
	}
	if opts.Sleep == nil {
		opts.Sleep = ctxtime.Sleep
	}
	if opts.Consent == nil {
		return nil, errors.New("the probe posts to the account and needs the person's approval")
	}
	start, end := probeBlock(w.instant(), loc)
	details := "posted by rtctl doctor --probe on " + w.instant().In(loc).Format(time.DateOnly) + " to learn how this account reports offline time"
	a := plan.Action{
		Address: ProbeAddress,
		Kind:    plan.KindOffline,
		Status:  plan.Create,
		Key:     plan.OfflineKey(start, end, ProbeActivity, details),
		Offline: &plan.Offline{Start: start, End: end, Activity: ProbeActivity, Details: details},
	}
	req, err := c.OfflineTimeRequest(rtapi.OfflineTimePost{Start: start, End: end, ActivityName: ProbeActivity, ActivityDetails: details})
	if err != nil {
		return nil, fmt.Errorf("the probe's request: %w", err)
	}
	a.Request = &req
	intent := ProbeIntent{Start: start, End: end, Activity: ProbeActivity, Details: details, Request: req}
	_, st, err := w.readJournal()
	if err != nil {
		return nil, err
	}
	prev, known := st.Lookup(a.Key)
	switch {
	case known && prev.Done():
		intent.Already = true
	case known && prev.Pending():
		return nil, fmt.Errorf("an earlier probe's POST of %s is unanswered: run rtctl plan to settle it from the feeds before probing again", ProbeAddress)
	}
	res := &ProbeResult{Intent: intent}
	ok, err := opts.Consent(intent)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, ErrProbeDeclined
	}
	baseline, err := offlineSeconds(ctx, c, start, end)
	if err != nil {
		return res, fmt.Errorf("reading the report before the probe: %w", err)
	}
	if intent.Already {
		res.PostedAt = prev.ResultAt
		// What the report shows now may be the earlier probe itself.
		baseline = map[string]offlineShown{}
	} else {
		postedAt, err := w.postProbe(ctx, c, a)
		if err != nil {
			return res, err
		}
		res.Posted, res.PostedAt = true, postedAt
	}
	clock := w.opts.Clock
	began := clock()
	for {
		shown, err := offlineSeconds(ctx, c, start, end)
		if err != nil {
			return res, fmt.Errorf("reading the report: %w", err)
		}
		if name, s, ok := probeShown(shown, baseline); ok {
			res.Seen, res.SeenAt, res.Activity, res.Category = true, clock(), name, s.category
			res.Delay = max(res.SeenAt.Sub(res.PostedAt), 0)
			res.Shape = "as-posted"
			if norm(name) != norm(ProbeActivity) {
				res.Shape = "other-name"
			}
			break
		}
		if !clock().Before(began.Add(opts.ProbeDeadline)) {
			res.Shape = "hidden"
			break
		}
		if err := opts.Sleep(ctx, opts.ProbeInterval); err != nil {
			res.Watched = clock().Sub(began)
			return res, fmt.Errorf("stopped watching the report after %s: %w", plan.RoundDuration(res.Watched), err)
		}
	}
	res.Watched = clock().Sub(began)
	if res.Seen && !intent.Already {
		ev := journal.Evidence{Feed: journal.FeedOffline, Key: a.Key, PostedAt: res.PostedAt, SeenAt: res.SeenAt,
			Activity: res.Activity, Category: res.Category, PostedActivity: ProbeActivity}
		if err := w.appendUnderLock(ctx, opts.LockTimeout, journal.Entry{Type: journal.EvidenceEntry, Evidence: &ev}); err != nil {
			return res, err
		}
	}
	return res, nil
}

// postProbe posts the probe's block the way apply posts: under the
// account's locks, its intent journaled before the POST. The journal then
// forgets it at once: it is no declared item, and plans must not list it
// as an orphan. The locks are let go before the report is watched, which
// may take the better part of an hour.
func (w *Workspace) postProbe(ctx context.Context, c *rtapi.Client, a plan.Action) (time.Time, error) {
	locks, err := w.lock(ctx, 0, "rtctl doctor --probe")
	if err != nil {
		return time.Time{}, err
	}
	defer locks.Release()
	jw, err := w.openJournalWriter(locks.Journal, "probe")
	if err != nil {
		return time.Time{}, err
	}
	defer jw.Close()
	res, err := apply.Run(ctx, c, jw, []plan.Action{a}, apply.Options{Parallelism: 1, Now: w.opts.Clock})
	if err != nil {
		return time.Time{}, fmt.Errorf("posting the probe: %w", err)
	}
	it := res.Items[0]
	if it.Outcome != apply.Created {
		if it.Err != nil {
			return time.Time{}, fmt.Errorf("posting the probe (%s): %w", it.Outcome, it.Err)
		}
		return time.Time{}, fmt.Errorf("posting the probe: %s", it.Outcome)
	}
	postedAt := w.opts.Clock()
	if err := jw.Append(journal.Entry{Type: journal.Forget, Key: a.Key, Address: a.Address}); err != nil {
		return postedAt, err
	}
	return postedAt, nil
}

func (w *Workspace) openJournalWriter(held *journal.Lock, what string) (*journal.Writer, error) {
	jpath, err := w.JournalPath()
	if err != nil {
		return nil, err
	}
	acct, err := w.JournalAccount()
	if err != nil {
		return nil, err
	}
	return journal.OpenWriter(held, jpath, w.present(), fmt.Sprintf("%s-%s-%d", w.instant().UTC().Format("20060102T150405Z"), what, os.Getpid()), acct)
}

func (w *Workspace) appendUnderLock(ctx context.Context, timeout time.Duration, entries ...journal.Entry) error {
	locks, err := w.lock(ctx, timeout, "rtctl doctor --probe")
	if err != nil {
		return err
	}
	defer locks.Release()
	jw, err := w.openJournalWriter(locks.Journal, "probe")
	if err != nil {
		return err
	}
	if err := jw.Append(entries...); err != nil {
		jw.Close()
		return err
	}
	return jw.Close()
}

// offlineShown is how much offline time the report shows under one
// activity over the probe's block, and in what category.
type offlineShown struct {
	seconds  int
	category string
}

func offlineSeconds(ctx context.Context, c *rtapi.Client, start, end time.Time) (map[string]offlineShown, error) {
	loc := c.Location()
	day := time.Date(start.In(loc).Year(), start.In(loc).Month(), start.In(loc).Day(), 0, 0, 0, 0, loc)
	d, err := c.AnalyticData(ctx, rtapi.AnalyticDataQuery{Perspective: rtapi.PerspectiveInterval, Resolution: rtapi.ResolutionMinute,
		Kind: rtapi.KindActivity, SourceType: rtapi.SourceOffline, Begin: day, End: day})
	if err != nil {
		return nil, err
	}
	out := map[string]offlineShown{}
	for _, row := range d.Rows {
		if row.Date.Before(start.Truncate(rtapi.BucketSize)) || !row.Date.Before(end) {
			continue
		}
		s := out[row.Activity]
		s.seconds += row.Seconds
		if s.category == "" {
			s.category = row.Category
		}
		out[row.Activity] = s
	}
	return out, nil
}

// probeShown finds the probe in the report: under its own name, else under
// any name that gained (nearly) its five minutes since the baseline.
func probeShown(now, before map[string]offlineShown) (string, offlineShown, bool) {
	need := int((rtapi.MinOfflineDuration - time.Minute) / time.Second)
	if s := now[ProbeActivity]; s.seconds-before[ProbeActivity].seconds >= need {
		return ProbeActivity, s, true
	}
	best, bestGain := "", 0
	for name, s := range now {
		if gain := s.seconds - before[name].seconds; gain >= need && (gain > bestGain || (gain == bestGain && name < best)) {
			best, bestGain = name, gain
		}
	}
	if best == "" {
		return "", offlineShown{}, false
	}
	return best, now[best], true
}
