package rtapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// offlineTimeLayout is the documented start_time/end_time format, naive
// local time in the account's zone.
const offlineTimeLayout = "2006-01-02 15:04:05"

// OfflineTimePost is one block of offline time. Give exactly one of End and
// Duration; Duration must be whole minutes.
type OfflineTimePost struct {
	Start           time.Time     // start_time
	End             time.Time     // end_time
	Duration        time.Duration // duration, sent in minutes
	ActivityName    string        // activity_name, required, at most 255 characters
	ActivityDetails string        // activity_details, optional, at most 255 characters
}

// offlineTimeBody is the JSON body, in a fixed key order so that rendered
// requests are stable.
type offlineTimeBody struct {
	StartTime       any    `json:"start_time"`
	EndTime         any    `json:"end_time,omitempty"`
	Duration        int    `json:"duration,omitempty"`
	ActivityName    string `json:"activity_name"`
	ActivityDetails string `json:"activity_details,omitempty"`
}

// Validate checks p against the API's rules, with now as the present: the
// block must last from 5 minutes to 4 hours and must not end in the future.
func (p OfflineTimePost) Validate(now time.Time) error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if p.Start.IsZero() {
		add("start_time", "is required")
	}
	length, lengthField := p.Duration, "duration"
	switch {
	case !p.End.IsZero() && p.Duration != 0:
		add("end_time", "give end_time or duration, not both")
	case p.End.IsZero() && p.Duration == 0:
		add("duration", "give end_time or duration")
	case !p.End.IsZero():
		length, lengthField = p.End.Sub(p.Start), "end_time"
	case p.Duration%time.Minute != 0:
		add("duration", "%s is not a whole number of minutes", p.Duration)
	}
	if !p.Start.IsZero() && (p.Duration != 0 || !p.End.IsZero()) {
		switch {
		case length <= 0:
			add(lengthField, "the block must end after it starts")
		case length < MinOfflineDuration:
			add(lengthField, "the block lasts %s; the minimum is %s", length, MinOfflineDuration)
		case length > MaxOfflineDuration:
			add(lengthField, "the block lasts %s; the maximum is %s (split longer blocks)", length, MaxOfflineDuration)
		}
		if p.Start.After(now) {
			add("start_time", "%s is in the future", p.Start.Format(time.RFC3339))
		} else if end := p.Start.Add(length); length > 0 && end.After(now) {
			add(lengthField, "the block ends at %s, in the future; offline time cannot be posted ahead", end.Format(time.RFC3339))
		}
	}
	if err := checkText("activity_name", p.ActivityName, true); err != nil {
		errs = append(errs, err)
	}
	if err := checkText("activity_details", p.ActivityDetails, false); err != nil {
		errs = append(errs, err)
	}
	return joinErrors(errs)
}

// offlineTime renders t for start_time or end_time: the documented naive
// local form, except in the hour that repeats when the clocks go back, where
// the naive form names two instants and the server could take the wrong
// one; there the Unix timestamp the documentation also accepts is sent.
func (c *Client) offlineTime(t time.Time) any {
	if ambiguous(t, c.loc) {
		return t.Unix()
	}
	return t.In(c.loc).Format(offlineTimeLayout)
}

// ambiguous reports whether t's wall-clock time in loc also names another
// instant.
func ambiguous(t time.Time, loc *time.Location) bool {
	_, before := t.Add(-3 * time.Hour).In(loc).Zone()
	_, after := t.Add(3 * time.Hour).In(loc).Zone()
	if before == after {
		return false
	}
	shift := time.Duration(before-after) * time.Second
	if shift < 0 {
		shift = -shift
	}
	wall := t.In(loc).Format(offlineTimeLayout)
	return t.Add(shift).In(loc).Format(offlineTimeLayout) == wall || t.Add(-shift).In(loc).Format(offlineTimeLayout) == wall
}

