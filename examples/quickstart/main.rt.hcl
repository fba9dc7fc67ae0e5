# A first configuration to try in the sandbox, an emulated account kept in
# .rtctl/ beside this file:
#
#   go run ./cmd/rtctl apply --sandbox --auto-approve examples/quickstart
#
# Its dates are relative to today(), so it always has something to post
# inside the lookback window, whatever the date. Run it twice: the second
# run finds everything already in the account and posts nothing.

rtctl {
  timezone = "Europe/Berlin"
  lookback = "14d"
}

locals {
  # The three days before today, oldest first.
  past_days = [for n in [3, 2, 1] : dateadd(today(), -n)]
}

offline_time "reading" {
  for_each = toset(local.past_days)

  start    = "${each.key} 08:00"
  duration = "45m"
  activity = "Reading"
  details  = "Morning reading, away from the screen"
}

offline_time "walk" {
  for_each = toset(local.past_days)

  start    = "${each.key} 12:30"
  duration = "30m"
  activity = "Exercise"
  details  = "Lunch walk"
}

highlight "tried_rtctl" {
  date        = dateadd(today(), -1)
  description = "Tried rtctl in the sandbox"
  source      = "quickstart"
}

focus_session "deep_work" {
  days     = ["mon", "tue", "wed", "thu", "fri"]
  start    = "09:00"
  duration = "90m"
}
