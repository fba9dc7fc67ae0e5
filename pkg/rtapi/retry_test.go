package rtapi

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func TestGETRetriesWithBackoff(t *testing.T) {
	var n atomic.Int32
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte(`[]`))
	}, func(o *Options) { o.MinBackoff = time.Second; o.MaxBackoff = 3 * time.Second })
	if _, err := env.client.Highlights(context.Background()); err != nil {
		t.Fatalf("after retries: %v", err)
	}
	if got := len(env.rec.all()); got != 4 {
		t.Fatalf("%d attempts, want 4", got)
	}
	// Exponential, capped at MaxBackoff, jitter in the upper half.
	bounds := [][2]time.Duration{{500 * time.Millisecond, time.Second}, {time.Second, 2 * time.Second}, {1500 * time.Millisecond, 3 * time.Second}}
	if len(env.sleep.waits) != 3 {
		t.Fatalf("waits %v", env.sleep.waits)
	}
	for i, w := range env.sleep.waits {
		if w < bounds[i][0] || w > bounds[i][1] {
			t.Errorf("wait %d = %s, want within %v", i, w, bounds[i])
		}
	}
}

func TestGETGivesUpAfterMaxRetries(t *testing.T) {
	env := newTestEnv(t, respond(500, "", "down"), func(o *Options) { o.MaxRetries = 2 })
	_, err := env.client.DailySummaries(context.Background())
	var se *ServerError
	if !errors.As(err, &se) || se.StatusCode != 500 || se.Message != "down" {
		t.Fatalf("got %v", err)
	}
	if got := len(env.rec.all()); got != 3 {
		t.Errorf("%d attempts, want 3", got)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var n atomic.Int32
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.Header().Set("Retry-After", fixedNow.Add(20*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.Write([]byte(`[]`))
		}
	})
	if _, err := env.client.AlertDefinitions(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{7 * time.Second, 20 * time.Second}
	if len(env.sleep.waits) != 2 || env.sleep.waits[0] != want[0] || env.sleep.waits[1] != want[1] {
		t.Errorf("waits %v, want %v", env.sleep.waits, want)
	}
}

func TestRetryAfterTooLongIsReturned(t *testing.T) {
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err := env.client.Highlights(context.Background())
	var rl *RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Hour {
		t.Fatalf("got %v", err)
	}
	if len(env.sleep.waits) != 0 || len(env.rec.all()) != 1 {
		t.Errorf("slept %v over %d attempts", env.sleep.waits, len(env.rec.all()))
	}
}

func TestPOSTNotRetriedOnServerError(t *testing.T) {
	for _, status := range []int{500, 502, 503} {
		env := newTestEnv(t, respond(status, "", ""))
		err := env.client.PostOfflineTime(context.Background(), OfflineTimePost{
			Start: fixedNow.Add(-time.Hour), Duration: 30 * time.Minute, ActivityName: "Meeting",
		})
		var se *ServerError
		if !errors.As(err, &se) {
			t.Fatalf("%d: got %v", status, err)
		}
		if got := len(env.rec.all()); got != 1 {
			t.Errorf("%d: POST sent %d times", status, got)
		}
		if len(env.sleep.waits) != 0 {
			t.Errorf("%d: slept %v", status, env.sleep.waits)
		}
	}
}

func TestPOSTRetriedOn429(t *testing.T) {
	var n atomic.Int32
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"message":"ok"}`))
	})
	if err := env.client.PostHighlight(context.Background(), HighlightPost{Date: fixedNow, Description: "Shipped"}); err != nil {
		t.Fatal(err)
	}
	if got := len(env.rec.all()); got != 2 {
		t.Errorf("%d attempts, want 2", got)
	}
	if len(env.sleep.waits) != 1 || env.sleep.waits[0] != 2*time.Second {
		t.Errorf("waits %v", env.sleep.waits)
	}
}

func TestPOSTRetriedWhenConnectionRefused(t *testing.T) {
	c, err := New(Options{
		BaseURL:     "http://" + closedAddr(t),
		Credentials: APIKey(testKey),
		Now:         func() time.Time { return fixedNow },
		Sleep:       (&fakeSleep{}).sleep,
		MaxRetries:  2,
	})
	if err != nil {
		t.Fatal(err)
	}
	sl := &fakeSleep{}
	c.sleep = sl.sleep
	err = c.StartFocusTime(context.Background(), 25)
	if err == nil {
		t.Fatal("no error")
	}
	if MayHaveBeenApplied(err) {
		t.Errorf("connection refused reported as maybe applied: %v", err)
	}
	if len(sl.waits) != 2 {
		t.Errorf("refused POST retried %d times, want 2", len(sl.waits))
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	_, err := env.client.Highlights(ctx)
	if !errors.Is(err, context.Canceled) && !errors.As(err, new(*ServerError)) {
		t.Fatalf("got %v", err)
	}
	if got := len(env.rec.all()); got != 1 {
		t.Errorf("%d attempts after cancel", got)
	}
}

func TestBodyLimit(t *testing.T) {
	big := make([]byte, 2048)
	for i := range big {
		big[i] = 'x'
	}
	env := newTestEnv(t, respond(200, "text/csv", string(big)), func(o *Options) { o.MaxBodyBytes = 1024; o.MaxRetries = -1 })
	_, err := env.client.AnalyticDataRaw(context.Background(), AnalyticDataQuery{}, FormatCSV)
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("got %v", err)
	}
	env2 := newTestEnv(t, respond(200, "text/csv", string(big[:1024])), func(o *Options) { o.MaxBodyBytes = 1024 })
	if _, err := env2.client.AnalyticDataRaw(context.Background(), AnalyticDataQuery{}, FormatCSV); err != nil {
		t.Errorf("body at the limit: %v", err)
	}
}

// TestPOSTNotRetriedWhenTheRetryCheckFails: a POST that waited out a 429's
// Retry-After is not sent again when the context's retry check fails (a
// journal's lease taken over meanwhile), and the error says it was not
// applied.
func TestPOSTNotRetriedWhenTheRetryCheckFails(t *testing.T) {
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	gone := errors.New("the lease is gone")
	ctx := WithRetryCheck(context.Background(), func() error { return gone })
	err := env.client.PostHighlight(ctx, HighlightPost{Date: fixedNow, Description: "Shipped"})
	if !errors.Is(err, gone) {
		t.Fatalf("PostHighlight = %v, want the retry check's error", err)
	}
	if MayHaveBeenApplied(err) {
		t.Errorf("%v: reported as possibly applied, after a 429", err)
	}
	if got := len(env.rec.all()); got != 1 {
		t.Errorf("%d attempts, want 1", got)
	}
}
