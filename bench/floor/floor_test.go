package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The floor evaluates literal attributes, nested blocks' too, and counts
// but does not evaluate those that refer to something.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.rt.hcl": `rtctl {
  timezone = "UTC"
}
locals {
  m = { a = { start = "2026-11-20 08:00" } }
}
offline_time "x" {
  for_each = local.m
  start    = each.value.start
  duration = "15m"
  nested {
    flag = true
  }
}
`,
		"work.ics":  "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20261120T080000Z\r\nDTEND:20261120T081500Z\r\nSUMMARY:a\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"notes.txt": "ignored",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Blocks: 4, Attributes: 6, Evaluated: 4, Events: 1}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestReadRefusesBrokenHCL(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte("rtctl {"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err == nil {
		t.Error("broken file read")
	}
}
