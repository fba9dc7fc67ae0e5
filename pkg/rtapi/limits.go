package rtapi

import "time"

// The API's limits, in one place: spec validation, the planner and the
// emulator all use these, so a limit can never be enforced one way by the
// configuration and another by the client.
const (
	// MaxTextLength is the longest activity name, activity details,
	// highlight description or source, in characters (not bytes).
	MaxTextLength = 255

	// MaxOfflineDuration is the longest block one offline time POST takes
	// (documented); longer blocks are posted in chunks.
	MaxOfflineDuration = 4 * time.Hour
	// MinOfflineDuration is the shortest block the API appears to accept
	// (reported by a client that posts often, not documented).
	MinOfflineDuration = 5 * time.Minute

	// FocusMinutesStep is what a FocusTime duration must be a multiple of
	// (documented).
	FocusMinutesStep = 5
	// MaxFocusMinutes is the longest FocusTime session asked for in
	// minutes: a day. Longer is what -1 (the rest of the day) is for.
	MaxFocusMinutes = 24 * 60

	// BucketSize is the resolution of the Analytic Data API's "minute"
	// interval: five-minute buckets (documented).
	BucketSize = 5 * time.Minute

	// DailySummaryDays is how far back the daily summary feed reaches
	// ("the previous two weeks"; a recorded answer held 15 days).
	DailySummaryDays = 14
)
