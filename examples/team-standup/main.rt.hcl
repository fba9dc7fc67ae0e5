# A team standup: fifteen minutes every working day, one offline block per
# day addressed by its date (offline_time.standup["2026-11-16"]), plus a
# longer planning meeting on Mondays.

rtctl {
  timezone = "America/New_York"
}

variable "first_day" {
  type        = string
  default     = "2026-11-16"
  description = "The first day to log, YYYY-MM-DD."
}

locals {
  days     = daterange(var.first_day, dateadd(var.first_day, 13))
  workdays = toset([for d in local.days : d if !contains(["sat", "sun"], weekday(d))])
  mondays  = toset([for d in local.days : d if weekday(d) == "mon"])
}

offline_time "standup" {
  for_each = local.workdays

  start    = "${each.key} 09:30"
  duration = "15m"
  activity = "Meeting"
  details  = "Team standup"
}

offline_time "planning" {
  for_each = local.mondays

  start    = "${each.key} 10:00"
  end      = "${each.key} 11:00"
  activity = "Meeting"
  details  = "Sprint planning"
}
