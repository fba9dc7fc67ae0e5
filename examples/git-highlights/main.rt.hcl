# Commits become daily highlights: RescueTime sees the hours, git knows what
# they produced. By default one highlight per day lists that day's commit
# subjects, once the day is over; set one_per_day = false for one highlight
# per commit, posted as soon as it is made.
#
#   rtctl plan --sandbox examples/git-highlights
#   rtctl plan --var repo=~/src/project --var author=me@example.com examples/git-highlights

rtctl {
  timezone = "Europe/Berlin"
}

variable "repo" {
  type        = string
  default     = "../.." # this repository, seen from examples/git-highlights
  description = "The git repository to read, relative to this directory."
}

variable "author" {
  type        = string
  default     = ""
  description = "Only commits whose author name or e-mail contains this; empty for everyone."
}

variable "one_per_day" {
  type    = bool
  default = true
}

data "git_log" "work" {
  path   = var.repo
  author = var.author == "" ? null : var.author
  paths  = [] # e.g. ["src/", "docs/"] to count only some directories
}

# Only completed days (d.date != today()): today's summary still grows with
# each commit, and a highlight, once posted, can be neither updated nor
# deleted through the API. Posting it now would leave "Committed: a"
# orphaned beside tomorrow's "Committed: a; b".
highlight "day" {
  for_each = { for d in data.git_log.work.days : d.date => d if var.one_per_day && d.date != today() }

  date        = each.key
  description = substr("Committed: ${each.value.summary}", 0, 255)
  source      = "git"
}

highlight "commit" {
  for_each = { for c in data.git_log.work.commits : c.short_hash => c if !var.one_per_day }

  date        = each.value.date
  description = substr("Committed: ${each.value.subject}", 0, 255)
  source      = "git"
}
