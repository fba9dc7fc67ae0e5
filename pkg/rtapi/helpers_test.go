package rtapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

const testKey = "s3cr3t-KEY-abc123"

// fixedNow is the pinned clock of every test.
var fixedNow = time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)

// recorder keeps what a test server saw.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

type seen struct {
	Method string
	Path   string
	Query  map[string][]string
	Body   string
	Header http.Header
}

func (r *recorder) wrap(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, seen{req.Method, req.URL.Path, req.URL.Query(), string(body), req.Header.Clone()})
		r.mu.Unlock()
		req.Body = io.NopCloser(bytes.NewReader(body))
		h(w, req)
	})
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

// fakeSleep records the waits asked for and never sleeps.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

type testEnv struct {
	client *Client
	rec    *recorder
	sleep  *fakeSleep
	logs   *bytes.Buffer
	srv    *httptest.Server
}

// newTestEnv starts a loopback server running h and a client for it with an
// API key, a pinned clock, fake sleep and a debug logger.
func newTestEnv(t *testing.T, h http.HandlerFunc, mod ...func(*Options)) *testEnv {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(rec.wrap(h))
	t.Cleanup(srv.Close)
	sl := &fakeSleep{}
	logs := &bytes.Buffer{}
	opts := Options{
		BaseURL:     srv.URL,
		Credentials: APIKey(testKey),
		HTTPClient:  srv.Client(),
		Location:    mustLoad(t, "Europe/Berlin"),
		Now:         func() time.Time { return fixedNow },
		Clock:       func() time.Time { return fixedNow },
		Sleep:       sl.sleep,
		Logger:      slog.New(slog.NewTextHandler(&syncWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		UserAgent:   "rtctl/test",
	}
	for _, m := range mod {
		m(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &testEnv{client: c, rec: rec, sleep: sl, logs: logs, srv: srv}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("loading zone: %v", err)
	}
	return loc
}

func respond(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}
