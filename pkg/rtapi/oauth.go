package rtapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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

// AuthorizeURL returns the page to send the user to so that they grant cfg's
// scopes; RescueTime then redirects to cfg.RedirectURI with a code valid for
// ten minutes. state, when not empty, is passed through to the redirect, to
// tie it to this request.
func (c *Client) AuthorizeURL(cfg OAuthConfig, state string) (string, error) {
	if err := cfg.validate(false); err != nil {
		return "", err
	}
	u := *c.base
	u.Path = c.base.Path + "/oauth/authorize"
	q := url.Values{}
	q.Set("client_id", cfg.ClientID)
	q.Set("redirect_uri", cfg.RedirectURI)
	q.Set("response_type", "code")
	scopes := make([]string, len(cfg.Scopes))
	for i, s := range cfg.Scopes {
		scopes[i] = string(s)
	}
	if len(scopes) > 0 {
		q.Set("scope", strings.Join(scopes, " "))
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
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

// ExchangeCode trades an authorization code for an access token at
// /oauth/token. Codes are single-use, so like every POST it is retried only
// when the server provably did not see it.
func (c *Client) ExchangeCode(ctx context.Context, cfg OAuthConfig, code Secret) (*Token, error) {
	if err := cfg.validate(true); err != nil {
		return nil, err
	}
	if code == "" {
		return nil, &ValidationError{Field: "code", Reason: "is required"}
	}
	body, err := json.Marshal(map[string]string{
		"client_id":     cfg.ClientID,
		"client_secret": string(cfg.ClientSecret),
		"grant_type":    "authorization_code",
		"code":          string(code),
		"redirect_uri":  cfg.RedirectURI,
	})
	if err != nil {
		return nil, fmt.Errorf("encoding token request: %w", err)
	}
	u := *c.base
	u.Path = c.base.Path + "/oauth/token"
	red := redactor{secrets: []string{string(cfg.ClientSecret), string(code)}}
	data, err := c.send(ctx, call{method: http.MethodPost, endpoint: "oauth/token", u: &u, body: body, contentType: "application/json", redact: red})
	if err != nil {
		return nil, err
	}
	var tok Token
	if err := json.Unmarshal(data, &tok); err != nil {
		// The decoder's message never quotes string values, so the token
		// cannot leak through it.
		return nil, fmt.Errorf("rescuetime oauth/token: decoding response: %w", err)
	}
	if tok.AccessToken == "" {
		return nil, errors.New("rescuetime oauth/token: the response holds no access_token")
	}
	return &tok, nil
}
