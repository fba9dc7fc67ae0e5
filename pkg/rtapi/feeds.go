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

// getList fetches a JSON feed and decodes each item with conv.
func getList[T any](ctx context.Context, c *Client, endpoint string, q url.Values, conv func(fields) (T, error)) ([]T, error) {
	data, err := c.Do(ctx, Request{Method: http.MethodGet, Endpoint: endpoint, Query: q})
	if err != nil {
		return nil, err
	}
	items, err := decodeList(data, conv)
	if err != nil {
		return nil, fmt.Errorf("rescuetime %s: %w", endpoint, err)
	}
	return items, nil
}

// SummaryAmount is the time a daily summary reports for one productivity
// level or category. Percentage is absent (zero) for the total.
type SummaryAmount struct {
	Percentage float64 `json:"percentage"`
	Hours      float64 `json:"hours"`
	Formatted  string  `json:"formatted"` // e.g. "2h 32m", "no time"
}

// DailySummary is one day of the Daily Summary Feed.
type DailySummary struct {
	ID                int64     `json:"id"`   // Unix time of the day's local midnight
	Date              time.Time `json:"date"` // midnight in the account's zone
	ProductivityPulse float64   `json:"productivity_pulse"`

	Total                      SummaryAmount `json:"total"`
	VeryProductive             SummaryAmount `json:"very_productive"`
	Productive                 SummaryAmount `json:"productive"`
	Neutral                    SummaryAmount `json:"neutral"`
	Distracting                SummaryAmount `json:"distracting"`
	VeryDistracting            SummaryAmount `json:"very_distracting"`
	AllProductive              SummaryAmount `json:"all_productive"`
	AllDistracting             SummaryAmount `json:"all_distracting"`
	Uncategorized              SummaryAmount `json:"uncategorized"`
	Business                   SummaryAmount `json:"business"`
	CommunicationAndScheduling SummaryAmount `json:"communication_and_scheduling"`
	SocialNetworking           SummaryAmount `json:"social_networking"`
	DesignAndComposition       SummaryAmount `json:"design_and_composition"`
	Entertainment              SummaryAmount `json:"entertainment"`
	News                       SummaryAmount `json:"news"`
	SoftwareDevelopment        SummaryAmount `json:"software_development"`
	ReferenceAndLearning       SummaryAmount `json:"reference_and_learning"`
	Shopping                   SummaryAmount `json:"shopping"`
	Utilities                  SummaryAmount `json:"utilities"`
}

// amounts pairs each wire-name stem with its field, in the documented order.
func (s *DailySummary) amounts() []struct {
	Name string
	A    *SummaryAmount
} {
	return []struct {
		Name string
		A    *SummaryAmount
	}{
		{"total", &s.Total},
		{"very_productive", &s.VeryProductive},
		{"productive", &s.Productive},
		{"neutral", &s.Neutral},
		{"distracting", &s.Distracting},
		{"very_distracting", &s.VeryDistracting},
		{"all_productive", &s.AllProductive},
		{"all_distracting", &s.AllDistracting},
		{"uncategorized", &s.Uncategorized},
		{"business", &s.Business},
		{"communication_and_scheduling", &s.CommunicationAndScheduling},
		{"social_networking", &s.SocialNetworking},
		{"design_and_composition", &s.DesignAndComposition},
		{"entertainment", &s.Entertainment},
		{"news", &s.News},
		{"software_development", &s.SoftwareDevelopment},
		{"reference_and_learning", &s.ReferenceAndLearning},
		{"shopping", &s.Shopping},
		{"utilities", &s.Utilities},
	}
}

// SummaryCategories lists the summary's amounts by their API name stem
// ("very_productive", "software_development", ...), in documented order.
func (s *DailySummary) SummaryCategories() []NamedAmount {
	var out []NamedAmount
	for _, a := range s.amounts() {
		out = append(out, NamedAmount{Name: a.Name, SummaryAmount: *a.A})
	}
	return out
}

// NamedAmount is a SummaryAmount with the API's name for it.
type NamedAmount struct {
	Name string
	SummaryAmount
}

func (c *Client) decodeSummary(f fields) (DailySummary, error) {
	var s DailySummary
	var err error
	if s.ID, err = field(f, "id", rawInt); err != nil {
		return s, err
	}
	if s.Date, err = field(f, "date", func(r json.RawMessage) (time.Time, error) { return rawTime(r, c.loc) }); err != nil {
		return s, err
	}
	if s.ProductivityPulse, err = field(f, "productivity_pulse", rawFloat); err != nil {
		return s, err
	}
	for _, a := range s.amounts() {
		if a.Name != "total" {
			if a.A.Percentage, err = field(f, a.Name+"_percentage", rawFloat); err != nil {
				return s, err
			}
		}
		if a.A.Hours, err = field(f, a.Name+"_hours", rawFloat); err != nil {
			return s, err
		}
		if a.A.Formatted, err = field(f, a.Name+"_duration_formatted", rawString); err != nil {
			return s, err
		}
	}
	return s, nil
}

