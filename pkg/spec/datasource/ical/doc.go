// Package ical is data "ical": the occurrences of an iCalendar file (inside
// the configuration directory) or secret https URL inside a window, as
// data.ical.NAME.events, for a configuration to turn into offline time.
//
// It reads and filters (cancelled, declined, transparent, all-day and
// zero-length events are left out unless asked for); parsing and
// recurrence expansion are pkg/calendar's, and what becomes of an event is
// the configuration's. The url is a secret attribute: its text is kept out
// of every message, and what it is computed from is marked sensitive.
package ical
