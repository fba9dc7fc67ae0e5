package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The documented OAuth2 scopes.
const (
	scopeTime         = "time_data"
	scopeCategory     = "category_data"
	scopeProductivity = "productivity_data"
	scopeAlert        = "alert_data"
	scopeHighlight    = "highlight_data"
	scopeFocus        = "focustime_data"
)

var allScopes = []string{scopeTime, scopeCategory, scopeProductivity, scopeAlert, scopeHighlight, scopeFocus}

// codeLifetime is how long an authorization code may be exchanged.
const codeLifetime = 10 * time.Minute

// tokenGrant is what an access token grants. Only its SHA-256 is kept, in
// memory and in the state file, so neither holds a usable token.
type tokenGrant struct {
	Account   string    `json:"account"`
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
}

type authCode struct {
	client      string
	redirectURI string
	account     string
	scopes      []string
	expires     time.Time
	// challenge is the PKCE S256 code_challenge the code was asked for
	// with, "" when none: the token request must then bring no verifier.
	challenge string
}

func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// parseScopes splits a scope list (space, comma or plus separated) and
// refuses unknown or no scopes.
func parseScopes(s string) ([]string, error) {
	var out []string
	for _, sc := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '+' }) {
		if !slices.Contains(allScopes, sc) {
			return nil, fmt.Errorf("unknown scope %q", sc)
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no scope requested")
	}
	return out, nil
}

// IssueToken grants an access token for the account with accountKey
// without the authorization flow: a shortcut for tests. No scopes means
// all of them.
func (e *Emulator) IssueToken(accountKey string, scopes ...string) (string, error) {
	if len(scopes) == 0 {
		scopes = allScopes
	}
	granted, err := parseScopes(strings.Join(scopes, " "))
	if err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.accounts[accountKey]; !ok {
		return "", fmt.Errorf("issue token: no account with that key")
	}
	return e.issueLocked(accountKey, granted)
}

func (e *Emulator) issueLocked(accountKey string, scopes []string) (string, error) {
	tok, err := randomToken()
	if err != nil {
		return "", err
	}
	e.tokens[digest(tok)] = tokenGrant{Account: accountKey, Scopes: scopes, CreatedAt: e.now()}
	if err := e.saveLocked(); err != nil {
		return "", err
	}
	return tok, nil
}

