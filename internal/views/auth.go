package views

import (
	"fmt"

	"github.com/rtctl/rtctl/internal/termsafe"
)

// Auth shows the steps of rtctl auth: the address to open, and where the
// token went. It never shows the token. It has no JSON form.
type Auth interface {
	// AuthorizeURL gives the address to open in a browser on stdout (so
	// that a script can take it), and on stderr what to do with it.
	AuthorizeURL(url, redirectURI string)
	// TokenSaved says the access token, with its scopes, was written to
	// tokenFile.
	TokenSaved(scope, tokenFile string)
}

// NewAuth is the text view of rtctl auth.
func NewAuth(v *View) Auth { return &authText{View: v} }

type authText struct{ *View }

func (v *authText) AuthorizeURL(url, redirectURI string) {
	fmt.Fprintln(v.stdout, url)
	fmt.Fprintf(v.stderr, "Open it and grant access: RescueTime sends the browser to %s with a code (valid 10 minutes).\n"+
		"Give that whole address to rtctl auth token (--code-file FILE, or standard input).\n", redirectURI)
}

func (v *authText) TokenSaved(scope, tokenFile string) {
	// The scopes are the server's text.
	fmt.Fprintf(v.stdout, "Saved the access token (scopes: %s) to %s.\nUse it with --access-token-file %s.\n", termsafe.Escape(scope), tokenFile, tokenFile)
}
