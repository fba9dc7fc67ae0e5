package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestScopesPerEndpoint(t *testing.T) {
	e, _ := newTestEmulator(t)
	for _, tc := range []struct {
		method, endpoint, query, scope string
	}{
		{"GET", "data", "format=json", "time_data"},
		{"GET", "overview_data", "format=json", "category_data"},
		{"GET", "category_data", "format=json", "category_data"},
		{"GET", "productivity_data", "format=json", "productivity_data"},
		{"GET", "daily_summary_feed", "", "time_data"},
		{"GET", "alerts_feed", "op=list", "alert_data"},
		{"GET", "highlights_feed", "", "highlight_data"},
		{"POST", "highlights_post", "highlight_date=2026-11-20&description=x", "highlight_data"},
		{"POST", "start_focustime", "duration=30", "focustime_data"},
		{"GET", "focustime_started_feed", "", "focustime_data"},
		{"GET", "focustime_ended_feed", "", "focustime_data"},
	} {
		t.Run(tc.endpoint, func(t *testing.T) {
			var others []string
			for _, s := range allScopes {
				if s != tc.scope {
					others = append(others, s)
				}
			}
			without, err := e.IssueToken(premiumKey, others...)
			if err != nil {
				t.Fatal(err)
			}
			with, _ := e.IssueToken(premiumKey, tc.scope)
			target := "/api/oauth/" + tc.endpoint + "?" + tc.query + "&access_token="
			mustStatus(t, do(t, e, tc.method, target+without, "", ""), http.StatusForbidden)
			mustStatus(t, do(t, e, tc.method, target+"not-a-token", "", ""), http.StatusUnauthorized)
			mustStatus(t, do(t, e, tc.method, target+with, "", ""), http.StatusOK)
		})
	}
	// The restricted reports do not exist under /anapi.
	mustStatus(t, do(t, e, "GET", "/anapi/overview_data?format=json&key="+premiumKey, "", ""), http.StatusNotFound)
	// Offline time needs time_data, with the token in a header.
	tok, _ := e.IssueToken(premiumKey, "time_data")
	r := strings.NewReader(`{"start_time":"2026-11-20 09:00:00","duration":30,"activity_name":"x"}`)
	req, _ := http.NewRequest("POST", "/api/oauth/offline_time_post", r)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	w := newRecorder(e, req)
	mustStatus(t, w, http.StatusOK)
}

func TestRestrictedReports(t *testing.T) {
	e, _ := newTestEmulator(t)
	tok, _ := e.IssueToken(premiumKey)
	for endpoint, header := range map[string]string{"overview_data": "Category", "category_data": "Category", "productivity_data": "Productivity"} {
		q := url.Values{"access_token": {tok}, "format": {"json"}, "restrict_kind": {"activity"}, "restrict_thing": {"VS Code"}}
		a := decode[dataAnswer](t, get(t, e, "/api/oauth/"+endpoint, q))
		if len(a.RowHeaders) != 4 || a.RowHeaders[3] != header || len(a.Rows) == 0 {
			t.Errorf("%s answered %v with %d rows", endpoint, a.RowHeaders, len(a.Rows))
		}
	}
	// The overview report shows top-level names only.
	q := url.Values{"access_token": {tok}, "format": {"json"}}
	for _, r := range decode[dataAnswer](t, get(t, e, "/api/oauth/overview_data", q)).Rows {
		if r[3] == "Editing & IDEs" {
			t.Errorf("overview_data shows a sub-category")
		}
	}
}