// authenticateToken resolves an access token (access_token parameter or
// an Authorization: Bearer header) and checks the endpoint's scope.
func (e *Emulator) authenticateToken(w http.ResponseWriter, r *http.Request, scope string) *account {
	tok := r.URL.Query().Get("access_token")
	if h := r.Header.Get("Authorization"); tok == "" && strings.HasPrefix(h, "Bearer ") {
		tok = strings.TrimPrefix(h, "Bearer ")
	}
	grant, ok := e.tokens[digest(tok)]
	acct := e.accounts[grant.Account]
	if tok == "" || !ok || acct == nil {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "invalid token", "access token not found or revoked")
		return nil
	}
	if !slices.Contains(grant.Scopes, scope) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="insufficient_scope", scope=%q`, scope))
		writeError(w, http.StatusForbidden, "insufficient scope", "this endpoint requires the "+scope+" scope")
		return nil
	}
	return acct
}

// serveAuthorize grants a code at once: there is no login page. The
// account is named by the account parameter (its key), or is the only one.
func (e *Emulator) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	q := r.URL.Query()
	e.mu.Lock()
	defer e.mu.Unlock()
	client, ok := e.clients[q.Get("client_id")]
	if !ok {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client", "unknown client_id")
		return
	}
	// Never redirect to an unregistered URI (RFC 6749 section 4.1.2.1).
	if q.Get("redirect_uri") != client.RedirectURI {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri does not match the registered one")
		return
	}
	redirect := func(v url.Values) {
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		u, _ := url.Parse(client.RedirectURI) // validated when the client was used to register
		uq := u.Query()
		for k, vs := range v {
			uq[k] = vs
		}
		u.RawQuery = uq.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	if q.Get("response_type") != "code" {
		redirect(url.Values{"error": {"unsupported_response_type"}})
		return
	}
	scopes, err := parseScopes(q.Get("scope"))
	if err != nil {
		redirect(url.Values{"error": {"invalid_scope"}, "error_description": {err.Error()}})
		return
	}
	key := q.Get("account")
	if key == "" && len(e.accounts) == 1 {
		key = e.sortedKeys()[0]
	}
	if _, ok := e.accounts[key]; !ok {
		redirect(url.Values{"error": {"access_denied"}, "error_description": {"name the account to authorise with the account parameter"}})
		return
	}
	challenge, err := pkceChallenge(q)
	if err != nil {
		redirect(url.Values{"error": {"invalid_request"}, "error_description": {err.Error()}})
		return
	}
	code, err := randomToken()
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "no randomness")
		return
	}
	e.codes[digest(code)] = authCode{
		client: client.ID, redirectURI: client.RedirectURI, account: key, scopes: scopes,
		expires: e.now().Add(codeLifetime), challenge: challenge,
	}
	redirect(url.Values{"code": {code}})
}

type tokenRequest struct {
	ClientID     string
	ClientSecret string
	basic        bool // the client authenticated with HTTP Basic
	GrantType    string
	Code         string
	RedirectURI  string
	CodeVerifier string
}

// serveToken exchanges a code for an access token, as RFC 6749 section
// 4.1.3 and RFC 7636 have it: a form-encoded body, the client authenticated
// in the body or with HTTP Basic, the code single-use and bound to its
// client, redirect_uri and PKCE challenge. Errors are section 5.2's.
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request) {
	// Section 5.1: answers carrying tokens are never cached; errors neither.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	req, err := readTokenRequest(r)
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	client, ok := e.clients[req.ClientID]
	if !ok || subtle.ConstantTimeCompare([]byte(client.Secret), []byte(req.ClientSecret)) != 1 {
		if req.basic {
			// Section 5.2: a client that tried Basic is told the scheme.
			w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
		}
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	if req.GrantType != "authorization_code" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported")
		return
	}
	if req.Code == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "code is required")
		return
	}
	h := digest(req.Code)
	code, ok := e.codes[h]
	delete(e.codes, h) // single use, whatever happens next
	switch {
	case !ok || code.client != client.ID:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
		return
	case !e.now().Before(code.expires):
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "code expired")
		return
	case req.RedirectURI != code.redirectURI:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match")
		return
	}
	if err := checkVerifier(code.challenge, req.CodeVerifier); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", err.Error())
		return
	}
	tok, err := e.issueLocked(code.account, code.scopes)
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "token could not be issued")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
		CreatedAt   int64  `json:"created_at"`
	}{tok, "bearer", strings.Join(code.scopes, " "), e.now().Unix()})
}

// readTokenRequest reads a form-encoded token request. RescueTime's page
// shows a JSON body; the emulator takes the standard's form only, so that
// the tests hold rtctl's client to the standard (see docs/emulator.md, T3).
func readTokenRequest(r *http.Request) (tokenRequest, error) {
	var req tokenRequest
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return req, fmt.Errorf("the token request must be form-encoded (Content-Type application/x-www-form-urlencoded, RFC 6749 section 4.1.3)")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return req, fmt.Errorf("body: %v", err)
	}
	f := r.PostForm
	for k, vs := range f {
		if len(vs) > 1 {
			// RFC 6749 section 3.2.
			return req, fmt.Errorf("parameter %s given more than once", k)
		}
	}
	req = tokenRequest{
		ClientID: f.Get("client_id"), ClientSecret: f.Get("client_secret"),
		GrantType: f.Get("grant_type"), Code: f.Get("code"), RedirectURI: f.Get("redirect_uri"),
		CodeVerifier: f.Get("code_verifier"),
	}
	if id, secret, ok := r.BasicAuth(); ok {
		if f.Has("client_secret") {
			// Section 2.3: one authentication method per request.
			return req, fmt.Errorf("the client authenticated both with HTTP Basic and in the body; use one")
		}
		// Section 2.3.1: both parts are form-encoded before Basic.
		if id, err := url.QueryUnescape(id); err == nil {
			req.ClientID = id
		}
		if secret, err := url.QueryUnescape(secret); err == nil {
			req.ClientSecret = secret
		}
		req.basic = true
	}
	return req, nil
}

// pkceChallenge reads the PKCE parameters of an authorization request:
// none, or an S256 challenge. "plain" is refused, as RFC 7636 section
// 4.2 allows a server to: it would put the verifier itself in the address.
func pkceChallenge(q url.Values) (string, error) {
	ch, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case ch == "" && method == "":
		return "", nil
	case ch == "":
		return "", fmt.Errorf("code_challenge_method without code_challenge")
	case method != "S256":
		return "", fmt.Errorf("code_challenge_method must be S256")
	case len(ch) != 43 || strings.Trim(ch, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "":
		return "", fmt.Errorf("code_challenge is not a base64url SHA-256 (43 characters)")
	}
	return ch, nil
}

// checkVerifier checks a token request's code_verifier against the code's
// challenge (RFC 7636 section 4.6).
func checkVerifier(challenge, verifier string) error {
	switch {
	case challenge == "" && verifier == "":
		return nil
	case challenge == "":
		return fmt.Errorf("code_verifier given for a code asked for without code_challenge")
	case verifier == "":
		return fmt.Errorf("code_verifier is required: the code was asked for with code_challenge")
	case len(verifier) < 43 || len(verifier) > 128 || strings.Trim(verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") != "":
		return fmt.Errorf("code_verifier must be 43 to 128 unreserved characters")
	}
	sum := sha256.Sum256([]byte(verifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) != 1 {
		return fmt.Errorf("code_verifier does not match code_challenge")
	}
	return nil
}

// writeOAuthError answers in RFC 6749's error format.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, desc})
}

// CodeUnspent reports whether code was issued by /oauth/authorize and has
// not been named in a token request since: tests use it to show that a
// refused command left the person's code usable.
func (e *Emulator) CodeUnspent(code string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.codes[digest(code)]
	return ok
}
