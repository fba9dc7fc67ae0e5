package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Highlight is one posted daily highlight.
type Highlight struct {
	ID          int64     `json:"id"`
	Date        string    `json:"date"` // YYYY-MM-DD
	Description string    `json:"description"`
	Source      string    `json:"source,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// feedWindow is how far back the highlights and FocusTime feeds reach
// ("recent" in the documentation), counted from now.
const feedWindow = 30 * 24 * time.Hour

// postValues merges the query string and a form-encoded body: the
// documentation puts POST parameters in the query, clients differ.
func postValues(r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("body: %v", err)
	}
	return r.Form, nil
}

func (e *Emulator) serveHighlightPost(w http.ResponseWriter, r *http.Request, c *call) {
	if !c.acct.premium() {
		writePremiumRequired(w, "Highlights")
		return
	}
	v, err := postValues(r)
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	h, err := validateHighlight(v, c.acct.loc)
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	h.ID = e.newID()
	h.CreatedAt = c.now.In(c.acct.loc)
	c.acct.highlights = append(c.acct.highlights, h)
	c.saved = e.recordLocked(c.acct.Key, stateRecord{Highlight: &h})
	writeMessage(w, "Highlight successfully created")
}

func validateHighlight(v url.Values, loc *time.Location) (Highlight, error) {
	var h Highlight
	date := v.Get("highlight_date")
	switch {
	case date == "":
		return h, fmt.Errorf("highlight_date is required")
	case isDigits(date):
		n, err := strconv.ParseInt(date, 10, 64)
		if err != nil {
			return h, fmt.Errorf("highlight_date: want YYYY-MM-DD or a Unix timestamp")
		}
		h.Date = time.Unix(n, 0).In(loc).Format(dateLayout)
	default:
		t, err := time.ParseInLocation(dateLayout, date, loc)
		if err != nil {
			return h, fmt.Errorf("highlight_date: want YYYY-MM-DD or a Unix timestamp")
		}
		h.Date = t.Format(dateLayout)
	}
	h.Description = v.Get("description")
	if strings.TrimSpace(h.Description) == "" {
		return h, fmt.Errorf("description is required")
	}
	if utf8.RuneCountInString(h.Description) > maxTextChars {
		return h, fmt.Errorf("description: longer than 255 characters")
	}
	h.Source = v.Get("source")
	if utf8.RuneCountInString(h.Source) > maxTextChars {
		return h, fmt.Errorf("source: longer than 255 characters")
	}
	return h, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// highlightItem is a highlights feed entry; the feed has no source field.
type highlightItem struct {
	ID          int64     `json:"id"`
	Description string    `json:"description"`
	Date        string    `json:"date"`
	CreatedAt   time.Time `json:"created_at"`
}

func (e *Emulator) serveHighlightsFeed(w http.ResponseWriter, r *http.Request, c *call) {
	items := []highlightItem{}
	if c.acct.premium() {
		since := c.now.Add(-feedWindow)
		for _, h := range c.acct.highlights {
			if !h.CreatedAt.Before(since) && c.acct.synced(h.CreatedAt, c.now) {
				items = append(items, highlightItem{h.ID, h.Description, h.Date, h.CreatedAt})
			}
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if !items[i].CreatedAt.Equal(items[j].CreatedAt) {
			return items[i].CreatedAt.After(items[j].CreatedAt)
		}
		return items[i].ID > items[j].ID
	})
	if n := c.acct.Model.HighlightsCap; n > 0 && len(items) > n {
		items = items[:n]
	}
	writeJSON(w, http.StatusOK, items)
}
