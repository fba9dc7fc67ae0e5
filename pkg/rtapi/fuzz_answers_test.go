package rtapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var postEndpoints = []string{"offline_time_post", "highlights_post", "start_focustime", "end_focustime"}

// FuzzPOSTAnswer sends a POST to each endpoint and answers it with any
// status, content type and body. Whatever comes back: no panic, a bounded
// error without the key, and a 2xx is taken for a success only when its
// body is the endpoint's plausible success; otherwise the write is
// reported as possibly applied.
func FuzzPOSTAnswer(f *testing.F) {
	for _, s := range []struct {
		status int
		ct     string
		body   string
	}{
		{200, "application/json; charset=utf-8", `{"message":"Offline time successfully created"}` + "\n"},
		{200, "", ""},
		{200, "text/plain", "OK"},
		{200, "text/html", `<!DOCTYPE html><html><head><title>Log in</title></head></html>`},
		{200, "application/json", `{"message":"Highl`},
		{200, "application/json", `{"error":"# key not found","messages":"key not found"}`},
		{200, "application/json", `{"error":null,"message":"ok"}`},
		{400, "application/json", `{"error":"# premium required","messages":"FocusTime is a feature of RescueTime premium"}`},
		{400, "", ""},
		{429, "", ""},
		{500, "text/plain", "oops " + testKey},
		{302, "", ""},
		{204, "", ""},
	} {
		for i := range postEndpoints {
			f.Add(uint8(i), s.status, s.ct, []byte(s.body))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, status int, ct string, body []byte) {
		if status < 100 || status > 599 {
			status = 200 + status%400
			if status < 100 {
				status += 300
			}
		}
		endpoint := postEndpoints[int(which)%len(postEndpoints)]
		c := cannedClient(t, canned{status: status, contentType: ct, body: body}, APIKey(testKey))
		_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Endpoint: endpoint})
		checkError(t, err)
		if status < 200 || status > 299 {
			return
		}
		trimmed := bytes.TrimSpace(body)
		if err == nil {
			if len(trimmed) > 0 && trimmed[0] == '<' {
				t.Fatalf("%s: a page taken for a success: %q", endpoint, body)
			}
			if endpoint == "highlights_post" {
				var m map[string]json.RawMessage
				if json.Unmarshal(bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf")), &m) != nil || m["message"] == nil {
					t.Fatalf("highlights_post: success without a message: %q", body)
				}
			}
			return
		}
		var unauth *UnauthorizedError
		if !errors.As(err, &unauth) && !MayHaveBeenApplied(err) {
			t.Fatalf("%s: a 2xx answer that failed is reported as not applied: %v", endpoint, err)
		}
	})
}

// FuzzTokenAnswer answers the OAuth token exchange with anything: the
// client secret, the code and the PKCE verifier never show in the error,
// and a success always carries a token fit to save.
func FuzzTokenAnswer(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"fresh-token-789","token_type":"bearer","scope":"time_data","created_at":1763700000}`,
		`{"access_token":"","token_type":"bearer"}`,
		`{"error":"invalid_grant","error_description":"code good-code-456x expired; secret app-secret-123"}`,
		`{"access_token":123}`,
		`<html>login</html>`,
		``,
		`{"access_token":"t","refresh_token":{"x":1}}`,
		`{"access_token":"a\nb"}`,
		`{"access_token":"a\u001b[2Jb"}`,
		`{"access_token":"==="}`,
	} {
		f.Add(200, "application/json", []byte(s))
		f.Add(400, "application/json", []byte(s))
	}
	const clientSecret, code, verifier = "app-secret-123", "good-code-456x", "verifier-0123456789-0123456789-0123456789-abc"
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		if status < 100 || status > 599 {
			status = 200
		}
		c := cannedClient(t, canned{status: status, contentType: ct, body: body}, nil)
		cfg := OAuthConfig{ClientID: "app", ClientSecret: clientSecret, RedirectURI: "http://127.0.0.1:1/cb"}
		tok, err := c.ExchangeCode(context.Background(), cfg, code, verifier)
		if err == nil {
			if tok == nil || ValidateAccessToken(tok.AccessToken) != nil {
				t.Fatalf("success without a valid token: %q", body)
			}
			return
		}
		msg := err.Error()
		if strings.Contains(msg, clientSecret) || strings.Contains(msg, code) || strings.Contains(msg, verifier) {
			t.Fatalf("the error shows a secret: %q", msg)
		}
		if n := utf8.RuneCountInString(msg); n > maxErrorText {
			t.Fatalf("error of %d characters", n)
		}
	})
}

// FuzzRetryAfter: any header value gives a wait that is never negative,
// and the client never sleeps longer than its ceiling on it.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "7", "18446744074", "-5", "1.5", "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "9223372037", "0000000000000000000000003"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if d := parseRetryAfter(v, fixedNow); d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %v", v, d)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return // not a header value net/http would send
		}
		var slept []time.Duration
		c, err := New(Options{
			BaseURL: "https://rescuetime.example", Credentials: APIKey(testKey),
			HTTPClient: &http.Client{Transport: retryAfterAnswer(v)},
			Now:        func() time.Time { return fixedNow },
			Sleep: func(ctx context.Context, d time.Duration) error {
				slept = append(slept, d)
				return nil
			},
			MaxRetries: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Highlights(context.Background())
		checkError(t, err)
		for _, d := range slept {
			if d < 0 || d > DefaultCallTimeout/2 {
				t.Fatalf("Retry-After %q: slept %v", v, d)
			}
		}
	})
}

type retryAfterAnswer string

func (v retryAfterAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, _ := canned{status: http.StatusTooManyRequests}.RoundTrip(req)
	resp.Header.Set("Retry-After", string(v))
	return resp, nil
}
