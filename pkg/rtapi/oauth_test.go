package rtapi

import (
	"context"
	"encoding/json"
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
	got, err := c.AuthorizeURL(OAuthConfig{ClientID: "cid", ClientSecret: "shh", RedirectURI: "https://app.example/cb", Scopes: []Scope{ScopeTimeData, ScopeHighlightData}}, "st8")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	q := u.Query()
	if u.Host != "www.rescuetime.com" || u.Path != "/oauth/authorize" || q.Get("client_id") != "cid" || q.Get("redirect_uri") != "https://app.example/cb" ||
		q.Get("response_type") != "code" || q.Get("scope") != "time_data highlight_data" || q.Get("state") != "st8" {
		t.Errorf("AuthorizeURL = %s", got)
	}
	if strings.Contains(got, "shh") {
		t.Error("client secret in the authorize URL")
	}
	if _, err := c.AuthorizeURL(OAuthConfig{ClientID: "cid", RedirectURI: "/relative"}, ""); err == nil || !strings.Contains(err.Error(), "redirect_uri") {
		t.Errorf("relative redirect: %v", err)
	}
}

func TestExchangeCode(t *testing.T) {
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		if r.URL.Path != "/oauth/token" || body["grant_type"] != "authorization_code" || body["client_id"] != "cid" ||
			body["client_secret"] != "app-secret-123" || body["redirect_uri"] != "https://app.example/cb" {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_request"}`))
			return
		}
		if body["code"] != "good-code-456" {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_grant","error_description":"code good-code-456x expired; secret app-secret-123"}`))
			return
		}
		w.Write([]byte(`{"access_token":"fresh-token-789","token_type":"bearer","scope":"time_data","created_at":1763700000}`))
	}, func(o *Options) { o.Credentials = nil })
	cfg := OAuthConfig{ClientID: "cid", ClientSecret: "app-secret-123", RedirectURI: "https://app.example/cb"}
	tok, err := env.client.ExchangeCode(context.Background(), cfg, "good-code-456")
	if err != nil {
		t.Fatal(err)
	}
	if string(tok.AccessToken) != "fresh-token-789" || tok.Scope != "time_data" || tok.TokenType != "bearer" {
		t.Errorf("token %+v", *tok)
	}
	_, err = env.client.ExchangeCode(context.Background(), cfg, "good-code-456x")
	var bad *BadRequestError
	if !errors.As(err, &bad) || !strings.Contains(bad.Message, "invalid_grant") {
		t.Fatalf("bad code: %v", err)
	}
	for _, s := range []string{"app-secret-123", "good-code-456"} {
		if strings.Contains(err.Error(), s) || strings.Contains(env.logs.String(), s) {
			t.Errorf("%s leaked: %v\n%s", s, err, env.logs.String())
		}
	}
	if _, err := env.client.ExchangeCode(context.Background(), cfg, ""); err == nil {
		t.Error("empty code accepted")
	}
}
