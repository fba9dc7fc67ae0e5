package spec

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/spec/redact"
)

// checkText reports a text that is too long, or empty when required, or
// that holds a credential. It counts characters (runes), not bytes, as the
// API does.
func (l *loader) checkText(a *hcl.Attribute, s string, required bool, diags *hcl.Diagnostics) bool {
	if l.holdsSecret(s) {
		*diags = append(*diags, attrError(a, "Credential in value",
			"The "+a.Name+" contains one of rtctl's credentials (the API key, an access token or the client secret). It would be posted to the account and shown by every plan. "+
				"Check where the value comes from, and revoke the credential if it was ever posted or committed."))
		return false
	}
	if required && strings.TrimSpace(s) == "" {
		*diags = append(*diags, attrError(a, "Empty "+a.Name, "The "+a.Name+" must not be empty."))
		return false
	}
	if n := utf8.RuneCountInString(s); n > rtapi.MaxTextLength {
		*diags = append(*diags, attrError(a, "Text too long",
			fmt.Sprintf("The %s is %d characters long; RescueTime stores at most %d.", a.Name, n, rtapi.MaxTextLength)))
		return false
	}
	// The value, not only the source: a key can arrive through a variable,
	// a file() or a data source, and this text is posted and printed.
	// One written in the source was already reported where it is.
	if redact.LooksLikeAPIKey(s) && !literalHasAPIKey(a.Expr) {
		*diags = append(*diags, attrError(a, "API key in value",
			"The "+a.Name+" contains something that looks like a RescueTime API key. It would be posted to the account and shown by every plan. "+
				"Check where the value comes from (a variable, a file, an environment variable), and revoke the key if it was ever posted or committed."))
		return false
	}
	return true
}

// literalHasAPIKey reports whether the literal text of expr (its quoted
// parts) holds something shaped like an API key, which checkSecrets reports
// on the source already.
func literalHasAPIKey(expr hcl.Expression) bool {
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return false
	}
	found := false
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		if lit, ok := n.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
			found = found || redact.LooksLikeAPIKey(lit.Val.AsString())
		}
		return nil
	})
	return found
}

// holdsSecret reports whether s contains one of the known credentials of
// LoadOptions.Secrets, in any case or by a piece of it (see secretscan): a
// configuration may unwrap a value with nonsensitive(), never a credential.
func (l *loader) holdsSecret(s string) bool {
	return l.creds.Contains(s)
}
