package rtapi

import (
	"fmt"
	"slices"
	"strings"
)

// Perspective is the X axis of an Analytic Data report (parameter
// "perspective").
type Perspective string

// Perspectives.
const (
	PerspectiveRank     Perspective = "rank"     // ordered by time spent (the server's default)
	PerspectiveInterval Perspective = "interval" // ordered by calendar time
	// PerspectiveMember sums per member of the account; undocumented but
	// recorded (docs/real-api.md): rows start with Person and have no
	// Rank nor Number of People.
	PerspectiveMember Perspective = "member"
)

// Resolution is the bucket size of an interval report (parameter
// "resolution_time"). ResolutionMinute means five-minute buckets.
type Resolution string

// Resolutions.
const (
	ResolutionMonth  Resolution = "month"
	ResolutionWeek   Resolution = "week"
	ResolutionDay    Resolution = "day"
	ResolutionHour   Resolution = "hour" // the server's default
	ResolutionMinute Resolution = "minute"
)

// Kind selects how a report sums activities (parameter "restrict_kind").
type Kind string

// Kinds.
const (
	KindOverview     Kind = "overview"     // top-level categories
	KindCategory     Kind = "category"     // sub-categories
	KindActivity     Kind = "activity"     // applications and web sites
	KindProductivity Kind = "productivity" // productivity levels
	KindEfficiency   Kind = "efficiency"   // a score per interval; a label per level in the rank perspective
	KindDocument     Kind = "document"     // documents and pages
)

// SourceType restricts a report to one kind of device (parameter
// "restrict_source_type").
type SourceType string

// Source types.
const (
	SourceComputers SourceType = "computers"
	SourceMobile    SourceType = "mobile"
	SourceOffline   SourceType = "offline"
)

// Report is the Analytic Data URL to query. Only OAuth2 connections have the
// restricted reports; API keys always use ReportData.
type Report string

// Reports.
const (
	ReportData         Report = "data"              // everything; scope time_data
	ReportOverview     Report = "overview_data"     // top-level categories only; scope category_data
	ReportCategory     Report = "category_data"     // sub-categories only; scope category_data
	ReportProductivity Report = "productivity_data" // productivity only; scope productivity_data
)

// Format is the Analytic Data output format.
type Format string

// Formats.
const (
	FormatJSON Format = "json"
	FormatCSV  Format = "csv"
)

var (
	perspectives = []Perspective{PerspectiveRank, PerspectiveInterval, PerspectiveMember}
	resolutions  = []Resolution{ResolutionMonth, ResolutionWeek, ResolutionDay, ResolutionHour, ResolutionMinute}
	kinds        = []Kind{KindOverview, KindCategory, KindActivity, KindProductivity, KindEfficiency, KindDocument}
	sourceTypes  = []SourceType{SourceComputers, SourceMobile, SourceOffline}
	reports      = []Report{ReportData, ReportOverview, ReportCategory, ReportProductivity}
	formats      = []Format{FormatJSON, FormatCSV}
)

// Valid reports whether p is a known perspective.
func (p Perspective) Valid() bool { return slices.Contains(perspectives, p) }

// Valid reports whether r is a known resolution.
func (r Resolution) Valid() bool { return slices.Contains(resolutions, r) }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(kinds, k) }

// Valid reports whether s is a known source type.
func (s SourceType) Valid() bool { return slices.Contains(sourceTypes, s) }

// Valid reports whether r is a known report.
func (r Report) Valid() bool { return slices.Contains(reports, r) }

// Valid reports whether f is a known format.
func (f Format) Valid() bool { return slices.Contains(formats, f) }

// ParsePerspective reads a perspective name; the error names the field.
func ParsePerspective(s string) (Perspective, error) {
	return parseEnum("perspective", s, perspectives)
}

// ParseResolution reads a resolution name.
func ParseResolution(s string) (Resolution, error) {
	return parseEnum("resolution_time", s, resolutions)
}

// ParseKind reads a kind name.
func ParseKind(s string) (Kind, error) { return parseEnum("restrict_kind", s, kinds) }

// ParseSourceType reads a source type name.
func ParseSourceType(s string) (SourceType, error) {
	return parseEnum("restrict_source_type", s, sourceTypes)
}

// ParseReport reads a report name.
func ParseReport(s string) (Report, error) { return parseEnum("report", s, reports) }

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) { return parseEnum("format", s, formats) }

func parseEnum[T ~string](field, s string, valid []T) (T, error) {
	v := T(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(valid, v) {
		return v, nil
	}
	return "", &ValidationError{Field: field, Reason: fmt.Sprintf("%q is not one of %s", s, joinEnum(valid))}
}

func joinEnum[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// Productivity is a productivity level, from -2 (very distracting) to 2
// (very productive).
type Productivity int

// Productivity levels; the newer documentation's labels are in comments.
const (
	VeryDistracting Productivity = -2 // "Distracting"
	Distracting     Productivity = -1 // "Personal"
	Neutral         Productivity = 0  // "Neutral"
	Productive      Productivity = 1  // "Other Work"
	VeryProductive  Productivity = 2  // "Focus Work"
)

// String names the level as the RescueTime reports do.
func (p Productivity) String() string {
	switch p {
	case VeryDistracting:
		return "very distracting"
	case Distracting:
		return "distracting"
	case Neutral:
		return "neutral"
	case Productive:
		return "productive"
	case VeryProductive:
		return "very productive"
	}
	return fmt.Sprintf("productivity(%d)", int(p))
}
