package emulator

import (
	"fmt"
	"strconv"
	"time"
)

// Model is how an account behaves where nothing public says how the real
// API behaves (docs/real-api.md, "unknown"). Each setting is unknown on the
// real API, modelled for tests: rtctl must be right under every one of them,
// and a test picks the one it needs. The zero Model is the emulator's
// original behaviour: posts visible at once, offline time reported as
// posted, no cap on the highlights feed.
type Model struct {
	// SyncDelay is how long after a POST its item shows in the reports
	// and feeds (AD2 in docs/emulator.md).
	SyncDelay SyncDelay `json:"sync_delay,omitzero"`
	// OfflineReport is how posted offline time appears in Analytic Data,
	// the daily summary and the alerts (AD1).
	OfflineReport OfflineReport `json:"offline_report,omitempty"`
	// HighlightsCap, when positive, makes the highlights feed list only
	// the newest HighlightsCap highlights of its 30 days (F1).
	HighlightsCap int `json:"highlights_cap,omitempty"`
	// Devices is how many computers log to the account at once; with 2, a
	// five-minute bucket can hold up to 600 s (AD3). 0 means one. It is
	// not an unknown (real answers show overfull buckets) but a property
	// of the person's setup, set here because it is set like the rest.
	Devices int `json:"devices,omitempty"`
}

// Names of the Model's settings, as `rtctl emulator` flags and Set take them.
const (
	SettingSyncDelay     = "sync-delay"
	SettingOfflineReport = "offline-report"
	SettingHighlightsCap = "highlights-cap"
	SettingDevices       = "devices"
)

// maxDevices is the most computers the synthetic history models.
const maxDevices = 2

// Set changes the setting called name (a Setting* constant) to value as
// written on a command line: a SyncDelay, an OfflineReport, or a whole
// number for the cap.
func (m *Model) Set(name, value string) error {
	switch name {
	case SettingSyncDelay:
		d, err := ParseSyncDelay(value)
		if err != nil {
			return err
		}
		m.SyncDelay = d
	case SettingOfflineReport:
		r, err := ParseOfflineReport(value)
		if err != nil {
			return err
		}
		m.OfflineReport = r
	case SettingHighlightsCap:
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fmt.Errorf("%s %q: want a whole number, 0 for no cap", SettingHighlightsCap, value)
		}
		m.HighlightsCap = n
	case SettingDevices:
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > maxDevices {
			return fmt.Errorf("%s %q: want 1 or %d", SettingDevices, value, maxDevices)
		}
		m.Devices = n
	default:
		return fmt.Errorf("no model setting %q: want %s, %s, %s or %s", name, SettingSyncDelay, SettingOfflineReport, SettingHighlightsCap, SettingDevices)
	}
	return nil
}

// normalized writes the defaults one way, as the zero value, so that two
// Models that behave alike compare equal (and an unchanged account is not
// saved again).
func (m Model) normalized() Model {
	if m.OfflineReport == OfflineAsPosted {
		m.OfflineReport = ""
	}
	if m.Devices == 1 {
		m.Devices = 0
	}
	return m
}

func (m Model) validate() error {
	if err := m.SyncDelay.validate(); err != nil {
		return err
	}
	if _, err := ParseOfflineReport(string(m.OfflineReport)); err != nil {
		return err
	}
	if m.HighlightsCap < 0 {
		return fmt.Errorf("%s: negative", SettingHighlightsCap)
	}
	if m.Devices < 0 || m.Devices > maxDevices {
		return fmt.Errorf("%s %d: want 1 or %d", SettingDevices, m.Devices, maxDevices)
	}
	return nil
}

// The documented sync intervals: a Premium account's data syncs every 3
// minutes, a Lite account's every 30.
const (
	PremiumSyncInterval = 3 * time.Minute
	LiteSyncInterval    = 30 * time.Minute
)

// maxSyncDelay bounds a fixed delay: an item later than the feeds' reach
// would never show at all.
const maxSyncDelay = feedWindow

