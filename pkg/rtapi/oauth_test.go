package rtapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAuthorizeURL(t *testing.T) {
	c, err := New(Options{BaseURL: "https://www.rescuetime.com"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := OAuthConfig{ClientID: "cid", ClientSecret: "shh", RedirectURI: "https://app.example/cb", Scopes: []Scope{ScopeTimeData, ScopeHighlightData}}
	a, err := c.Authorize(cfg)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(a.URL)
	q := u.Query()
	if u.Host != "www.rescuetime.com" || u.Path != "/oauth/authorize" || q.Get("client_id") != "cid" || q.Get("redirect_uri") != "https://app.example/cb" ||
		q.Get("response_type") != "code" || q.Get("scope") != "time_data highlight_data" || q.Get("state") != a.State {
		t.Errorf("Authorize URL = %s", a.URL)
	}
	// PKCE S256: the address carries the verifier's hash, never the verifier.
	sum := sha256.Sum256([]byte(a.Verifier))
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") != base64.RawURLEncoding.EncodeToString(sum[:]) {
		t.Errorf("PKCE parameters %v", q)
	}
	if strings.Contains(a.URL, "shh") || strings.Contains(a.URL, string(a.Verifier)) {
		t.Error("the authorize URL holds a secret")
	}
	// The state is unguessable and new each time.
	b, _ := c.Authorize(cfg)
	if len(a.State) < 22 || a.State == b.State || a.Verifier == b.Verifier {
		t.Errorf("states %q and %q, verifiers equal: %v", a.State, b.State, a.Verifier == b.Verifier)
	}
	if _, err := c.Authorize(OAuthConfig{ClientID: "cid", RedirectURI: "/relative"}); err == nil || !strings.Contains(err.Error(), "redirect_uri") {
		t.Errorf("relative redirect: %v", err)
	}
}

// The token request is RFC 6749's: form-encoded, the client authenticated
// in the body as RescueTime documents, the PKCE verifier included.
func TestExchangeCode(t *testing.T) {
	var got *http.Request
	var form url.Values
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		r.ParseForm()
		form = r.PostForm
		if r.URL.Path != "/oauth/token" || form.Get("grant_type") != "authorization_code" || form.Get("client_id") != "cid" ||
			form.Get("client_secret") != "app-secret-123" || form.Get("redirect_uri") != "https://app.example/cb" ||
			form.Get("code_verifier") != "verifier-0123456789-0123456789-0123456789-abc" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_request"}`))
			return
		}
		if form.Get("code") != "good-code-456" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_grant","error_description":"code good-code-456x expired; secret app-secret-123"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"fresh-token-789","token_type":"bearer","scope":"time_data","created_at":1763700000}`))
	}, func(o *Options) { o.Credentials = nil })
	cfg := OAuthConfig{ClientID: "cid", ClientSecret: "app-secret-123", RedirectURI: "https://app.example/cb"}
	const verifier = Secret("verifier-0123456789-0123456789-0123456789-abc")
	tok, err := env.client.ExchangeCode(context.Background(), cfg, "good-code-456", verifier)
	if err != nil {
		t.Fatal(err)
	}
	if string(tok.AccessToken) != "fresh-token-789" || tok.Scope != "time_data" || tok.TokenType != "bearer" || tok.CreatedAt != 1763700000 {
		t.Errorf("token %+v", *tok)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q, want a form", ct)
	}
	if ua := got.Header.Get("User-Agent"); ua != "rtctl/test" {
		t.Errorf("User-Agent %q", ua)
	}
	if _, _, basic := got.BasicAuth(); basic {
		t.Error("the client authenticated with HTTP Basic; RescueTime documents the body")
	}
	_, err = env.client.ExchangeCode(context.Background(), cfg, "good-code-456x", verifier)
	var bad *BadRequestError
	if !errors.As(err, &bad) || !strings.Contains(bad.Message, "invalid_grant") {
		t.Fatalf("bad code: %v", err)
	}
	for _, s := range []string{"app-secret-123", "good-code-456", string(verifier)} {
		if strings.Contains(err.Error(), s) || strings.Contains(env.logs.String(), s) {
			t.Errorf("%s leaked: %v\n%s", s, err, env.logs.String())
		}
	}
	if _, err := env.client.ExchangeCode(context.Background(), cfg, "", verifier); err == nil {
		t.Error("empty code accepted")
	}
	if _, err := env.client.ExchangeCode(context.Background(), cfg, "good-code-456", ""); err == nil || !strings.Contains(err.Error(), "code_verifier") {
		t.Errorf("no verifier: %v", err)
	}
}

