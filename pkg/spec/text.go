package spec

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// MaxTextLength is the longest activity name, detail or highlight text
// RescueTime stores, counted in characters.
const MaxTextLength = 255

// checkText reports a text that is too long, or empty when required. It
// counts characters (runes), not bytes, as the API does.
func checkText(a *hcl.Attribute, s string, required bool, diags *hcl.Diagnostics) bool {
	if required && strings.TrimSpace(s) == "" {
		*diags = append(*diags, attrError(a, "Empty "+a.Name, "The "+a.Name+" must not be empty."))
		return false
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLength {
		*diags = append(*diags, attrError(a, "Text too long",
			fmt.Sprintf("The %s is %d characters long; RescueTime stores at most %d.", a.Name, n, MaxTextLength)))
		return false
	}
	return true
}
