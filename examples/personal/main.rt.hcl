# A personal setup: daily highlights, a FocusTime schedule, and a recurring
# gym hour logged as offline time through for_each.

rtctl {
  timezone = "Europe/Berlin"
  lookback = "14d"
}

locals {
  # Weekday mornings at the gym during the week of 16 November.
  gym_days = [for d in daterange("2026-11-16", "2026-11-20") : d if !contains(["sat", "sun"], weekday(d))]
}

offline_time "gym" {
  for_each = toset(local.gym_days)

  start    = "${each.key} 07:00"
  duration = "1h"
  activity = "Exercise"
  details  = "Gym before work"
}

highlight "shipped" {
  date        = "2026-11-18"
  description = "Shipped the new onboarding flow"
  source      = "personal"
}

highlight "talk" {
  date        = "2026-11-19"
  description = "Gave the internal talk on HCL"
}

focus_session "deep_work" {
  days     = ["mon", "tue", "wed", "thu", "fri"]
  start    = "09:00"
  duration = "90m"
}

focus_session "friday_wrap_up" {
  days             = ["fri"]
  start            = "16:00"
  until_end_of_day = true
}