// SyncDelay is how long a posted item stays out of the reports and feeds.
// An item posted at t shows from t+delay on, measured on the emulator's
// Clock: the worst case of a sync every delay. The zero value shows items
// at once.
type SyncDelay struct {
	// Realistic takes the documented sync interval of the account's plan
	// (PremiumSyncInterval, LiteSyncInterval) and ignores Fixed.
	Realistic bool
	// Fixed is the delay when not Realistic.
	Fixed time.Duration
}

// RealisticSyncDelay delays posts by the account plan's documented sync
// interval.
var RealisticSyncDelay = SyncDelay{Realistic: true}

const realistic = "realistic"

// ParseSyncDelay reads "realistic" or a Go duration ("0", "90s", "30m").
func ParseSyncDelay(s string) (SyncDelay, error) {
	if s == realistic {
		return RealisticSyncDelay, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return SyncDelay{}, fmt.Errorf("%s %q: want %q or a duration such as 3m", SettingSyncDelay, s, realistic)
	}
	d := SyncDelay{Fixed: v}
	return d, d.validate()
}

func (d SyncDelay) validate() error {
	if d.Fixed < 0 || d.Fixed > maxSyncDelay {
		return fmt.Errorf("%s %s: want 0 to %s (the feeds' reach)", SettingSyncDelay, d.Fixed, maxSyncDelay)
	}
	return nil
}

// For returns the delay on an account with plan p.
func (d SyncDelay) For(p Plan) time.Duration {
	switch {
	case !d.Realistic:
		return d.Fixed
	case p == Lite:
		return LiteSyncInterval
	default:
		return PremiumSyncInterval
	}
}

// String writes d as ParseSyncDelay reads it.
func (d SyncDelay) String() string {
	if d.Realistic {
		return realistic
	}
	return d.Fixed.String()
}

// MarshalText writes d as ParseSyncDelay reads it.
func (d SyncDelay) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what ParseSyncDelay reads.
func (d *SyncDelay) UnmarshalText(b []byte) error {
	v, err := ParseSyncDelay(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// OfflineReport is how posted offline time appears in the reports.
type OfflineReport string

// The ways offline time may be reported. Empty means OfflineAsPosted.
const (
	// OfflineAsPosted: Activity = activity_name, Document =
	// activity_details, Category and overview "Offline", Productivity 0.
	OfflineAsPosted OfflineReport = "as-posted"
	// OfflineOtherName: Activity OtherNameActivity, no document, Category
	// and overview OtherNameCategory, Productivity 0; a reader matching
	// blocks by the posted name finds nothing.
	OfflineOtherName OfflineReport = "other-name"
	// OfflineHidden: posted offline time never appears in any report.
	OfflineHidden OfflineReport = "hidden"
)

// The fixed names OfflineOtherName reports offline time under.
const (
	OtherNameActivity = "Offline Time"
	OtherNameCategory = "Uncategorized"
)

// ParseOfflineReport reads as-posted, other-name or hidden ("" is as-posted).
func ParseOfflineReport(s string) (OfflineReport, error) {
	switch r := OfflineReport(s); r {
	case "", OfflineAsPosted, OfflineOtherName, OfflineHidden:
		return r, nil
	}
	return "", fmt.Errorf("%s %q: want %s, %s or %s", SettingOfflineReport, s, OfflineAsPosted, OfflineOtherName, OfflineHidden)
}

// delay is the account's sync delay.
func (a *account) delay() time.Duration { return a.Model.SyncDelay.For(a.Plan) }

// synced reports whether an item posted (or, for a FocusTime session's
// natural end, happened) at t shows at now.
func (a *account) synced(t, now time.Time) bool { return !t.Add(a.delay()).After(now) }

// SetModel replaces the model of the account with key, and saves the state.
func (e *Emulator) SetModel(key string, m Model) error {
	if err := m.validate(); err != nil {
		return fmt.Errorf("set model: %w", err)
	}
	m = m.normalized()
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.accounts[key]
	if !ok {
		return fmt.Errorf("set model: no account with that key")
	}
	if a.Model == m {
		return nil
	}
	a.Model = m
	return e.saveLocked()
}
