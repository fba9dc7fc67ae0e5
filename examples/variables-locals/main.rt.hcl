# Variables and locals: the same configuration serves several people. Values
# come from team.rtvars.hcl (loaded automatically), --var, --var-file or
# RTCTL_VAR_<name>; see `rtctl validate --help`.

rtctl {
  timezone   = var.timezone
  on_overlap = "trim"
}

variable "timezone" {
  type    = string
  default = "UTC"
}

variable "person" {
  type        = string
  description = "Whose configuration this is; it labels the highlights."
}

variable "meetings" {
  description = "Recurring meetings by name: when they start and how long they last."
  type = map(object({
    start    = string
    duration = optional(string, "30m")
    details  = optional(string, "")
  }))
}

variable "focus_minutes" {
  type    = number
  default = 90

  validation {
    condition     = var.focus_minutes % 5 == 0 && var.focus_minutes > 0
    error_message = "FocusTime sessions last a positive multiple of 5 minutes."
  }
}

locals {
  # Locals may be written in any order: they are evaluated by reference.
  highlight_text = "${title(var.person)} finished ${local.milestone}"
  milestone      = upper("q4 review")
  focus          = format("%dm", var.focus_minutes)
}

offline_time "meeting" {
  for_each = var.meetings

  start    = each.value.start
  duration = each.value.duration
  activity = "Meeting"
  details  = each.value.details != "" ? each.value.details : "${each.key} (${var.person})"
}

highlight "milestone" {
  date        = "2026-11-20"
  description = local.highlight_text
  source      = "rtctl"
}

highlight "daily" {
  count       = 3
  date        = dateadd("2026-11-16", count.index)
  description = "Day ${count.index + 1} of the review week"
}

focus_session "morning" {
  days     = ["mon", "wed", "fri"]
  start    = "08:30"
  duration = local.focus
  from     = "2026-11-01"
  to       = "2026-12-31"
}
