package zones

import (
	"strings"

	"github.com/agext/levenshtein"
)

// Names are the zone names, in the order of Go's database, then GMT and
// UTC (a copy).
func Names() []string { return append([]string(nil), names...) }

// Suggest is the zone name closest to typed, or "" when none is close
// enough to be what was meant: the same name in another case, a city
// without its region (Berlin), or a slip of a letter or two.
func Suggest(typed string) string {
	if typed == "" {
		return ""
	}
	lower := strings.ToLower(strings.ReplaceAll(typed, " ", "_"))
	for _, name := range names {
		if strings.ToLower(name) == lower {
			return name
		}
	}
	best, bestDist := "", 0
	for _, name := range names {
		ln := strings.ToLower(name)
		if _, city, ok := strings.Cut(ln, "/"); ok && city == lower {
			return name
		}
		d := levenshtein.Distance(lower, ln, nil)
		if d > max(2, len(typed)/5) {
			continue
		}
		if best == "" || d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}
