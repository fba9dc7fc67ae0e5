package emulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const offlineBody = `{"start_time":"2026-11-20 09:00:00","duration":30,"activity_name":"Meeting"}`

func TestFaultFailNext(t *testing.T) {
	e, _ := newTestEmulator(t)
	err := e.SetFaults(Faults{Rules: []FaultRule{
		{Path: "offline_time_post", Status: 429, Count: 2, RetryAfter: 7},
		{Path: "/anapi/highlights_feed", Status: 503, Count: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		w := postOffline(t, e, offlineBody)
		mustStatus(t, w, http.StatusTooManyRequests)
		if got := w.Header().Get("Retry-After"); got != "7" {
			t.Errorf("Retry-After %q, want 7", got)
		}
	}
	if n, _ := mustAccount(t, e).Count(KindOfflineTime); n != 0 {
		t.Fatalf("a refused request was acted on: %d blocks", n)
	}
	mustStatus(t, postOffline(t, e, offlineBody), http.StatusOK)
	// Other paths are untouched by the first rule; the second fails once.
	mustStatus(t, get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}}), http.StatusServiceUnavailable)
	mustStatus(t, get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}}), http.StatusOK)
	// The OAuth family is matched by endpoint name too.
	_ = e.SetFaults(Faults{Rules: []FaultRule{{Path: "offline_time_post", Status: 500, Count: 1}}})
	tok, _ := e.IssueToken(premiumKey)
	mustStatus(t, do(t, e, "POST", "/api/oauth/offline_time_post?access_token="+tok, offlineBody, "application/json"), 500)
	// Hooks are never faulted.
	_ = e.SetFaults(Faults{Rules: []FaultRule{{Status: 500, Count: 5}}})
	mustStatus(t, do(t, e, "GET", "/_emulator/record", "", ""), http.StatusOK)
	if got := e.Faults().Rules[0].Count; got != 5 {
		t.Errorf("hooks consumed fault counts: %d left", got)
	}
}

func mustAccount(t *testing.T, e *Emulator) AccountRecord {
	t.Helper()
	a, ok := e.Record().Account(premiumKey)
	if !ok {
		t.Fatal("no premium account")
	}
	return a
}

// TestFaultLoseResponse checks both loss modes over a real connection:
// the write happens, the client sees no success.
func TestFaultLoseResponse(t *testing.T) {
	e, _ := newTestEmulator(t)
	srv := httptest.NewServer(e)
	defer srv.Close()
	post := func() (*http.Response, error) {
		return srv.Client().Post(srv.URL+"/anapi/offline_time_post?key="+premiumKey, "application/json", strings.NewReader(offlineBody))
	}
	_ = e.SetFaults(Faults{Rules: []FaultRule{{Path: "offline_time_post", LoseResponses: 1}}})
	if resp, err := post(); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped response arrived: %d", resp.StatusCode)
	}
	_ = e.SetFaults(Faults{Rules: []FaultRule{{Path: "offline_time_post", LoseResponses: 1, LoseMode: "502"}}})
	resp, err := post()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || strings.Contains(string(body), "successfully") {
		t.Errorf("502 mode: %d %s", resp.StatusCode, body)
	}
	// Both writes happened; the next POST is answered normally; GETs are never lost.
	if n, _ := mustAccount(t, e).Count(KindOfflineTime); n != 2 {
		t.Errorf("%d blocks recorded, want 2", n)
	}
	resp, err = post()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after the faults: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestFaultLatency(t *testing.T) {
	e, _ := newTestEmulator(t)
	var mu sync.Mutex
	var waited []time.Duration
	e.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waited = append(waited, d)
		return ctx.Err()
	}
	_ = e.SetFaults(Faults{Rules: []FaultRule{{Latency: Duration(250 * time.Millisecond)}, {Path: "data", Latency: Duration(time.Second)}}})
	mustStatus(t, get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}}), http.StatusOK)
	mustStatus(t, get(t, e, "/anapi/data", url.Values{"key": {premiumKey}, "format": {"json"}}), http.StatusOK)
	if diff := cmp.Diff([]time.Duration{250 * time.Millisecond, 1250 * time.Millisecond}, waited); diff != "" {
		t.Errorf("delays (-want +got):\n%s", diff)
	}
	// A client that gives up during the delay gets nothing done.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("POST", "/anapi/offline_time_post?key="+premiumKey, strings.NewReader(offlineBody)).WithContext(ctx)
	e.ServeHTTP(httptest.NewRecorder(), r)
	if n, _ := mustAccount(t, e).Count(KindOfflineTime); n != 0 {
		t.Error("request handled although the client left during the delay")
	}
}

func TestFaultRateIsSeeded(t *testing.T) {
	outcomes := func(seed int64) []int {
		e, _ := newTestEmulator(t)
		_ = e.SetFaults(Faults{Rules: []FaultRule{{Status: 500, Rate: 0.3, Seed: seed}}})
		var codes []int
		for i := 0; i < 200; i++ {
			codes = append(codes, get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}}).Code)
		}
		return codes
	}
	a, b := outcomes(42), outcomes(42)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different faults:\n%s", diff)
	}
	failed := 0
	for _, c := range a {
		if c == 500 {
			failed++
		}
	}
	if failed < 30 || failed > 90 {
		t.Errorf("%d of 200 failed at rate 0.3", failed)
	}
	if cmp.Equal(a, outcomes(43)) {
		t.Error("seeds 42 and 43 fail the same requests")
	}
}

