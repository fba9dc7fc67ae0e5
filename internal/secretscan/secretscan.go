// Package secretscan finds rtctl's credentials in text, as the last line of
// defence of every redactor (the API client's errors, the log, standard
// output and error, the configuration's diagnostics): not only the exact
// value but what a configuration can make of it cheaply, the value in
// another case (upper(), lower()) and pieces of it (substr(), regexall()
// chunks).
//
// Pieces are looked for only in long credentials (MinChunkedLength and
// more, as API keys and tokens are): a run of MinRun characters of a long
// random value does not occur in ordinary text, but a run of a short one
// might, and redacting it inside ordinary words would garble them.
package secretscan

import "strings"

const (
	// MinRun is the shortest piece of a long credential that is found.
	MinRun = 8
	// MinChunkedLength is the length from which a credential's pieces
	// are found, and its other cases; shorter ones only exactly.
	MinChunkedLength = 16
)

// Set is a set of credentials to find. Its zero value finds nothing. It is
// not safe to add to while it is used.
type Set struct {
	exact []string            // short credentials, matched exactly
	grams map[uint64]struct{} // every MinRun-byte run of the long ones, ASCII case folded
	// filter has the bit of every gram's hash set: most text has no run
	// of a credential, and a bit test is far cheaper than a map lookup.
	filter []uint64
	long   []string // the long ones, folded, for HeldBack
}

// Add adds credentials; empty ones are ignored.
func (s *Set) Add(secrets ...string) {
	for _, sec := range secrets {
		switch {
		case sec == "":
		case len(sec) < MinChunkedLength:
			s.exact = append(s.exact, sec)
		default:
			if s.grams == nil {
				s.grams = map[uint64]struct{}{}
				s.filter = make([]uint64, filterBits/64)
			}
			f := fold(sec)
			s.long = append(s.long, f)
			for i := 0; i+MinRun <= len(f); i++ {
				if wordlike(sec[i : i+MinRun]) {
					continue
				}
				g := gram(f, i)
				s.grams[g] = struct{}{}
				h := hash(g)
				s.filter[h/64] |= 1 << (h % 64)
			}
		}
	}
}

// wordlike reports whether a piece of a credential could be part of an
// ordinary word: letters of one case, perhaps with punctuation, and no
// digit. A random key's pieces mix cases or digits; a test key or a
// readable token ("lite-account-key-1") has pieces such as "-account",
// which, looked for, would be cut out of "new-account". Such a piece is
// not looked for on its own; the exact value and its other pieces are.
func wordlike(piece string) bool {
	var lower, upper bool
	for i := 0; i < len(piece); i++ {
		c := piece[i]
		switch {
		case c >= '0' && c <= '9', c >= 0x80:
			return false
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		}
	}
	return !(lower && upper)
}

// Empty reports whether the set holds no credential.
func (s *Set) Empty() bool { return s == nil || len(s.exact) == 0 && len(s.grams) == 0 }

// Contains reports whether text holds a credential or a piece of a long one.
func (s *Set) Contains(text string) bool {
	if s.Empty() {
		return false
	}
	for _, sec := range s.exact {
		if strings.Contains(text, sec) {
			return true
		}
	}
	if len(s.long) > 0 {
		f := fold(text)
		for _, l := range s.long {
			if strings.Contains(f, l) {
				return true
			}
		}
	}
	if len(s.grams) == 0 || len(text) < MinRun {
		return false
	}
	found := false
	s.runs(fold(text), func(int) bool {
		found = true
		return false
	})
	return found
}

// filterBits is the size of Set.filter.
const filterBits = 1 << 16

func hash(g uint64) uint64 { return (g * 0x9e3779b97f4a7c15) >> (64 - 16) }

// runs calls match with the offset of every MinRun-byte run of f that is a
// piece of a long credential, in order, until match returns false.
func (s *Set) runs(f string, match func(i int) bool) {
	if len(f) < MinRun {
		return
	}
	g := gram(f, 0)
	for i := 0; ; i++ {
		if h := hash(g); s.filter[h/64]&(1<<(h%64)) != 0 {
			if _, ok := s.grams[g]; ok && !match(i) {
				return
			}
		}
		if i+MinRun >= len(f) {
			return
		}
		g = g<<8 | uint64(f[i+MinRun])
	}
}

// Replace returns text with every credential, and every run of text made
// of pieces of a long one, replaced by with.
func (s *Set) Replace(text, with string) string {
	if s.Empty() {
		return text
	}
	for _, sec := range s.exact {
		if strings.Contains(text, sec) {
			text = strings.ReplaceAll(text, sec, with)
		}
	}
	// A long credential whole, in any case: its word-like pieces are not
	// looked for on their own (wordlike), so its whole is.
	for _, l := range s.long {
		for {
			i := strings.Index(fold(text), l)
			if i < 0 {
				break
			}
			text = text[:i] + with + text[i+len(l):]
		}
	}
	if len(s.grams) == 0 || len(text) < MinRun {
		return text
	}
	f := fold(text)
	var b strings.Builder
	last := 0   // text[:last] is written
	end := -1   // the end of the run being covered
	start := -1 // its start
	flush := func() {
		if start >= 0 {
			b.WriteString(text[last:start])
			b.WriteString(with)
			last = end
			start = -1
		}
	}
	s.runs(f, func(i int) bool {
		if start >= 0 && i <= end {
			end = i + MinRun
			return true
		}
		flush()
		start, end = i, i+MinRun
		return true
	})
	if start < 0 && last == 0 {
		return text
	}
	flush()
	b.WriteString(text[last:])
	return b.String()
}

// HeldBack is how many bytes at the end of text could be the start of a
// credential that a following write completes: the longest end of text that
// is the start of a short credential, or (up to MinRun-1 bytes) a piece of
// a long one.
func (s *Set) HeldBack(text string) int {
	if s.Empty() {
		return 0
	}
	longest := 0
	for _, sec := range s.exact {
		for n := min(len(sec)-1, len(text)); n > longest; n-- {
			if strings.HasSuffix(text, sec[:n]) {
				longest = n
				break
			}
		}
	}
	if len(s.long) > 0 {
		f := fold(text[len(text)-min(len(text), MinRun-1):])
		for n := len(f); n > longest; n-- {
			tail := f[len(f)-n:]
			found := false
			for _, l := range s.long {
				if strings.Contains(l, tail) {
					found = true
					break
				}
			}
			if found {
				longest = n
				break
			}
		}
	}
	return longest
}

// fold lowers ASCII letters only, so that byte offsets stay those of the
// original text.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// gram packs the MinRun bytes of s at i into a map key.
func gram(s string, i int) uint64 {
	var g uint64
	for j := 0; j < MinRun; j++ {
		g = g<<8 | uint64(s[i+j])
	}
	return g
}
