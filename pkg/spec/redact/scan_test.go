package redact

import "testing"

func TestLooksLikeAPIKey(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"B63abcdEFGh_ijklmnOPQrst0123456789abcdefg", true},
		{"key: B63abcdEFGh_ijklmnOPQrst0123456789abcdefg please", true},
		{"Daily standup with the platform team", false},
		{"Merged 3f9a1c2b7d4e5f60718293a4b5c6d7e8f9012345", false},           // git SHA: no upper case
		{"ThisIsAVeryLongCamelCaseIdentifierNameForSure", false},             // no digits
		{"https://calendar.example.com/ical/team-calendar/basic.ics", false}, // ordinary URL
		{"Ab1Cd2Ef3", false},                            // too short
		{"550e8400-e29b-41d4-a716-446655440000", false}, // UUID: no upper case
	}
	for _, tt := range tests {
		if got := LooksLikeAPIKey(tt.s); got != tt.want {
			t.Errorf("LooksLikeAPIKey(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
