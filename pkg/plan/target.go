package plan

import (
	"fmt"
	"strings"
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
