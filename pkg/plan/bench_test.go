package plan_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// countingTransport counts the HTTP requests a plan makes.
type countingTransport struct {
	n    atomic.Int64
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// BenchmarkPlan10k plans 10,000 declared offline blocks against an account
// that already holds 10,000, over HTTP to the emulator on loopback: the
// observation (every feed read once) plus the diff. It reports the HTTP
// requests per plan, which must not grow with the number of items.
func BenchmarkPlan10k(b *testing.B) {
	const n = 10000
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, berlin)
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(now)})
	if err != nil {
		b.Fatal(err)
	}
	if err := emu.AddAccount(emulator.Account{Key: "bench-key", Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 1}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	counter := &countingTransport{next: http.DefaultTransport}
	client, err := rtapi.New(rtapi.Options{
		BaseURL:     srv.URL,
		Credentials: rtapi.APIKey("bench-key"),
		HTTPClient:  &http.Client{Transport: counter},
		Location:    berlin,
		Now:         func() time.Time { return now },
	})
	if err != nil {
		b.Fatal(err)
	}

	// 10,000 ten-minute blocks, one every twelve minutes, ending before now:
	// 83 days of them, so the lookback is 90 days.
	d := plan.Desired{Location: berlin, Lookback: 90 * 24 * time.Hour}
	start := now.Add(-n * 12 * time.Minute)
	ctx := context.Background()
	for i := range n {
		s := start.Add(time.Duration(i) * 12 * time.Minute)
		d.Offline = append(d.Offline, plan.DesiredOffline{
			Address:  fmt.Sprintf("offline_time.b[%d]", i),
			Start:    s,
			End:      s.Add(10 * time.Minute),
			Activity: fmt.Sprintf("Activity %d", i%7),
		})
		if err := client.PostOfflineTime(ctx, rtapi.OfflineTimePost{Start: s, End: s.Add(10 * time.Minute), ActivityName: fmt.Sprintf("Activity %d", i%7)}); err != nil {
			b.Fatal(err)
		}
	}
	counter.n.Store(0)

	b.ReportAllocs()
	b.ResetTimer()
	var p *plan.Plan
	for b.Loop() {
		rem, err := plan.Observe(ctx, client, d.Needs(), now.Add(-d.Lookback), now)
		if err != nil {
			b.Fatal(err)
		}
		p = plan.Make(d, rem, nil, now)
	}
	b.StopTimer()
	b.ReportMetric(float64(counter.n.Load())/float64(b.N), "requests/op")
	if s := p.Summary(); s[plan.InSync] != n {
		b.Fatalf("summary %v, want all %d in sync", s, n)
	}
}

// BenchmarkMake10k measures the diff alone (no HTTP): 10,000 declared
// blocks against a snapshot of 10,000 remote ones.
func BenchmarkMake10k(b *testing.B) {
	const n = 10000
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, berlin)
	d := plan.Desired{Location: berlin, Lookback: 90 * 24 * time.Hour}
	rem := &plan.Remote{}
	start := now.Add(-n * 12 * time.Minute).Truncate(5 * time.Minute)
	for i := range n {
		s := start.Add(time.Duration(i) * 12 * time.Minute)
		act := fmt.Sprintf("Activity %d", i%7)
		d.Offline = append(d.Offline, plan.DesiredOffline{Address: fmt.Sprintf("offline_time.b[%d]", i), Start: s, End: s.Add(10 * time.Minute), Activity: act})
		for t := s.Truncate(5 * time.Minute); t.Before(s.Add(10 * time.Minute)); t = t.Add(5 * time.Minute) {
			lo, hi := t, t.Add(5*time.Minute)
			if s.After(lo) {
				lo = s
			}
			if e := s.Add(10 * time.Minute); e.Before(hi) {
				hi = e
			}
			secs := hi.Sub(lo)
			rem.Offline = append(rem.Offline, plan.OfflineBucket{Start: t, Activity: act, Seconds: int(secs / time.Second)})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		p := plan.Make(d, rem, nil, now)
		if len(p.Actions) != n {
			b.Fatal("wrong plan")
		}
	}
}
