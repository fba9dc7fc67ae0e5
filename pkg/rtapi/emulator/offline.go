package emulator

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// OfflineTime is one posted block of offline time.
type OfflineTime struct {
	ID       int64     `json:"id"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Activity string    `json:"activity_name"`
	Details  string    `json:"activity_details,omitempty"`
	PostedAt time.Time `json:"posted_at"`
}

const (
	maxOffline   = rtapi.MaxOfflineDuration
	minOffline   = rtapi.MinOfflineDuration
	maxTextChars = rtapi.MaxTextLength
	naiveLayout  = "2006-01-02 15:04:05"
	dateLayout   = "2006-01-02"
	maxBodyBytes = 1 << 20
)

// offlineRequest holds the fields of an offline time POST as sent: strings
// or numbers, JSON or form-encoded.
type offlineRequest struct {
	StartTime       json.RawMessage `json:"start_time"`
	EndTime         json.RawMessage `json:"end_time"`
	Duration        json.RawMessage `json:"duration"`
	ActivityName    *string         `json:"activity_name"`
	ActivityDetails *string         `json:"activity_details"`
}

func (e *Emulator) serveOfflinePost(w http.ResponseWriter, r *http.Request, c *call) {
	if !c.acct.premium() {
		writePremiumRequired(w, "Offline Time")
		return
	}
	req, err := readOfflineRequest(r)
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	block, err := validateOffline(req, c.acct.loc, c.now)
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	block.ID = e.newID()
	block.PostedAt = c.now.In(c.acct.loc)
	c.acct.insertOffline(block)
	c.saved = e.recordLocked(c.acct.Key, stateRecord{Offline: &block})
	writeMessage(w, "Offline time successfully created")
}

// readOfflineRequest decodes a JSON body, or a form-encoded one when the
// Content-Type says so (some clients send that).
func readOfflineRequest(r *http.Request) (offlineRequest, error) {
	var req offlineRequest
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
		if err := r.ParseForm(); err != nil {
			return req, fmt.Errorf("body: %v", err)
		}
		str := func(name string) json.RawMessage {
			if !r.PostForm.Has(name) {
				return nil
			}
			b, _ := json.Marshal(r.PostForm.Get(name))
			return b
		}
		ptr := func(name string) *string {
			if !r.PostForm.Has(name) {
				return nil
			}
			v := r.PostForm.Get(name)
			return &v
		}
		req.StartTime, req.EndTime, req.Duration = str("start_time"), str("end_time"), str("duration")
		req.ActivityName, req.ActivityDetails = ptr("activity_name"), ptr("activity_details")
		return req, nil
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err := dec.Decode(&req); err != nil {
		return req, fmt.Errorf("body: not a JSON object: %v", err)
	}
	return req, nil
}

func validateOffline(req offlineRequest, loc *time.Location, now time.Time) (OfflineTime, error) {
	var b OfflineTime
	if isAbsent(req.StartTime) {
		return b, fmt.Errorf("start_time is required")
	}
	start, err := parseInstant(req.StartTime, loc)
	if err != nil {
		return b, fmt.Errorf("start_time: %v", err)
	}
	hasEnd, hasDur := !isAbsent(req.EndTime), !isAbsent(req.Duration)
	switch {
	case hasEnd && hasDur:
		return b, fmt.Errorf("end_time and duration: give one, not both")
	case hasEnd:
		end, err := parseInstant(req.EndTime, loc)
		if err != nil {
			return b, fmt.Errorf("end_time: %v", err)
		}
		if !end.After(start) {
			return b, fmt.Errorf("end_time: must be after start_time")
		}
		b.End = end
	case hasDur:
		minutes, err := parseInteger(req.Duration)
		if err != nil || minutes <= 0 {
			return b, fmt.Errorf("duration: must be a positive whole number of minutes")
		}
		if minutes > int64(maxOffline/time.Minute) {
			return b, fmt.Errorf("duration: longer than the 4 hour maximum")
		}
		b.End = start.Add(time.Duration(minutes) * time.Minute)
	default:
		return b, fmt.Errorf("end_time or duration is required")
	}
	b.Start = start
	switch d := b.End.Sub(b.Start); {
	case d > maxOffline:
		return b, fmt.Errorf("end_time: the block is longer than the 4 hour maximum")
	case d < minOffline:
		return b, fmt.Errorf("duration: blocks shorter than 5 minutes are not accepted")
	}
	if b.End.After(now) {
		return b, fmt.Errorf("end_time: offline time cannot be in the future")
	}
	if req.ActivityName == nil || strings.TrimSpace(*req.ActivityName) == "" {
		return b, fmt.Errorf("activity_name is required")
	}
	if utf8.RuneCountInString(*req.ActivityName) > maxTextChars {
		return b, fmt.Errorf("activity_name: longer than 255 characters")
	}
	b.Activity = *req.ActivityName
	if req.ActivityDetails != nil {
		if utf8.RuneCountInString(*req.ActivityDetails) > maxTextChars {
			return b, fmt.Errorf("activity_details: longer than 255 characters")
		}
		b.Details = *req.ActivityDetails
	}
	b.Start, b.End = b.Start.In(loc), b.End.In(loc)
	return b, nil
}

func isAbsent(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// parseInstant reads 'YYYY-MM-DD HH:MM:SS' in the account's zone, or a
// Unix timestamp given as a JSON number or a string of digits.
func parseInstant(raw json.RawMessage, loc *time.Location) (time.Time, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		n, err := parseInteger(raw)
		if err != nil {
			return time.Time{}, fmt.Errorf("want 'YYYY-MM-DD HH:MM:SS' or a Unix timestamp")
		}
		return time.Unix(n, 0), nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	t, err := time.ParseInLocation(naiveLayout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("want 'YYYY-MM-DD HH:MM:SS' or a Unix timestamp")
	}
	return t, nil
}

// parseInteger accepts a JSON integer or a string holding one.
func parseInteger(raw json.RawMessage) (int64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, err
	}
	return n.Int64()
}

// insertOffline keeps a.offline sorted by (Start, ID).
func (a *account) insertOffline(b OfflineTime) {
	i := sort.Search(len(a.offline), func(i int) bool { return offlineLess(b, a.offline[i]) })
	a.offline = append(a.offline, OfflineTime{})
	copy(a.offline[i+1:], a.offline[i:])
	a.offline[i] = b
}

func offlineLess(x, y OfflineTime) bool {
	if !x.Start.Equal(y.Start) {
		return x.Start.Before(y.Start)
	}
	return x.ID < y.ID
}

// offlineSamples appends the samples of posted offline time overlapping
// [from, to) that have synced by now, named as the account's model reports
// them: each block is spread over the five-minute buckets it covers.
// Blocks are at most 4 hours long, so only those starting after from-4h
// can overlap: a binary search finds the first.
func (a *account) offlineSamples(now, from, to time.Time, out []Activity) []Activity {
	if a.Model.OfflineReport == OfflineHidden {
		return out
	}
	lo := from.Add(-maxOffline)
	i := sort.Search(len(a.offline), func(i int) bool { return !a.offline[i].Start.Before(lo) })
	for ; i < len(a.offline) && a.offline[i].Start.Before(to); i++ {
		blk := a.offline[i]
		if !a.synced(blk.PostedAt, now) {
			continue
		}
		activity, document, category := blk.Activity, blk.Details, offlineCategory
		if a.Model.OfflineReport == OfflineOtherName {
			activity, document, category = OtherNameActivity, "", OtherNameCategory
		}
		for b := blk.Start.Truncate(bucketSize); b.Before(blk.End); b = b.Add(bucketSize) {
			s, e := maxTime(b, blk.Start), minTime(b.Add(bucketSize), blk.End)
			if b.Before(from) || !b.Before(to) || !e.After(s) {
				continue
			}
			out = append(out, Activity{
				Bucket: b.In(a.loc), Source: SourceOffline, Activity: activity, Document: document,
				Category: category, Overview: category, Seconds: int(e.Sub(s) / time.Second),
			})
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
