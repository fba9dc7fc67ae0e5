// Package calendar reads iCalendar (RFC 5545) data and expands it into the
// concrete occurrences that fall inside a time window. It is the engine behind
// rtctl's data "ical" source, and it knows nothing about HCL: pkg/spec turns
// its Occurrences into values.
//
// Reading is split in two steps so that the account's time zone, which is only
// known when a configuration is evaluated, is not needed to validate a file:
//
//   - Parse checks the syntax (content lines through github.com/arran4/golang-ical),
//     every date, duration and recurrence rule, and resolves every TZID. Errors
//     name the line they come from.
//   - Calendar.Expand turns the events into occurrences inside a Window, in the
//     account's zone (Options.Location), using github.com/teambition/rrule-go
//     for RRULE and merging RDATE, EXDATE and RECURRENCE-ID overrides itself.
//
// ParseTolerant and Calendar.ExpandDetailed are the forgiving pair: one event
// rtctl cannot read (an EXRULE, a RANGE=THISANDFUTURE override, a zone only
// its VTIMEZONE rules describe) does not sink the calendar. It is an error
// only when it may reach the window; otherwise it is a Warning.
//
// Time zones: a TZID is resolved as an IANA name, then as a Windows zone name
// (or the display name Windows shows for it) through the CLDR windowsZones
// table, then through the X-LIC-LOCATION of its VTIMEZONE, then as an IANA name
// embedded in a path (/mozilla.org/.../Europe/Berlin). A name that none of these
// resolve is an error: guessing UTC would move every meeting by hours without
// anyone noticing. Floating times (no TZID, no Z) are read in Options.Location,
// except the UNTIL, EXDATE, RDATE and RECURRENCE-ID values of a series whose
// DTSTART has a TZID: they name its instances, so they are read in its zone.
// Zones come from the time package's database: the system's, or the copy a
// program embeds by importing time/tzdata, as the rtctl command does.
//
// Fetch downloads a calendar from the secret https address calendar services
// hand out; the address never appears in its errors (see RedactURL).
package calendar
