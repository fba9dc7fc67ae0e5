package emulator

import (
	"fmt"
	"time"
)

// Plan is a RescueTime subscription plan. Premium-only endpoints answer 400
// (writes) or empty feeds (reads) for Lite accounts.
type Plan string

// The two plans the API distinguishes.
const (
	Lite    Plan = "lite"
	Premium Plan = "premium"
)

// Account is one emulated RescueTime user.
type Account struct {
	Key      string `json:"key"`       // the API key that authenticates it on /anapi
	Plan     Plan   `json:"plan"`      // lite or premium; empty means premium
	TimeZone string `json:"time_zone"` // IANA name; empty means UTC
	Seed     int64  `json:"seed"`      // selects the synthetic activity history
	// Model settles what the real API leaves unknown; the zero Model is
	// the emulator's original behaviour.
	Model Model `json:"model,omitzero"`
}

// OAuthClient is a registered OAuth2 application.
type OAuthClient struct {
	ID          string `json:"id"`
	Secret      string `json:"secret"`
	RedirectURI string `json:"redirect_uri"`
}

// account is an Account with its loaded zone and everything posted to it.
// Offline time is kept sorted by start so range reads are a binary search.
type account struct {
	Account
	loc *time.Location

	offline     []OfflineTime // sorted by Start, then ID
	highlights  []Highlight   // in posting order
	focusStarts []FocusStart  // in posting order
	focusEnds   []FocusEnd    // in posting order
}

func newAccount(a Account) (*account, error) {
	if a.Key == "" {
		return nil, fmt.Errorf("account key is empty")
	}
	if a.Plan == "" {
		a.Plan = Premium
	}
	if a.Plan != Lite && a.Plan != Premium {
		return nil, fmt.Errorf("account plan %q: want %q or %q", a.Plan, Lite, Premium)
	}
	if a.TimeZone == "" {
		a.TimeZone = "UTC"
	}
	if err := a.Model.validate(); err != nil {
		return nil, fmt.Errorf("account model: %w", err)
	}
	a.Model = a.Model.normalized()
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("account time zone %q: %w", a.TimeZone, err)
	}
	return &account{Account: a, loc: loc}, nil
}

func (a *account) premium() bool { return a.Plan == Premium }

// midnight returns the local midnight starting the day that contains t.
func midnight(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// addDays moves a local midnight by n calendar days (not n*24h: DST days
// are 23 or 25 hours long).
func addDays(day time.Time, n int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day()+n, 0, 0, 0, 0, day.Location())
}
