package rtapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Layouts the API is known or suspected to use. Those with an offset are
// tried first; naive ones are read in the account's zone.
var (
	offsetLayouts = []string{
		time.RFC3339Nano,
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05 -0700",
		"2006-01-02 15:04:05 -07:00",
		"2006-01-02T15:04:05.999999999 -0700",
		"2006-01-02 15:04:05 -0700 MST",
	}
	naiveLayouts = []string{
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04",
		"2006-01-02 15:04",
		"2006-01-02",
	}
)

// ParseTime reads a time as the API writes it: RFC 3339 and similar forms
// with an offset are honoured; naive local forms ("2025-11-21T06:00:00",
// "2025-11-21 06:00:00", "2025-11-21") are read in loc; a bare number is a
// Unix timestamp.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.UTC
	}
	// The recorded Analytic Data form, by far the most frequent.
	if len(s) == len("2006-01-02T15:04:05") {
		if t, err := time.ParseInLocation("2006-01-02T15:04:05", s, loc); err == nil {
			return t, nil
		}
	}
	for _, l := range offsetLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	for _, l := range naiveLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return unixFloat(f).In(loc), nil
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", clip(s))
}

func unixFloat(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9)))
}

// The helpers below decode a JSON field leniently: the feeds' documented
// types (integer, float, string) are not always what is sent, so a number
// may come quoted and a string may come as a number.

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

func rawString(raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] != '"' {
		// Numbers are returned as written, without a decoding round trip.
		if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
			return string(raw), nil
		}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("want a string, got %s", clip(string(raw)))
}

func rawFloat(raw json.RawMessage) (float64, error) {
	s, err := rawString(raw)
	if err != nil || s == "" {
		return 0, err
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("want a number, got %s", clip(string(raw)))
	}
	return f, nil
}

func rawInt(raw json.RawMessage) (int64, error) {
	s, err := rawString(raw)
	if err != nil || s == "" {
		return 0, err
	}
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) {
		return 0, fmt.Errorf("want an integer, got %s", clip(string(raw)))
	}
	return int64(f), nil
}

func rawTime(raw json.RawMessage, loc *time.Location) (time.Time, error) {
	s, err := rawString(raw)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	return ParseTime(s, loc)
}

// fields decodes a JSON object into its raw members.
type fields map[string]json.RawMessage

// decodeList decodes a JSON array of objects, calling conv on each.
func decodeList[T any](data []byte, conv func(fields) (T, error)) ([]T, error) {
	var raw []fields
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decoding response: %w", err)
	}
	out := make([]T, 0, len(raw))
	for i, f := range raw {
		v, err := conv(f)
		if err != nil {
			return nil, fmt.Errorf("decoding item %d: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// field wraps a conversion error with the field's name.
func field[T any](f fields, name string, conv func(json.RawMessage) (T, error)) (T, error) {
	v, err := conv(f[name])
	if err != nil {
		return v, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}
