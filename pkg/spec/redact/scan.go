package redact

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// CheckFile refuses string literals in a file that look like a
// RescueTime API key. Keys belong in RESCUETIME_API_KEY, never in files
// that are committed and reviewed.
//
// It looks at the source's literal text, so a key is caught wherever it is
// written (a local, a default, a description) and reported where it is.
//
// start is where f's bytes begin in their file: a piece of a file parsed
// in pieces (parse.Pieces) starts further on.
func CheckFile(f *hcl.File, start hcl.Pos) hcl.Diagnostics {
	// Scanning the raw bytes is far cheaper than lexing; lex only to
	// locate a candidate precisely.
	if !LooksLikeAPIKey(string(f.Bytes)) {
		return nil
	}
	filename := f.Body.MissingItemRange().Filename
	tokens, _ := hclsyntax.LexConfig(f.Bytes, filename, start)
	var diags hcl.Diagnostics
	for _, tok := range tokens {
		if tok.Type != hclsyntax.TokenQuotedLit && tok.Type != hclsyntax.TokenStringLit && tok.Type != hclsyntax.TokenComment {
			continue
		}
		if !LooksLikeAPIKey(string(tok.Bytes)) {
			continue
		}
		rng := tok.Range
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "API key in configuration",
			Detail: "This value looks like a RescueTime API key. Configuration files are committed and shared, so keys " +
				"do not belong in them: set the RESCUETIME_API_KEY environment variable instead, and revoke this key if it was ever committed.",
			Subject: &rng,
		})
	}
	return diags
}

// LooksLikeAPIKey reports whether s contains a word shaped like an API key:
// 32 to 64 characters of letters, digits, "_" and "-", mixing upper case,
// lower case and digits. RescueTime keys are about 40 such characters.
// Prose, dates, hex digests (no upper case) and identifiers in one case do
// not match.
func LooksLikeAPIKey(s string) bool {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isKeyChar(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && keyShaped(s[start:i]) {
			return true
		}
		start = -1
	}
	return false
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func keyShaped(w string) bool {
	if len(w) < 32 || len(w) > 64 {
		return false
	}
	var upper, lower, digit int
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= 'a' && c <= 'z':
			lower++
		case c >= '0' && c <= '9':
			digit++
		}
	}
	// Real keys are random: every class appears several times. Long
	// CamelCase identifiers have few digits; snake_case has no upper case.
	return upper >= 3 && lower >= 3 && digit >= 3
}
