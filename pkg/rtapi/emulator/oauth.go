package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
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
	code, err := randomToken()
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "no randomness")
		return
	}
	e.codes[digest(code)] = authCode{
		client: client.ID, redirectURI: client.RedirectURI, account: key, scopes: scopes,
		expires: e.now().Add(codeLifetime),
	}
	redirect(url.Values{"code": {code}})
}

type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
	Code         string `json:"code"`
	RedirectURI  string `json:"redirect_uri"`
}

// serveToken exchanges a code for an access token. The body is JSON as
// documented, or form-encoded as RFC 6749 has it.
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request) {
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
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	if req.GrantType != "authorization_code" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported")
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

func readTokenRequest(r *http.Request) (tokenRequest, error) {
	var req tokenRequest
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
	if ct == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			return req, fmt.Errorf("body: %v", err)
		}
		f := r.PostForm
		return tokenRequest{f.Get("client_id"), f.Get("client_secret"), f.Get("grant_type"), f.Get("code"), f.Get("redirect_uri")}, nil
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return req, fmt.Errorf("body: not a JSON object")
	}
	return req, nil
}

// writeOAuthError answers in RFC 6749's error format.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, desc})
}
