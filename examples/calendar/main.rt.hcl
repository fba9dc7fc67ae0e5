# Meetings from a calendar export become offline time. Recurring meetings are
# expanded (RRULE, EXDATE, moved and cancelled instances); cancelled,
# declined, free ("show as free"), all-day and zero-length events (reminders
# with no end, which would fail "end after start") are left out by default.
# The five-hour all-hands is posted as consecutive blocks of at most 4 hours.

rtctl {
  timezone = "Europe/Berlin"
  # Real calendars double-book: keep the earlier meeting whole and trim the
  # later one rather than refusing the whole plan.
  on_overlap = "trim"
}

data "ical" "work" {
  path           = "work.ics" # or url = env("RTCTL_CALENDAR_URL") for a secret address
  attendee_email = "me@example.com"
}

offline_time "meetings" {
  for_each = { for e in data.ical.work.events : e.key => e }

  start    = each.value.start
  end      = each.value.end
  activity = contains(each.value.categories, "Interview") ? "Interviews" : "Meetings"
  details  = each.value.summary
}
