package secretscan

import (
	"strings"
	"testing"
)

const key = "B63nXq0aZ7LmPe4RtY9uWs2DkHf5Jc1Vg8"

func TestReplace(t *testing.T) {
	var s Set
	s.Add(key, "short-tok")
	tests := []struct {
		name, in, want string
	}{
		{"exact", "key " + key + " end", "key X end"},
		{"upper", "key " + strings.ToUpper(key) + " end", "key X end"},
		{"lower", "key " + strings.ToLower(key) + " end", "key X end"},
		{"chunk of 8", `["` + key[0:8] + `", "` + key[8:16] + `"]`, `["X", "X"]`},
		{"middle piece", "a" + key[5:20] + "b", "aXb"},
		{"7 characters are not a piece", "x" + key[3:10] + "x", "x" + key[3:10] + "x"},
		{"short credential exactly", "a short-tok b", "a X b"},
		{"short credential in another case stays", "a SHORT-TOK b", "a SHORT-TOK b"},
		{"ordinary words", "Shipped the release notes on Friday, 2026-11-20.", "Shipped the release notes on Friday, 2026-11-20."},
		{"two runs", key[:9] + " and " + key[20:30], "X and X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Replace(tt.in, "X"); got != tt.want {
				t.Errorf("Replace(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got, want := s.Contains(tt.in), tt.in != tt.want; got != want {
				t.Errorf("Contains(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

// A short wrong key (issue 24 item 10) is still matched only exactly: its
// pieces and other cases are ordinary text.
func TestShortKeyNotChunked(t *testing.T) {
	var s Set
	s.Add("release")
	if got := s.Replace("RELEASE notes, released", "X"); got != "RELEASE notes, Xd" {
		t.Errorf("got %q", got)
	}
}

func TestHeldBack(t *testing.T) {
	var s Set
	s.Add(key, "short-tok")
	tests := []struct {
		in   string
		want int
	}{
		{"nothing here\n", 0},
		{"ends in a piece " + key[10:15], 5},
		{"ends in a piece in capitals " + strings.ToUpper(key[10:17]), 7},
		{"ends in the start of short-t", 7},
	}
	for _, tt := range tests {
		if got := s.HeldBack(tt.in); got != tt.want {
			t.Errorf("HeldBack(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func BenchmarkReplaceNoMatch(b *testing.B) {
	var s Set
	s.Add(key)
	text := strings.Repeat("Fri 2026-11-20 09:00–09:15 (15m)  \"Meeting\": \"Daily standup\"\n", 1000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.Replace(text, "X")
	}
}

// TestWordlikePiecesOfAReadableKey: a key with readable pieces
// ("lite-account-key-1") is found exactly and by its random-looking
// pieces, but its pieces that could be part of a word are not cut out of
// ordinary text ("rtctl journal new-account" stayed "newREDACTED").
func TestWordlikePiecesOfAReadableKey(t *testing.T) {
	var s Set
	s.Add("lite-account-key-1")
	if got := s.Replace("run rtctl journal new-account", "REDACTED"); got != "run rtctl journal new-account" {
		t.Errorf("ordinary words were cut: %q", got)
	}
	for _, leak := range []string{"lite-account-key-1", "LITE-ACCOUNT-KEY-1", "unt-key-1"} {
		if !s.Contains("x " + leak + " y") {
			t.Errorf("%q was not found", leak)
		}
	}
	var random Set
	random.Add("B63GxyQp9rT2wLmZ")
	if !random.Contains("...xyqp9rt2...") || !random.Contains("GXYQP9RT") {
		t.Error("a random key's pieces, in another case, were not found")
	}
}