func TestFaultValidation(t *testing.T) {
	e, _ := newTestEmulator(t)
	for name, r := range map[string]FaultRule{
		"status 404":         {Status: 404, Count: 1},
		"status without n":   {Status: 500},
		"count without code": {Count: 1},
		"rate over 1":        {Status: 500, Rate: 1.5},
		"negative count":     {Status: 500, Count: -1},
		"negative latency":   {Latency: Duration(-time.Second)},
		"bad lose mode":      {LoseResponses: 1, LoseMode: "vanish"},
	} {
		if err := e.SetFaults(Faults{Rules: []FaultRule{r}}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestFaultsConcurrent shares fault counts among concurrent requests (run
// with -race): exactly Count of them fail.
func TestFaultsConcurrent(t *testing.T) {
	e, clock := newTestEmulator(t)
	_ = e.SetFaults(Faults{Rules: []FaultRule{{Path: "highlights_feed", Status: 503, Count: 25}}})
	var wg sync.WaitGroup
	codes := make(chan int, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- get(t, e, "/anapi/highlights_feed", url.Values{"key": {premiumKey}}).Code
			clock.Advance(time.Second)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = e.Faults()
		_ = e.SetFaults(Faults{Rules: []FaultRule{{Path: "data", Status: 503, Count: 1}}})
	}()
	wg.Wait()
	close(codes)
	failed := 0
	for c := range codes {
		if c == 503 {
			failed++
		}
	}
	if failed > 25 {
		t.Errorf("%d requests failed, at most 25 may", failed)
	}
}

func TestHooks(t *testing.T) {
	e, clock := newTestEmulator(t)
	// Faults over HTTP, with remaining counts shown back.
	w := do(t, e, "POST", "/_emulator/faults", `{"rules":[{"path":"data","status":503,"count":2,"latency":"0s"}]}`, "application/json")
	mustStatus(t, w, http.StatusOK)
	mustStatus(t, get(t, e, "/anapi/data", url.Values{"key": {premiumKey}, "format": {"json"}}), 503)
	f := decode[Faults](t, do(t, e, "GET", "/_emulator/faults", "", ""))
	if len(f.Rules) != 1 || f.Rules[0].Count != 1 {
		t.Errorf("faults after one use: %+v", f)
	}
	mustStatus(t, do(t, e, "POST", "/_emulator/faults", `{"rules":[{"status":404,"count":1}]}`, ""), http.StatusBadRequest)
	mustStatus(t, do(t, e, "POST", "/_emulator/faults", `{"rulez":[]}`, ""), http.StatusBadRequest)

	// The clock.
	mustStatus(t, do(t, e, "POST", "/_emulator/clock", `{"now":"2026-12-01T08:00:00Z"}`, ""), http.StatusOK)
	if got := clock.Now(); !got.Equal(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("clock %v", got)
	}
	mustStatus(t, do(t, e, "POST", "/_emulator/clock", `{"now":"tomorrow"}`, ""), http.StatusBadRequest)
	real, _ := New(Options{})
	mustStatus(t, do(t, real, "POST", "/_emulator/clock", `{"now":"2026-12-01T08:00:00Z"}`, ""), http.StatusConflict)

	// The record, then reset.
	mustStatus(t, postOffline(t, e, offlineBody), http.StatusOK)
	rec := decode[Record](t, do(t, e, "GET", "/_emulator/record", "", ""))
	if diff := cmp.Diff(e.Record(), rec, cmpTimes); diff != "" {
		t.Errorf("record over HTTP (-method +hook):\n%s", diff)
	}
	mustStatus(t, do(t, e, "POST", "/_emulator/reset", "", ""), http.StatusOK)
	if n, _ := mustAccount(t, e).Count(KindOfflineTime); n != 0 {
		t.Errorf("%d blocks after reset", n)
	}

	// Hooks answer loopback clients only.
	r := httptest.NewRequest("GET", "/_emulator/record", nil) // from 192.0.2.1
	rw := httptest.NewRecorder()
	e.ServeHTTP(rw, r)
	mustStatus(t, rw, http.StatusForbidden)
	mustStatus(t, do(t, e, "GET", "/_emulator/nothing", "", ""), http.StatusNotFound)
}

var cmpTimes = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func TestFaultsJSON(t *testing.T) {
	var f Faults
	err := json.Unmarshal([]byte(`{"rules":[{"latency":"1.5s","path":"data"}]}`), &f)
	if err != nil || time.Duration(f.Rules[0].Latency) != 1500*time.Millisecond {
		t.Fatalf("%+v %v", f, err)
	}
	var bad Faults
	if err := json.Unmarshal([]byte(`{"rules":[{"latency":150}]}`), &bad); err == nil {
		t.Error("a bare number was taken for a latency")
	}
}
