timezone = "Europe/London"
person   = "ada"

meetings = {
  retro = {
    start = "2026-11-20 15:00"
  }
  # Overlaps the retro: on_overlap = "trim" starts it when the retro ends.
  one_on_one = {
    start    = "2026-11-20 15:15"
    duration = "45m"
    details  = "1:1 with the lead"
  }
}
