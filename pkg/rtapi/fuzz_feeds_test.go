package rtapi

import (
	"context"
	"testing"
)

// Seeds for the feeds: documented and recorded shapes, and the ways they
// are known to vary (quoted numbers, naive times, error bodies).
var feedSeeds = []string{
	`[]`,
	`[{"id":1669849200,"date":"2022-12-01","productivity_pulse":73,"very_productive_percentage":40.5,"total_hours":6.25,"total_duration_formatted":"6h 15m","shopping_duration_formatted":"30s","design_and_composition_duration_formatted":"no time"}]`,
	`[{"id":12345,"description":"more than 5h of All Productive Time","amount":5.0}]`,
	`[{"id":"77","alert_id":12345,"description":"You reached 5h","created_at":"2025-11-20T17:00:00-05:00"}]`,
	`[{"id":1,"description":"Shipped v1.2","date":"2025-11-20","created_at":"2025-11-20 17:03:00"}]`,
	`[{"id":1763720100.5,"duration":30,"created_at":"2025-11-21T10:15:00"}]`,
	`[{"id":1763721900,"created_at":"2025-11-21T10:45:00+01:00"}]`,
	`{"error": "# key not found", "messages": "key not found"}`,
	`[{"id":null,"date":1763721900,"created_at":"1763721900.25"}]`,
	`<html><title>Maintenance</title></html>`,
	`[{"id":"1e400","duration":"-1","created_at":"2025-13-45"}]`,
}

// fuzzFeed runs the calls that read one feed on any answer: none may
// panic, and their errors obey checkError.
func fuzzFeed(f *testing.F, calls ...func(*Client) error) {
	for _, s := range feedSeeds {
		f.Add("application/json", []byte(s))
	}
	f.Add("text/html", []byte(feedSeeds[len(feedSeeds)-2]))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		c := cannedClient(t, canned{status: 200, contentType: contentType, body: body}, APIKey(testKey))
		for _, call := range calls {
			checkError(t, call(c))
		}
	})
}

func FuzzDailySummaryFeed(f *testing.F) {
	fuzzFeed(f, func(c *Client) error { _, err := c.DailySummaries(context.Background()); return err })
}

func FuzzAlertsFeed(f *testing.F) {
	fuzzFeed(f,
		func(c *Client) error { _, err := c.AlertDefinitions(context.Background()); return err },
		func(c *Client) error { _, err := c.Alerts(context.Background(), 0); return err })
}

func FuzzHighlightsFeed(f *testing.F) {
	fuzzFeed(f, func(c *Client) error { _, err := c.Highlights(context.Background()); return err })
}

func FuzzFocusTimeFeeds(f *testing.F) {
	fuzzFeed(f,
		func(c *Client) error { _, err := c.FocusTimeStarted(context.Background()); return err },
		func(c *Client) error { _, err := c.FocusTimeEnded(context.Background()); return err })
}
