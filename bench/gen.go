package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The shapes of configuration bench generates. Every shape declares n
// offline blocks, all ending before now and inside the lookback.
const (
	// ShapeLiteral is one offline_time block per item, written out: a block
	// of 15 minutes every 20 minutes, with start, duration and activity.
	ShapeLiteral = "literal"
	// ShapeForEach is the same items as a map in locals and one
	// offline_time block with for_each over it.
	ShapeForEach = "for_each"
	// ShapeCalendar is a generated .ics file read by data "ical" and one
	// offline_time block with for_each over its events. data "ical" reads
	// at most 366 days, so the events are denser: 5 minutes each, back to
	// back, alternating two summaries, which 100,000 of fit in 348 days.
	ShapeCalendar = "calendar"
)

// Shapes lists the shapes in the order bench runs them.
var Shapes = []string{ShapeLiteral, ShapeForEach, ShapeCalendar}

const (
	// itemLength and itemStride place the literal and for_each items.
	itemLength, itemStride = 15 * time.Minute, 20 * time.Minute
	// eventLength is the length and stride of the calendar's events.
	eventLength = 5 * time.Minute
	// benchZone is the configuration's and the account's zone: a zone
	// without daylight saving time, so no item falls in a missing hour.
	benchZone = "UTC"
)

// Config is a generated configuration.
type Config struct {
	Shape string
	Items int
	// Files maps file names to their content.
	Files map[string][]byte
	// First and Last are the first item's start and the last one's end.
	First, Last time.Time
}

// Bytes is the size of the configuration's files together.
func (c Config) Bytes() int {
	n := 0
	for _, b := range c.Files {
		n += len(b)
	}
	return n
}

// Write writes the files into dir.
func (c Config) Write(dir string) error {
	for name, data := range c.Files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// Generate returns the configuration of shape with n items, the last one
// ending an hour before now.
func Generate(shape string, n int, now time.Time) (Config, error) {
	if n <= 0 {
		return Config{}, fmt.Errorf("%d items: want at least 1", n)
	}
	switch shape {
	case ShapeLiteral, ShapeForEach:
		return generateSpaced(shape, n, now), nil
	case ShapeCalendar:
		return generateCalendar(n, now)
	}
	return Config{}, fmt.Errorf("unknown shape %q: want %s", shape, strings.Join(Shapes, ", "))
}

// firstStart places n items of stride so that the last ends an hour before
// now, on a multiple of five minutes.
func firstStart(n int, stride, length time.Duration, now time.Time) time.Time {
	last := now.Add(-time.Hour - length).Truncate(5 * time.Minute)
	return last.Add(-time.Duration(n-1) * stride)
}

// settings is the rtctl block: a lookback of whole days that covers first
// with a day to spare.
func settings(first, now time.Time) string {
	days := int(now.Sub(first)/(24*time.Hour)) + 2
	return fmt.Sprintf("rtctl {\n  timezone = %q\n  lookback = \"%dd\"\n}\n\n", benchZone, days)
}

const localLayout = "2006-01-02 15:04"

func generateSpaced(shape string, n int, now time.Time) Config {
	first := firstStart(n, itemStride, itemLength, now)
	var b strings.Builder
	b.Grow(n * 110)
	b.WriteString(settings(first, now))
	start := func(i int) string { return first.Add(time.Duration(i) * itemStride).Format(localLayout) }
	activity := func(i int) string { return fmt.Sprintf("Activity %d", i%7) }
	if shape == ShapeLiteral {
		for i := range n {
			fmt.Fprintf(&b, "offline_time \"b%06d\" {\n  start    = %q\n  duration = \"15m\"\n  activity = %q\n}\n\n", i, start(i), activity(i))
		}
	} else {
		b.WriteString("locals {\n  blocks = {\n")
		for i := range n {
			fmt.Fprintf(&b, "    b%06d = { start = %q, activity = %q }\n", i, start(i), activity(i))
		}
		b.WriteString("  }\n}\n\n")
		b.WriteString("offline_time \"b\" {\n  for_each = local.blocks\n\n  start    = each.value.start\n  duration = \"15m\"\n  activity = each.value.activity\n}\n")
	}
	last := first.Add(time.Duration(n-1)*itemStride + itemLength)
	return Config{Shape: shape, Items: n, Files: map[string][]byte{"main.rt.hcl": []byte(b.String())}, First: first, Last: last}
}

// maxCalendarDays is how many days of events the calendar shape may span:
// data "ical" reads at most 366 days, from now - lookback to now + its
// 7-day horizon, and the lookback has a day to spare.
const maxCalendarDays = 366 - 7 - 2

func generateCalendar(n int, now time.Time) (Config, error) {
	first := firstStart(n, eventLength, eventLength, now)
	if now.Sub(first) > maxCalendarDays*24*time.Hour {
		return Config{}, fmt.Errorf("calendar: %d events of %s do not fit in the %d days data \"ical\" reads", n, eventLength, maxCalendarDays)
	}
	var ical strings.Builder
	ical.Grow(n*140 + 200)
	ical.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rtctl//bench//EN\r\n")
	const utc = "20060102T150405Z"
	stamp := now.UTC().Format(utc)
	for i := range n {
		s := first.Add(time.Duration(i) * eventLength).UTC()
		fmt.Fprintf(&ical, "BEGIN:VEVENT\r\nUID:e%06d@bench.rtctl\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Meeting %c\r\nEND:VEVENT\r\n",
			i, stamp, s.Format(utc), s.Add(eventLength).Format(utc), 'A'+rune(i%2))
	}
	ical.WriteString("END:VCALENDAR\r\n")
	var cfg strings.Builder
	cfg.WriteString(settings(first, now))
	cfg.WriteString(`data "ical" "work" {
  path = "work.ics"
}

offline_time "meetings" {
  for_each = { for e in data.ical.work.events : e.key => e }

  start    = each.value.start
  end      = each.value.end
  activity = each.value.summary
}
`)
	last := first.Add(time.Duration(n) * eventLength)
	return Config{Shape: ShapeCalendar, Items: n, First: first, Last: last, Files: map[string][]byte{
		"main.rt.hcl": []byte(cfg.String()),
		"work.ics":    []byte(ical.String()),
	}}, nil
}
