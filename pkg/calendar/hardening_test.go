package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// maxShownMessage bounds an error message about one input, whatever its size.
const maxShownMessage = 1000

// Error messages quoted the input they were about in full: a calendar with
// a 100 KB TZID (a feed is untrusted input) gave a 100 KB error, printed by
// every plan. Whatever the input, a message now quotes at most about a
// hundred characters of each part, and marks the cut.
func TestErrorsDoNotEchoHugeInput(t *testing.T) {
	huge := strings.Repeat("x", 100000)
	event := func(lines ...string) string {
		return vcal(append(append([]string{"BEGIN:VEVENT"}, lines...), "END:VEVENT")...)
	}
	tests := []struct {
		name string
		ics  string
		want string // in the message, before the cut
	}{
		{"TZID", event("UID:a", "DTSTART;TZID="+huge+":20261116T090000", "DTEND;TZID=Europe/Berlin:20261116T100000"), "unknown time zone"},
		{"UID without DTSTART", event("UID:"+huge, "SUMMARY:x"), "has no DTSTART"},
		{"DTSTART", event("UID:a", "DTSTART:2026"+huge), "is not an iCalendar date or date-time"},
		{"DURATION", event("UID:a", "DTSTART:20261116T090000Z", "DURATION:P"+huge), "is not an iCalendar duration"},
		{"SEQUENCE", event("UID:a", "DTSTART:20261116T090000Z", "SEQUENCE:"+huge), "is not an integer"},
		{"RDATE period", event("UID:a", "DTSTART:20261116T090000Z", "RDATE;VALUE=PERIOD:"+huge), "RDATE"},
		{"RRULE frequency", event("UID:a", "DTSTART:20261116T090000Z", "RRULE:FREQ="+huge), "RRULE"},
		{"RRULE property", event("UID:a", "DTSTART:20261116T090000Z", "RRULE:FREQ=DAILY;"+huge+"=1"), "RRULE"},
		{"RRULE UNTIL", event("UID:a", "DTSTART:20261116T090000Z", "RRULE:FREQ=DAILY;UNTIL="+huge), "RRULE UNTIL"},
		{"BEGIN outside", "BEGIN:" + huge + "\r\n", "outside BEGIN:VCALENDAR"},
		{"END of another BEGIN", vcal("END:" + huge), "closes BEGIN:VCALENDAR"},
		{"END without BEGIN", "END:" + huge + "\r\n", "without a matching BEGIN"},
		{"never closed", "BEGIN:VCALENDAR\r\nBEGIN:" + huge + "\r\n", "is never closed"},
		{"property outside", "X-" + huge + ":1\r\n", "outside BEGIN:VCALENDAR"},
		{"property syntax", vcal("X-A;" + huge + "\r\n"), "calendar line"},
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	w := Window{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, berlin), End: time.Date(2026, 12, 1, 0, 0, 0, 0, berlin)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msgs []string
			if _, err := Parse(strings.NewReader(tt.ics)); err != nil {
				msgs = append(msgs, err.Error())
			}
			if cal, err := ParseTolerant(strings.NewReader(tt.ics)); err != nil {
				msgs = append(msgs, err.Error())
			} else if x, err := cal.ExpandDetailed(w, Options{Location: berlin}); err != nil {
				msgs = append(msgs, err.Error())
			} else {
				for _, wn := range x.Warnings {
					msgs = append(msgs, wn.String(), wn.Err.Error(), wn.UID[:min(len(wn.UID), 200)])
				}
			}
			if len(msgs) == 0 {
				t.Fatal("no error and no warning")
			}
			for _, m := range msgs {
				if len(m) > maxShownMessage || !strings.Contains(m, tt.want) || !strings.Contains(m, "…") {
					t.Errorf("want a message of at most %d bytes saying %q and marking a cut, got %d bytes: %.300s", maxShownMessage, tt.want, len(m), m)
				}
			}
		})
	}
}

// A calendar with thousands of events rtctl cannot read, all in the window,
// listed every one of them in a single error.
func TestUnreadableEventsAreCounted(t *testing.T) {
	var lines []string
	for i := 0; i < 5000; i++ {
		lines = append(lines, "BEGIN:VEVENT", fmt.Sprintf("UID:e%d", i), "DTSTART:20261116T090000Z", "EXRULE:FREQ=DAILY", "END:VEVENT")
	}
	cal, err := ParseTolerant(strings.NewReader(vcal(lines...)))
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	w := Window{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, berlin), End: time.Date(2026, 12, 1, 0, 0, 0, 0, berlin)}
	_, err = cal.ExpandDetailed(w, Options{Location: berlin})
	if err == nil {
		t.Fatal("no error")
	}
	if m := err.Error(); len(m) > 5*maxShownMessage || !strings.Contains(m, "and 4990 more") {
		t.Errorf("want the first events and a count of the others, got %d bytes: %.500s", len(m), m)
	}
}