// DailySummaries returns the Daily Summary Feed: one item per logged day of
// the previous two weeks, today excluded. "Two weeks" is loose: a recorded
// feed held 15 days. Every item is returned, whatever their number.
func (c *Client) DailySummaries(ctx context.Context) ([]DailySummary, error) {
	return getList(ctx, c, "daily_summary_feed", nil, c.decodeSummary)
}

// AlertDefinition is an alert the user has defined (alerts_feed op=list).
type AlertDefinition struct {
	ID          int64   `json:"id"`
	Description string  `json:"description"`
	Amount      float64 `json:"amount"` // threshold, in hours
}

// Alert is one triggering of an alert (alerts_feed op=status).
type Alert struct {
	ID          int64     `json:"id"`
	AlertID     int64     `json:"alert_id"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// AlertDefinitions lists the alerts the user has defined. Lite accounts get
// an empty list.
func (c *Client) AlertDefinitions(ctx context.Context) ([]AlertDefinition, error) {
	q := url.Values{"op": {"list"}}
	return getList(ctx, c, "alerts_feed", q, func(f fields) (AlertDefinition, error) {
		var a AlertDefinition
		var err error
		if a.ID, err = field(f, "id", rawInt); err != nil {
			return a, err
		}
		if a.Description, err = field(f, "description", rawString); err != nil {
			return a, err
		}
		a.Amount, err = field(f, "amount", rawFloat)
		return a, err
	})
}

// Alerts lists recently triggered alerts, newest first; alertID, when not
// zero, keeps only that alert's triggers. Lite accounts get an empty list.
func (c *Client) Alerts(ctx context.Context, alertID int64) ([]Alert, error) {
	if alertID < 0 {
		return nil, &ValidationError{Field: "alert_id", Reason: "must be a positive alert id"}
	}
	q := url.Values{"op": {"status"}}
	if alertID > 0 {
		q.Set("alert_id", strconv.FormatInt(alertID, 10))
	}
	return getList(ctx, c, "alerts_feed", q, func(f fields) (Alert, error) {
		var a Alert
		var err error
		if a.ID, err = field(f, "id", rawInt); err != nil {
			return a, err
		}
		if a.AlertID, err = field(f, "alert_id", rawInt); err != nil {
			return a, err
		}
		if a.Description, err = field(f, "description", rawString); err != nil {
			return a, err
		}
		a.CreatedAt, err = field(f, "created_at", c.rawTime)
		return a, err
	})
}

// Highlight is one entry of the Highlights Feed.
type Highlight struct {
	ID          int64     `json:"id"`
	Description string    `json:"description"`
	Date        time.Time `json:"date"`             // the day it is for, midnight in the account's zone
	CreatedAt   time.Time `json:"created_at"`       // when it was entered
	Source      string    `json:"source,omitempty"` // only if the server sends it
}

// Highlights returns the recently entered daily highlights. Lite accounts
// get an empty list.
func (c *Client) Highlights(ctx context.Context) ([]Highlight, error) {
	return getList(ctx, c, "highlights_feed", nil, func(f fields) (Highlight, error) {
		var h Highlight
		var err error
		if h.ID, err = field(f, "id", rawInt); err != nil {
			return h, err
		}
		if h.Description, err = field(f, "description", rawString); err != nil {
			return h, err
		}
		if h.Date, err = field(f, "date", c.rawTime); err != nil {
			return h, err
		}
		if h.CreatedAt, err = field(f, "created_at", c.rawTime); err != nil {
			return h, err
		}
		h.Source, err = field(f, "source", rawString)
		return h, err
	})
}

// FocusEvent is one entry of a FocusTime feed.
type FocusEvent struct {
	ID        float64   `json:"id"`                // a Unix timestamp, unique per event
	Minutes   int       `json:"minutes,omitempty"` // initial length; started feed only (-1: rest of the day)
	CreatedAt time.Time `json:"created_at"`
}

// Duration is the session's initial length, zero when not reported or
// FocusUntilEndOfDay.
func (e FocusEvent) Duration() time.Duration {
	if e.Minutes <= 0 {
		return 0
	}
	return time.Duration(e.Minutes) * time.Minute
}

func (c *Client) focusFeed(ctx context.Context, endpoint string) ([]FocusEvent, error) {
	return getList(ctx, c, endpoint, nil, func(f fields) (FocusEvent, error) {
		var e FocusEvent
		var err error
		if e.ID, err = field(f, "id", rawFloat); err != nil {
			return e, err
		}
		var m int64
		if m, err = field(f, "duration", rawInt); err != nil {
			return e, err
		}
		e.Minutes = int(m)
		e.CreatedAt, err = field(f, "created_at", c.rawTime)
		return e, err
	})
}

// FocusTimeStarted returns recent FocusTime "started" events, newest first.
func (c *Client) FocusTimeStarted(ctx context.Context) ([]FocusEvent, error) {
	return c.focusFeed(ctx, "focustime_started_feed")
}

// FocusTimeEnded returns recent FocusTime "ended" events, newest first.
func (c *Client) FocusTimeEnded(ctx context.Context) ([]FocusEvent, error) {
	return c.focusFeed(ctx, "focustime_ended_feed")
}

func (c *Client) rawTime(r json.RawMessage) (time.Time, error) { return rawTime(r, c.loc) }
