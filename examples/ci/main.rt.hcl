# The configuration the workflow in rtctl.yml runs: meetings from a calendar's
# secret address become offline time, commits become daily highlights.
#
# The calendar address comes from the RTCTL_CALENDAR_URL secret. rtctl never
# prints it: diagnostics show only its scheme and host.

rtctl {
  timezone   = "Europe/Berlin"
  on_overlap = "trim"
}

variable "repo" {
  type        = string
  default     = ".." # the repository root, seen from rescuetime/
  description = "The git repository whose commits become highlights."
}

data "ical" "work" {
  url            = env("RTCTL_CALENDAR_URL")
  attendee_email = "me@example.com"
}

offline_time "meetings" {
  for_each = { for e in data.ical.work.events : e.key => e }

  start    = each.value.start
  end      = each.value.end
  activity = "Meetings"
  details  = each.value.summary
}

data "git_log" "repo" {
  path = var.repo
}

# One highlight per completed day. Today is left out on purpose: its
# summary grows with every commit, and the API can neither update nor delete
# a highlight, so posting "Committed: a" at 09:00 and "Committed: a; b" at
# 11:00 would leave the first orphaned for good. Tomorrow's run posts it.
highlight "commits" {
  for_each = { for d in data.git_log.repo.days : d.date => d if d.date != today() }

  date        = each.key
  description = substr("Committed: ${each.value.summary}", 0, 255)
  source      = "git"
}