// OfflineTimeRequest validates p against the client's clock and renders the
// POST that records it, with times in the account's zone.
func (c *Client) OfflineTimeRequest(p OfflineTimePost) (Request, error) {
	if err := p.Validate(c.now()); err != nil {
		return Request{}, err
	}
	b := offlineTimeBody{
		StartTime:       c.offlineTime(p.Start),
		ActivityName:    p.ActivityName,
		ActivityDetails: p.ActivityDetails,
	}
	if !p.End.IsZero() {
		b.EndTime = c.offlineTime(p.End)
	} else {
		b.Duration = int(p.Duration / time.Minute)
	}
	body, err := json.Marshal(b)
	if err != nil {
		return Request{}, fmt.Errorf("encoding offline time: %w", err)
	}
	return Request{Method: http.MethodPost, Endpoint: "offline_time_post", Body: body}, nil
}

// PostOfflineTime records a block of offline time. It is not retried once
// the request may have reached the server; see MayHaveBeenApplied.
func (c *Client) PostOfflineTime(ctx context.Context, p OfflineTimePost) error {
	r, err := c.OfflineTimeRequest(p)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, r)
	return err
}

// HighlightPost is one daily highlight.
type HighlightPost struct {
	// Date is the day the highlight is for; its calendar date, read in
	// its own location, is sent as highlight_date.
	Date        time.Time
	Description string // description, required, at most 255 characters
	Source      string // source, optional label grouping highlights
}

// Validate checks p against the API's rules.
func (p HighlightPost) Validate() error {
	var errs []error
	if p.Date.IsZero() {
		errs = append(errs, &ValidationError{Field: "highlight_date", Reason: "is required"})
	}
	if err := checkText("description", p.Description, true); err != nil {
		errs = append(errs, err)
	}
	if err := checkText("source", p.Source, false); err != nil {
		errs = append(errs, err)
	}
	return joinErrors(errs)
}

// HighlightRequest validates p and renders the POST that records it. The
// fields travel in the query string, as the documented example does.
func (c *Client) HighlightRequest(p HighlightPost) (Request, error) {
	if err := p.Validate(); err != nil {
		return Request{}, err
	}
	q := url.Values{}
	q.Set("highlight_date", p.Date.Format(dateLayout))
	q.Set("description", p.Description)
	if p.Source != "" {
		q.Set("source", p.Source)
	}
	return Request{Method: http.MethodPost, Endpoint: "highlights_post", Query: q}, nil
}

// PostHighlight records a daily highlight.
func (c *Client) PostHighlight(ctx context.Context, p HighlightPost) error {
	r, err := c.HighlightRequest(p)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, r)
	return err
}

// FocusUntilEndOfDay is the duration that starts FocusTime for the rest of
// the day.
const FocusUntilEndOfDay = -1

// StartFocusTimeRequest validates minutes (a positive multiple of 5, or
// FocusUntilEndOfDay) and renders the POST that starts FocusTime.
func (c *Client) StartFocusTimeRequest(minutes int) (Request, error) {
	if err := checkFocusMinutes(minutes); err != nil {
		return Request{}, err
	}
	q := url.Values{}
	q.Set("duration", strconv.Itoa(minutes))
	return Request{Method: http.MethodPost, Endpoint: "start_focustime", Query: q}, nil
}

// StartFocusTime starts FocusTime on the account's active devices at their
// next sync.
func (c *Client) StartFocusTime(ctx context.Context, minutes int) error {
	r, err := c.StartFocusTimeRequest(minutes)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, r)
	return err
}

// EndFocusTimeRequest renders the POST that ends the running FocusTime.
func (c *Client) EndFocusTimeRequest() Request {
	return Request{Method: http.MethodPost, Endpoint: "end_focustime"}
}

// EndFocusTime ends the running FocusTime session.
func (c *Client) EndFocusTime(ctx context.Context) error {
	_, err := c.Do(ctx, c.EndFocusTimeRequest())
	return err
}