// A token the server answers is checked before anyone can save it: a line
// break would split the token file, an escape would reach a terminal, and
// 100 KB is no token. The error says what is wrong, never the token.
func TestExchangeCodeRefusesMalformedTokens(t *testing.T) {
	for name, tc := range map[string]struct{ token, want string }{
		"newline":     {"abc\ndef", "line break"},
		"escape":      {"abc\x1b[2Jdef", "control character"},
		"space":       {"abc def", "not allowed"},
		"quote":       {`abc"def`, "not allowed"},
		"non-ASCII":   {"abcédef", "not allowed"},
		"100 KB":      {strings.Repeat("a", 100_000), "longer than 4 KiB"},
		"empty":       {"", "access_token"},
		"inner equal": {"ab=cd", "not allowed"},
	} {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
				w.Write([]byte(url.Values{"access_token": {tc.token}, "token_type": {"bearer"}}.Encode()))
			}, func(o *Options) { o.Credentials = nil })
			cfg := OAuthConfig{ClientID: "cid", ClientSecret: "app-secret-123", RedirectURI: "https://app.example/cb"}
			tok, err := env.client.ExchangeCode(context.Background(), cfg, "good-code-456", "verifier-0123456789-0123456789-0123456789-abc")
			if err == nil {
				t.Fatalf("accepted: %d bytes", len(tok.AccessToken))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "abc") || strings.Contains(err.Error(), "aaaaaaaa") {
				t.Errorf("the error shows the token: %q", err)
			}
		})
	}
}

func TestValidateAccessToken(t *testing.T) {
	for _, ok := range []string{"fresh-token-789", "A.b_c~d+e/f", "abc==", strings.Repeat("x", MaxAccessTokenBytes)} {
		if err := ValidateAccessToken(AccessToken(ok)); err != nil {
			t.Errorf("%.20q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "=abc", "a b", "a\tb", "a\x00", strings.Repeat("x", MaxAccessTokenBytes+1)} {
		if err := ValidateAccessToken(AccessToken(bad)); err == nil {
			t.Errorf("%.20q accepted", bad)
		}
	}
}

// The person pastes the address RescueTime redirected to: the code is taken
// from it only when its state is the one rtctl sent.
func TestCodeFromRedirect(t *testing.T) {
	const state = "the-state-rtctl-made"
	for name, tc := range map[string]struct {
		in, code, err string
	}{
		"address":         {"https://app.example/cb?code=c0de&state=the-state-rtctl-made", "c0de", ""},
		"spaces around":   {"  https://app.example/cb?state=the-state-rtctl-made&code=c0de \n", "c0de", ""},
		"query alone":     {"?code=c0de&state=the-state-rtctl-made", "c0de", ""},
		"other state":     {"https://app.example/cb?code=c0de&state=another", "", "state"},
		"no state":        {"https://app.example/cb?code=c0de", "", "state"},
		"two states":      {"https://app.example/cb?code=c0de&state=the-state-rtctl-made&state=x", "", "state"},
		"bare code":       {"c0de", "", "whole address"},
		"padded code":     {"c0de==", "", "whole address"},
		"no code":         {"https://app.example/cb?state=the-state-rtctl-made", "", "no code"},
		"denied":          {"https://app.example/cb?error=access_denied&error_description=the+user+said+no&state=the-state-rtctl-made", "", "access_denied: the user said no"},
		"denied, escaped": {"https://app.example/cb?error=access_denied&error_description=%1b%5b2J&state=the-state-rtctl-made", "", `\x1b[2J`},
	} {
		t.Run(name, func(t *testing.T) {
			code, err := CodeFromRedirect(tc.in, state)
			if tc.err == "" {
				if err != nil || string(code) != tc.code {
					t.Fatalf("got %q, %v; want %q", code, err, tc.code)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("got %q, %v; want an error saying %q", code, err, tc.err)
			}
			if strings.Contains(err.Error(), "c0de") || strings.Contains(err.Error(), "\x1b") {
				t.Errorf("the error shows the code or an escape: %q", err)
			}
		})
	}
}