func newRecorder(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestOAuthFlow(t *testing.T) {
	e, clock := newTestEmulator(t)
	client := OAuthClient{ID: "app", Secret: "app-secret", RedirectURI: "http://127.0.0.1:9999/callback"}
	if err := e.AddOAuthClient(client); err != nil {
		t.Fatal(err)
	}
	authorize := func(q url.Values) *url.URL {
		t.Helper()
		w := get(t, e, "/oauth/authorize", q)
		mustStatus(t, w, http.StatusFound)
		u, err := url.Parse(w.Header().Get("Location"))
		if err != nil || !strings.HasPrefix(u.String(), client.RedirectURI) {
			t.Fatalf("redirect to %q", w.Header().Get("Location"))
		}
		return u
	}
	base := url.Values{"client_id": {"app"}, "redirect_uri": {client.RedirectURI}, "response_type": {"code"},
		"scope": {"time_data highlight_data"}, "state": {"xyz"}, "account": {premiumKey}}
	code := authorize(base).Query()
	if code.Get("state") != "xyz" || code.Get("code") == "" {
		t.Fatalf("redirect query %v", code)
	}
	exchange := func(body, ct string) (int, map[string]any) {
		w := do(t, e, http.MethodPost, "/oauth/token", body, ct)
		return w.Code, decode[map[string]any](t, w)
	}
	tokenBody := func(c string) string {
		return url.Values{"client_id": {"app"}, "client_secret": {"app-secret"}, "grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {client.RedirectURI}}.Encode()
	}
	const formType = "application/x-www-form-urlencoded"
	status, tok := exchange(tokenBody(code.Get("code")), formType)
	if status != http.StatusOK || tok["token_type"] != "bearer" || tok["scope"] != "time_data highlight_data" || tok["created_at"] != float64(testNow.Unix()) {
		t.Fatalf("token answer %d %v", status, tok)
	}
	access := tok["access_token"].(string)
	mustStatus(t, get(t, e, "/api/oauth/highlights_feed", url.Values{"access_token": {access}}), http.StatusOK)
	mustStatus(t, get(t, e, "/api/oauth/alerts_feed", url.Values{"access_token": {access}}), http.StatusForbidden)

	// Codes are single use.
	if status, body := exchange(tokenBody(code.Get("code")), formType); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("second exchange: %d %v", status, body)
	}
	// Codes expire after ten minutes by the emulator's clock.
	fresh := authorize(base).Query().Get("code")
	clock.Advance(10 * time.Minute)
	form := url.Values{"client_id": {"app"}, "client_secret": {"app-secret"}, "grant_type": {"authorization_code"}, "code": {fresh}, "redirect_uri": {client.RedirectURI}}
	if status, body := exchange(form.Encode(), "application/x-www-form-urlencoded"); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("expired code: %d %v", status, body)
	}
	fresh = authorize(base).Query().Get("code")
	clock.Advance(10*time.Minute - time.Second)
	form.Set("code", fresh)
	if status, body := exchange(form.Encode(), "application/x-www-form-urlencoded"); status != http.StatusOK {
		t.Errorf("code at 9m59s: %d %v", status, body)
	}

	// Client errors.
	form.Set("code", authorize(base).Query().Get("code"))
	form.Set("client_secret", "wrong")
	if status, _ := exchange(form.Encode(), "application/x-www-form-urlencoded"); status != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", status)
	}
	for name, edit := range map[string]func(url.Values){
		"unknown client": func(q url.Values) { q.Set("client_id", "nope") },
		"other redirect": func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:1/evil") },
	} {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		edit(q)
		if w := get(t, e, "/oauth/authorize", q); w.Code != http.StatusBadRequest || w.Header().Get("Location") != "" {
			t.Errorf("%s: %d, redirect %q; want 400 and no redirect", name, w.Code, w.Header().Get("Location"))
		}
	}
	for name, tc := range map[string]struct {
		edit func(url.Values)
		want string
	}{
		"token response type": {func(q url.Values) { q.Set("response_type", "token") }, "unsupported_response_type"},
		"unknown scope":       {func(q url.Values) { q.Set("scope", "time_data admin") }, "invalid_scope"},
		"no scope":            {func(q url.Values) { q.Del("scope") }, "invalid_scope"},
		"unknown account":     {func(q url.Values) { q.Set("account", "nobody") }, "access_denied"},
		"ambiguous account":   {func(q url.Values) { q.Del("account") }, "access_denied"},
	} {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		tc.edit(q)
		if got := authorize(q).Query().Get("error"); got != tc.want {
			t.Errorf("%s: error %q, want %q", name, got, tc.want)
		}
	}
}

