package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// normalize makes texts compare the way a person reads them: the feeds may
// return a description with its trailing blanks dropped or in another Unicode
// normalisation form than the configuration declared it.
func normalize(s string) string {
	return norm.NFC.String(strings.TrimSpace(s))
}

func contentKey(kind Kind, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s|", len(p), p)
	}
	return string(kind) + ":" + hex.EncodeToString(h.Sum(nil))[:20]
}

// OfflineKey identifies an offline-time block in the journal.
func OfflineKey(start, end time.Time, activity, details string) string {
	return contentKey(KindOffline, start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), normalize(activity), normalize(details))
}

// HighlightKey identifies a highlight in the journal. Its source is not part
// of its identity: the feed does not return it.
func HighlightKey(date, description string) string {
	return contentKey(KindHighlight, date, normalize(description))
}

// FocusKey identifies the start of a focus session in one schedule window.
func FocusKey(address string, windowStart time.Time) string {
	return contentKey(KindFocusStart, address, windowStart.UTC().Format(time.RFC3339))
}

// FocusEndKey identifies the end of the session that started at start.
func FocusEndKey(start time.Time) string {
	return contentKey(KindFocusEnd, start.UTC().Format(time.RFC3339))
}
