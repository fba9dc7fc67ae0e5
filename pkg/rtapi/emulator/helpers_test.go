package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// testNow is a Friday, 19:00 in Berlin.
var testNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

const (
	premiumKey = "prem-key"
	liteKey    = "lite-key"
)

func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// newTestEmulator returns an emulator on a pinned clock with a premium and
// a lite account in Berlin.
func newTestEmulator(t testing.TB) (*Emulator, *ManualClock) {
	t.Helper()
	clock := NewManualClock(testNow)
	e, err := New(Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []Account{
		{Key: premiumKey, Plan: Premium, TimeZone: "Europe/Berlin", Seed: 7},
		{Key: liteKey, Plan: Lite, TimeZone: "Europe/Berlin", Seed: 7},
	} {
		if err := e.AddAccount(a); err != nil {
			t.Fatal(err)
		}
	}
	return e, clock
}

// do sends one request from loopback straight to the handler.
func do(t testing.TB, h http.Handler, method, target string, body string, contentType string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	r.RemoteAddr = "127.0.0.1:40000"
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func get(t testing.TB, h http.Handler, path string, q url.Values) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, h, http.MethodGet, path+"?"+q.Encode(), "", "")
}

// decode unmarshals a response body, failing the test on bad JSON.
func decode[T any](t testing.TB, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("body %q: %v", w.Body.String(), err)
	}
	return v
}

type dataAnswer struct {
	Notes      string   `json:"notes"`
	RowHeaders []string `json:"row_headers"`
	Rows       [][]any  `json:"rows"`
}

type errorAnswer struct {
	Error    string `json:"error"`
	Messages string `json:"messages"`
}

func mustStatus(t testing.TB, w *httptest.ResponseRecorder, want int) {
	t.Helper()
	if w.Code != want {
		t.Fatalf("status %d, want %d; body %s", w.Code, want, w.Body.String())
	}
}

// postOffline posts an offline block as JSON with the premium key.
func postOffline(t testing.TB, e *Emulator, body string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, e, http.MethodPost, "/anapi/offline_time_post?key="+premiumKey, body, "application/json")
}