func TestIssueTokenErrors(t *testing.T) {
	e, _ := newTestEmulator(t)
	if _, err := e.IssueToken("nobody"); err == nil {
		t.Error("token for an unknown account")
	}
	if _, err := e.IssueToken(premiumKey, "root"); err == nil {
		t.Error("token with an unknown scope")
	}
}

// oauthTestClient registers the application the token tests use and
// returns a function that authorizes with extra parameters and returns the
// code from the redirect.
func oauthTestClient(t *testing.T, e *Emulator) func(extra url.Values) string {
	t.Helper()
	client := OAuthClient{ID: "app", Secret: "app-secret", RedirectURI: "http://127.0.0.1:9999/callback"}
	if err := e.AddOAuthClient(client); err != nil {
		t.Fatal(err)
	}
	return func(extra url.Values) string {
		t.Helper()
		q := url.Values{"client_id": {"app"}, "redirect_uri": {client.RedirectURI}, "response_type": {"code"},
			"scope": {"time_data"}, "account": {premiumKey}}
		for k, v := range extra {
			q[k] = v
		}
		w := get(t, e, "/oauth/authorize", q)
		mustStatus(t, w, http.StatusFound)
		u, err := url.Parse(w.Header().Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		return u.Query().Get("code")
	}
}

func tokenForm(code string) url.Values {
	return url.Values{"client_id": {"app"}, "client_secret": {"app-secret"}, "grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {"http://127.0.0.1:9999/callback"}}
}

// RFC 6749 section 4.1.3 has the token request form-encoded. RescueTime's
// page shows a JSON body, but a client that follows the standard (as
// golang.org/x/oauth2 does) sends a form; the emulator holds rtctl to the
// standard, answering anything else with the standard error.
func TestTokenRequestMustBeForm(t *testing.T) {
	e, _ := newTestEmulator(t)
	authorize := oauthTestClient(t, e)
	code := authorize(nil)
	f := tokenForm(code)
	body := `{"client_id":"app","client_secret":"app-secret","grant_type":"authorization_code","code":"` + code + `","redirect_uri":"http://127.0.0.1:9999/callback"}`
	for _, ct := range []string{"application/json", "", "text/plain"} {
		w := do(t, e, http.MethodPost, "/oauth/token", body, ct)
		got := decode[map[string]any](t, w)
		if w.Code != http.StatusBadRequest || got["error"] != "invalid_request" {
			t.Errorf("Content-Type %q: %d %v, want 400 invalid_request", ct, w.Code, got)
		}
	}
	if !e.CodeUnspent(code) {
		t.Error("a refused request spent the code")
	}
	w := do(t, e, http.MethodPost, "/oauth/token", f.Encode(), "application/x-www-form-urlencoded")
	mustStatus(t, w, http.StatusOK)
	if e.CodeUnspent(code) {
		t.Error("the redeemed code is still unspent")
	}
	// RFC 6749 section 5.1: token answers are never cached.
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	// A parameter sent twice is refused (RFC 6749 section 3.2).
	code = authorize(nil)
	twice := tokenForm(code).Encode() + "&code=" + code
	if got := decode[map[string]any](t, do(t, e, http.MethodPost, "/oauth/token", twice, "application/x-www-form-urlencoded")); got["error"] != "invalid_request" {
		t.Errorf("repeated parameter: %v", got)
	}
}

// Client authentication as RFC 6749 section 2.3.1 allows: in the body, or
// HTTP Basic; a wrong secret through Basic is answered 401 with
// WWW-Authenticate (section 5.2).
func TestTokenClientAuthentication(t *testing.T) {
	e, _ := newTestEmulator(t)
	authorize := oauthTestClient(t, e)
	send := func(f url.Values, user, pass string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(f.Encode()))
		r.RemoteAddr = "127.0.0.1:40000"
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			r.SetBasicAuth(user, pass)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		return w
	}
	f := tokenForm(authorize(nil))
	f.Del("client_secret")
	f.Del("client_id")
	mustStatus(t, send(f, "app", "app-secret"), http.StatusOK)

	f = tokenForm(authorize(nil))
	f.Del("client_secret")
	f.Del("client_id")
	w := send(f, "app", "wrong")
	if got := decode[map[string]any](t, w); w.Code != http.StatusUnauthorized || got["error"] != "invalid_client" || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Basic") {
		t.Errorf("wrong Basic secret: %d %v %q", w.Code, got, w.Header().Get("WWW-Authenticate"))
	}
	// Both ways at once is ambiguous.
	if got := decode[map[string]any](t, send(tokenForm(authorize(nil)), "app", "app-secret")); got["error"] != "invalid_request" {
		t.Errorf("two client authentications: %v", got)
	}
}

