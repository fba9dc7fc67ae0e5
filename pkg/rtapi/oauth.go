package rtapi

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// Scope is an OAuth2 access scope.
type Scope string

// Scopes the API documents.
const (
	ScopeTimeData         Scope = "time_data"         // activity history, summaries, offline time
	ScopeCategoryData     Scope = "category_data"     // time per category
	ScopeProductivityData Scope = "productivity_data" // time per productivity level
	ScopeAlertData        Scope = "alert_data"        // alert history
	ScopeHighlightData    Scope = "highlight_data"    // read and post highlights
	ScopeFocusTimeData    Scope = "focustime_data"    // FocusTime history, start and stop
)

// OAuthConfig identifies an OAuth2 application registered with RescueTime.
type OAuthConfig struct {
	ClientID     string
	ClientSecret Secret
	RedirectURI  string
	Scopes       []Scope
}

func (cfg OAuthConfig) validate(needSecret bool) error {
	var errs []error
	if cfg.ClientID == "" {
		errs = append(errs, &ValidationError{Field: "client_id", Reason: "is required"})
	}
	if needSecret && cfg.ClientSecret == "" {
		errs = append(errs, &ValidationError{Field: "client_secret", Reason: "is required"})
	}
	if u, err := url.Parse(cfg.RedirectURI); cfg.RedirectURI == "" || err != nil || u.Scheme == "" || u.Host == "" {
		errs = append(errs, &ValidationError{Field: "redirect_uri", Reason: "must be an absolute URL"})
	}
	return joinErrors(errs)
}

// Authorization is one authorization request in progress: the page to send
// the person to, and what must be kept, privately, until the address
// RescueTime redirects to comes back: the state to check it against
// (CodeFromRedirect) and the PKCE verifier the code is redeemed with
// (ExchangeCode).
type Authorization struct {
	URL      string
	State    string
	Verifier Secret
}

