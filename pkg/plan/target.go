package plan

import (
	"fmt"
	"strings"

	"github.com/agext/levenshtein"
)

// MatchAddress reports whether address is selected by pattern, as --target
// and rtctl forget select items. A pattern selects the address it names and
// everything under it: "highlight.ship" selects highlight.ship and its
// instances (highlight.ship["a"]) and chunks (offline_time.x[chunk 1/2]);
// "highlight" selects every highlight. A "*" in a pattern matches any run of
// characters: highlight.* or offline_time.meetings["*"].
func MatchAddress(pattern, address string) bool {
	if pattern == "" {
		return false
	}
	if !strings.Contains(pattern, "*") {
		if address == pattern {
			return true
		}
		rest, ok := strings.CutPrefix(address, pattern)
		return ok && (rest[0] == '[' || rest[0] == '.')
	}
	return globMatch(pattern, address) || globMatch(pattern+"[*", address)
}

// globMatch matches s against a pattern whose only special character is
// "*" (any run of characters), by the usual two-pointer walk: linear in
// practice, and never recursive, whatever the input.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Target keeps the actions some pattern selects and drops the others, with
// a warning that the plan is partial. It returns the patterns that selected
// nothing, which are most likely typing mistakes.
func (p *Plan) Target(patterns []string) (unmatched []string) {
	if len(patterns) == 0 {
		return nil
	}
	used := make([]bool, len(patterns))
	kept := p.Actions[:0:0]
	for _, a := range p.Actions {
		sel := false
		for i, pat := range patterns {
			if MatchAddress(pat, a.Address) {
				sel, used[i] = true, true
			}
		}
		if sel {
			kept = append(kept, a)
		}
	}
	for i, u := range used {
		if !u {
			unmatched = append(unmatched, patterns[i])
		}
	}
	p.Warnings = append(p.Warnings, fmt.Sprintf("targeting is in effect (%s): this plan shows %d of the %d items, and apply leaves the others as they are. --target is for exceptions, such as posting one item now; a routine run plans everything.",
		strings.Join(patterns, ", "), len(kept), len(p.Actions)))
	p.Actions = kept
	return unmatched
}

// Unmatched returns the patterns that select no action of the plan: a
// -replace or -target that names nothing is most likely a typing mistake.
func (p *Plan) Unmatched(patterns []string) []string {
	var out []string
	for _, pat := range patterns {
		found := false
		for _, a := range p.Actions {
			if MatchAddress(pat, a.Address) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, pat)
		}
	}
	return out
}

// SuggestAddress returns the address of the plan closest to typed, as
// Terraform's "did you mean", or "" when none is close enough. An
// address is offered whole and as its resource (offline_time.lunch for
// offline_time.lunch["mon"]), since either is what a person types.
func (p *Plan) SuggestAddress(typed string) string {
	if len(typed) < 3 {
		return ""
	}
	seen := map[string]bool{}
	best, bestDist := "", 0
	consider := func(c string) {
		if seen[c] {
			return
		}
		seen[c] = true
		d := levenshtein.Distance(typed, c, nil)
		// A fifth of the length, at least 2: close enough to be a slip, not so loose
		// that any address of the same kind is offered.
		if d > max(2, len(typed)/5) || d == 0 {
			return
		}
		if best == "" || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	for _, a := range p.Actions {
		consider(a.Address)
		if i := strings.IndexByte(a.Address, '['); i > 0 {
			consider(a.Address[:i])
		}
	}
	return best
}