// PKCE (RFC 7636): a code asked for with an S256 challenge is redeemed only
// with the verifier that hashes to it.
func TestTokenPKCE(t *testing.T) {
	e, _ := newTestEmulator(t)
	authorize := oauthTestClient(t, e)
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636 appendix B
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	pkce := url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	exchange := func(f url.Values) (int, map[string]any) {
		w := do(t, e, http.MethodPost, "/oauth/token", f.Encode(), "application/x-www-form-urlencoded")
		return w.Code, decode[map[string]any](t, w)
	}
	for name, v := range map[string]string{
		"no verifier":    "",
		"wrong verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK",
		"the challenge":  challenge,
	} {
		f := tokenForm(authorize(pkce))
		if v != "" {
			f.Set("code_verifier", v)
		}
		if status, got := exchange(f); status != http.StatusBadRequest || got["error"] != "invalid_grant" {
			t.Errorf("%s: %d %v, want 400 invalid_grant", name, status, got)
		}
	}
	f := tokenForm(authorize(pkce))
	f.Set("code_verifier", verifier)
	if status, got := exchange(f); status != http.StatusOK {
		t.Errorf("right verifier: %d %v", status, got)
	}
	// A verifier for a code asked for without a challenge is refused too:
	// the two requests do not belong together.
	f = tokenForm(authorize(nil))
	f.Set("code_verifier", verifier)
	if status, got := exchange(f); status != http.StatusBadRequest || got["error"] != "invalid_grant" {
		t.Errorf("verifier without challenge: %d %v", status, got)
	}
	// Only S256 is offered: "plain" would send the verifier in the address.
	w := get(t, e, "/oauth/authorize", url.Values{"client_id": {"app"}, "redirect_uri": {"http://127.0.0.1:9999/callback"},
		"response_type": {"code"}, "scope": {"time_data"}, "account": {premiumKey}, "state": {"s1"},
		"code_challenge": {verifier}, "code_challenge_method": {"plain"}})
	u, _ := url.Parse(w.Header().Get("Location"))
	if w.Code != http.StatusFound || u.Query().Get("error") != "invalid_request" || u.Query().Get("state") != "s1" || u.Query().Get("code") != "" {
		t.Errorf("plain challenge: %d %s", w.Code, w.Header().Get("Location"))
	}
}

// A code is bound to the redirect_uri it was asked for with, and spent by
// the first request that names it, right or wrong.
func TestTokenCodeBinding(t *testing.T) {
	e, _ := newTestEmulator(t)
	authorize := oauthTestClient(t, e)
	code := authorize(nil)
	f := tokenForm(code)
	f.Set("redirect_uri", "http://127.0.0.1:9999/other")
	w := do(t, e, http.MethodPost, "/oauth/token", f.Encode(), "application/x-www-form-urlencoded")
	if got := decode[map[string]any](t, w); w.Code != http.StatusBadRequest || got["error"] != "invalid_grant" {
		t.Errorf("other redirect_uri: %d %v", w.Code, got)
	}
	if e.CodeUnspent(code) {
		t.Error("a code named in a failed exchange is still usable")
	}
	if e.CodeUnspent("never-issued") {
		t.Error("CodeUnspent of a code never issued")
	}
}
