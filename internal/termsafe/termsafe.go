// Package termsafe makes text that came from outside rtctl (the account, a
// server, a file or its name) safe to print: every character that a
// terminal, a CSV viewer or a Markdown renderer would act on instead of
// showing is written as a visible Go-style escape, so "\x1b]0;PWN\a" shows
// as those characters rather than retitling the terminal, and a
// right-to-left override cannot make "txt.exe" read as "exe.txt".
//
// The characters escaped are: the C0 controls, DEL and the C1 controls
// (0x9b, CSI, starts an escape sequence on its own in some terminals);
// the bidirectional formatting characters (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069), which reorder what is shown; the line
// and paragraph separators U+2028 and U+2029; and each byte that is not
// part of valid UTF-8. Everything else, other scripts and emoji included,
// is kept, so that the text stays what a person recognises.
//
// A backslash is kept as it is: these are listings and messages for a
// person, not quoted strings, and "C:\temp" should read as written. Where
// a value must be exact, rtctl offers JSON, which writes the same
// characters as \u escapes (encoding/json, completed by JSON), the value
// unchanged. Plan text quotes values with Go's %q, which
// escapes all of these characters too (TestQuoteEscapesEveryUnsafeRune
// holds it to that).
package termsafe

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r is a character Escape writes as an escape.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f,
		r >= 0x202a && r <= 0x202e,
		r >= 0x2066 && r <= 0x2069,
		r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// Escape returns s with every unsafe character (see the package comment)
// written as a visible escape: \n, \r, \t, \a, \b, \f and \v by name, other
// bytes below 0x80 and bytes that are not UTF-8 as \xNN, the rest as
// \uNNNN. s is returned unchanged, without copying, when it holds none.
func Escape(s string) string { return escape(s, false) }

// EscapeLines is Escape keeping "\n": for texts of several lines, such as
// a diagnostic's detail, whose line breaks are meant to be shown.
func EscapeLines(s string) string { return escape(s, true) }

func escape(s string, keepNewlines bool) string {
	i := firstUnsafe(s, keepNewlines)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeByteEscape(&b, s[i])
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case Unsafe(r):
			writeRuneEscape(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// EscapeLinesMapped is EscapeLines for a file's bytes, also giving where
// each offset of src is in the result: a renderer that shows part of a file
// by byte ranges (HCL's diagnostic snippets) escapes the file and moves
// its ranges with at.
func EscapeLinesMapped(src []byte) (out []byte, at func(offset int) int) {
	// Files are large and almost never hold anything to escape: look
	// before copying.
	if !hasUnsafeLines(src) {
		return src, func(o int) int { return o }
	}
	s := string(src)
	// grown[i] is how much longer the result is after the i-th escape,
	// which replaced the character at from[i].
	var from, grown []int
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeByteEscape(&b, s[i])
		case r == '\n' || !Unsafe(r):
			b.WriteString(s[i : i+size])
			i += size
			continue
		default:
			writeRuneEscape(&b, r)
		}
		from = append(from, i)
		grown = append(grown, b.Len()-i-size)
		i += size
	}
	return []byte(b.String()), func(o int) int {
		// Escapes that start before o moved it; one starting at o did not.
		k := sort.SearchInts(from, o)
		if k == 0 {
			return o
		}
		return o + grown[k-1]
	}
}

// JSON returns the JSON text b with every unsafe character that
// encoding/json writes as it is (the C1 controls and the bidi formatting
// characters; it escapes the C0 ones and the line separators itself)
// written as a \u escape instead. The value is the same, exactly: outside
// its strings JSON is ASCII, so every such character is inside a string,
// where \uNNNN means that character.
func JSON(b []byte) []byte {
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r >= utf8.RuneSelf && Unsafe(r) {
			break
		}
		i += size
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r >= utf8.RuneSelf && Unsafe(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// JSONWriter passes each JSON text written to it to w through JSON. It
// relies on what json.Encoder does, one call of Write for each value: a
// character cut between two calls is passed as it is.
func JSONWriter(w io.Writer) io.Writer { return jsonWriter{w} }

type jsonWriter struct{ w io.Writer }

func (j jsonWriter) Write(p []byte) (int, error) {
	if _, err := j.w.Write(JSON(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// hasUnsafeLines is firstUnsafe(string(b), true) >= 0, without copying b.
func hasUnsafeLines(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && c != '\n' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			return true
		}
		i += size
	}
	return false
}

// firstUnsafe is the offset of the first character Escape changes, or -1.
func firstUnsafe(s string, keepNewlines bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(c == '\n' && keepNewlines) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			return i
		}
		i += size
	}
	return -1
}

const hexDigits = "0123456789abcdef"

func writeByteEscape(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}

func writeRuneEscape(b *strings.Builder, r rune) {
	switch r {
	case '\a':
		b.WriteString(`\a`)
	case '\b':
		b.WriteString(`\b`)
	case '\f':
		b.WriteString(`\f`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	case '\v':
		b.WriteString(`\v`)
	default:
		if r < utf8.RuneSelf {
			writeByteEscape(b, byte(r))
			return
		}
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(r>>uint(shift))&0xf])
		}
	}
}