// oauth2Config is cfg for golang.org/x/oauth2, with the endpoints under the
// client's base URL (so that the emulator stands in for RescueTime). The
// client authenticates in the request body, as RescueTime documents; never
// AuthStyleAutoDetect, which on a refusal sends the single-use code a
// second time.
func (c *Client) oauth2Config(cfg OAuthConfig) *oauth2.Config {
	scopes := make([]string, len(cfg.Scopes))
	for i, s := range cfg.Scopes {
		scopes[i] = string(s)
	}
	base := c.base.String()
	return &oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: string(cfg.ClientSecret),
		RedirectURL:  cfg.RedirectURI,
		Scopes:       scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   base + "/oauth/authorize",
			TokenURL:  base + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// Authorize starts the authorization-code flow: a new random state and PKCE
// verifier (RFC 7636, S256), and the page to send the person to so that
// they grant cfg's scopes. RescueTime then redirects to cfg.RedirectURI with
// a code valid for ten minutes and the state.
func (c *Client) Authorize(cfg OAuthConfig) (*Authorization, error) {
	if err := cfg.validate(false); err != nil {
		return nil, err
	}
	state := rand.Text() // 128 bits from crypto/rand
	verifier := oauth2.GenerateVerifier()
	u := c.oauth2Config(cfg).AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
	return &Authorization{URL: u, State: state, Verifier: Secret(verifier)}, nil
}

// CodeFromRedirect takes the authorization code from the address RescueTime
// redirected the browser to (or its query string), after checking that its
// state is the one Authorize made: a code that answers another request,
// someone else's link or an older one, is refused before it is redeemed. A
// refusal by the person or the server comes back as an error naming it.
// Errors never show the code.
func CodeFromRedirect(address, state string) (Secret, error) {
	s := strings.TrimSpace(address)
	var raw string
	switch {
	case strings.Contains(s, "://"):
		u, err := url.Parse(s)
		if err != nil {
			// url.Parse's message repeats the address, code included.
			return "", errors.New("the redirect address is not a URL; copy it whole from the browser's address bar")
		}
		raw = u.RawQuery
	case strings.Contains(s, "="):
		raw = strings.TrimPrefix(s, "?")
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", errors.New("the redirect address's query string cannot be read; copy the address whole from the browser's address bar")
	}
	if !q.Has("code") && !q.Has("error") && !q.Has("state") {
		// A code alone (some end in "=" padding) carries no state to check.
		return "", errors.New("want the whole address the browser was sent to, with its code and state, not the code alone: " +
			"rtctl checks the state to be sure the code answers its own request")
	}
	if e := q.Get("error"); e != "" {
		msg := e
		if d := q.Get("error_description"); d != "" {
			msg += ": " + d
		}
		return "", fmt.Errorf("RescueTime did not grant access: %s", escapeEcho(msg))
	}
	got := q["state"]
	if len(got) != 1 || state == "" || subtle.ConstantTimeCompare([]byte(got[0]), []byte(state)) != 1 {
		return "", errors.New("the state in the redirect address is not the one rtctl sent: the address answers another authorization request " +
			"(an older `rtctl auth url`, or a link from someone else); run `rtctl auth url` again and use the address it leads to")
	}
	codes := q["code"]
	if len(codes) != 1 || codes[0] == "" {
		return "", errors.New("the redirect address holds no code (or more than one)")
	}
	return Secret(codes[0]), nil
}

// escapeEcho shows text from a server or an address in a message: Go
// escapes for control and formatting characters, so that a terminal escape
// is seen rather than obeyed, cut at maxEcho characters.
func escapeEcho(s string) string {
	q := strconv.QuoteToGraphic(s)
	q = q[1 : len(q)-1]
	if utf8.RuneCountInString(q) > maxEcho {
		q = string([]rune(q)[:maxEcho]) + "..."
	}
	return q
}

// Token is the answer of the token endpoint. AccessToken formats as
// "REDACTED"; pass it as Options.Credentials.
type Token struct {
	AccessToken  AccessToken `json:"access_token"`
	TokenType    string      `json:"token_type,omitempty"`
	Scope        string      `json:"scope,omitempty"`
	RefreshToken Secret      `json:"refresh_token,omitempty"`
	CreatedAt    int64       `json:"created_at,omitempty"`
}

// MaxAccessTokenBytes bounds an access token rtctl accepts. RescueTime's
// are 64 characters; 4 KiB leaves room for a signed token and none for a
// page of something else.
const MaxAccessTokenBytes = 4 << 10

// ValidateAccessToken checks that t can be an OAuth2 bearer token: RFC
// 6750's b64token (letters, digits, "-._~+/", then "=" padding), at most
// MaxAccessTokenBytes. A token that fails would split a token file (a line
// break), reach a terminal (an escape) or is no token. The error says what
// is wrong and where, never the token.
func ValidateAccessToken(t AccessToken) error {
	s := string(t)
	fail := func(reason string) error { return &ValidationError{Field: "access_token", Reason: reason} }
	switch {
	case s == "":
		return fail("is empty")
	case len(s) > MaxAccessTokenBytes:
		return fail(fmt.Sprintf("is %d bytes, longer than %s: not an access token", len(s), "4 KiB"))
	}
	i := 0
	for i < len(s) && isB64TokenChar(s[i]) {
		i++
	}
	j := i
	for i > 0 && j < len(s) && s[j] == '=' {
		j++
	}
	if j == len(s) {
		return nil
	}
	switch b := s[j]; {
	case b == '\n' || b == '\r':
		return fail(fmt.Sprintf("holds a line break at byte %d", j+1))
	case b < 0x20 || b == 0x7f:
		return fail(fmt.Sprintf("holds a control character (0x%02x) at byte %d", b, j+1))
	}
	return fail(fmt.Sprintf("holds a character not allowed in a bearer token at byte %d (RFC 6750 allows letters, digits, -._~+/ and = at the end)", j+1))
}

func isB64TokenChar(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		b == '-' || b == '.' || b == '_' || b == '~' || b == '+' || b == '/'
}

// ExchangeCode redeems an authorization code at /oauth/token, with the
// PKCE verifier of the Authorization it answers, through golang.org/x/oauth2:
// the request is RFC 6749's (form-encoded, the client authenticated in the
// body as RescueTime documents). Codes are single-use, so it is sent once,
// never retried. The token in the answer is checked (ValidateAccessToken)
// before it is returned.
func (c *Client) ExchangeCode(ctx context.Context, cfg OAuthConfig, code, verifier Secret) (*Token, error) {
	if err := cfg.validate(true); err != nil {
		return nil, err
	}
	if code == "" {
		return nil, &ValidationError{Field: "code", Reason: "is required"}
	}
	if verifier == "" {
		return nil, &ValidationError{Field: "code_verifier", Reason: "is required: redeem the code with the verifier of the Authorization it answers"}
	}
	oc := c.oauth2Config(cfg)
	red := redactor{secrets: []string{string(cfg.ClientSecret), string(code), string(verifier)}}
	tokenURL, _ := url.Parse(oc.Endpoint.TokenURL) // built from the parsed base URL
	fail := func(applied bool, err error) error {
		return &opError{method: http.MethodPost, endpoint: "token", applied: applied, err: err}
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hc := *c.hc // redirects are not followed: the body holds the secret
	var status int
	hc.Transport = userAgentTransport{base: c.hc.Transport, userAgent: c.userAgent, status: &status}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &hc)
	start := c.clock()
	ot, err := oc.Exchange(ctx, string(code), oauth2.VerifierOption(string(verifier)))
	if err != nil {
		c.log(ctx, red, http.MethodPost, tokenURL, retrieveStatus(err), 0, start, err)
		return nil, fail(tokenErrorApplied(err), tokenError(err, red, tokenURL))
	}
	c.log(ctx, red, http.MethodPost, tokenURL, status, 0, start, nil)
	tok := &Token{
		AccessToken:  AccessToken(ot.AccessToken),
		TokenType:    ot.TokenType,
		RefreshToken: Secret(ot.RefreshToken),
	}
	if err := ValidateAccessToken(tok.AccessToken); err != nil {
		var ve *ValidationError
		reason := err.Error()
		if errors.As(err, &ve) {
			reason = ve.Reason
		}
		return nil, fail(true, &UnexpectedAnswerError{StatusCode: status,
			Reason: "its access_token is not an OAuth2 bearer token (RFC 6750), so it is refused: it " + reason})
	}
	if s, ok := ot.Extra("scope").(string); ok {
		tok.Scope = s
	}
	switch v := ot.Extra("created_at").(type) {
	case float64:
		tok.CreatedAt = int64(v)
	case string:
		tok.CreatedAt, _ = strconv.ParseInt(v, 10, 64)
	}
	return tok, nil
}

// userAgentTransport names rtctl in the token request, as every other
// request does, and notes the answer's status, which oauth2 keeps only for
// its errors.
type userAgentTransport struct {
	base      http.RoundTripper
	userAgent string
	status    *int
}

func (t userAgentTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", t.userAgent)
	r.Header.Set("Accept", "application/json")
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		*t.status = resp.StatusCode
	}
	return resp, err
}

func retrieveStatus(err error) int {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// tokenErrorApplied reports whether the server may have redeemed the code
// although the exchange failed.
func tokenErrorApplied(err error) bool {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.Response == nil || re.Response.StatusCode >= 500
	}
	return !neverSent(err)
}

// tokenError types a failed exchange like every other call's errors, with
// the server's RFC 6749 error code and description, the secrets removed and
// the text clipped. oauth2's own messages are not used as they are: they
// quote the whole body, which may echo the code or the client secret.
func tokenError(err error, red redactor, u *url.URL) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var ue *url.Error
		if errors.As(err, &ue) {
			return red.transportError(err, u)
		}
		return &scrubbedError{msg: clip(red.scrub(err.Error())), err: err}
	}
	msg := re.ErrorCode
	if re.ErrorDescription != "" {
		msg += ": " + re.ErrorDescription
	}
	if msg == "" {
		msg = red.message(re.Body)
	}
	msg = clip(red.scrub(msg))
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	switch {
	case status == http.StatusTooManyRequests:
		return &RateLimitedError{RetryAfter: 0, Message: msg}
	case status >= 500:
		return &ServerError{StatusCode: status, Message: msg}
	}
	return &BadRequestError{StatusCode: status, Message: msg}
}
