package spec

import (
	"strings"
)

// StarterFileName is the file rtctl init writes.
const StarterFileName = "main" + ConfigFileSuffix

// StarterConfig returns a small commented configuration for the time zone
// tz that validates as it is and shows each kind of item, commented out so
// nothing is posted before the user means it.
func StarterConfig(tz string) []byte {
	return []byte(strings.ReplaceAll(starterTemplate, "TIMEZONE", tz))
}

const starterTemplate = `# rtctl configuration: what your RescueTime account should hold.
# rtctl validate checks it, rtctl plan shows what would change, rtctl apply
# posts it. The API key comes from RESCUETIME_API_KEY, never from this file.

rtctl {
  # The account's time zone (an IANA name): local times below are read in it.
  timezone = "TIMEZONE"

  # How far back items are considered; older ones are left alone.
  lookback = "14d"
}

# Offline time: time away from the computer that should still count.
# offline_time "standup" {
#   start    = "2026-11-20 09:00" # local to the timezone above, or RFC 3339
#   duration = "15m"              # or end = "2026-11-20 09:15"
#   activity = "Meeting"
#   details  = "Daily standup"
# }

# A daily highlight: something you got done.
# highlight "release" {
#   date        = "2026-11-20"
#   description = "Shipped v1.2"
# }

# A FocusTime schedule: rtctl starts a session in each window.
# focus_session "deep_work" {
#   days     = ["mon", "tue", "wed", "thu", "fri"]
#   start    = "09:00"
#   duration = "90m"
# }
`
