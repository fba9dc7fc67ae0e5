package apply_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// BenchmarkApply1000 applies 1,000 highlights against the emulator on
// loopback with 20 ms of latency injected into every POST, journaling to a
// real file (real fsyncs). The floor is 1,000 × 20 ms / parallelism; the
// benchmark reports the wall time per apply against it.
func BenchmarkApply1000(b *testing.B) {
	const n = 1000
	const latency = 20 * time.Millisecond
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, berlin)
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(now)})
	if err != nil {
		b.Fatal(err)
	}
	if err := emu.AddAccount(emulator.Account{Key: "bench-key", Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if err := emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "highlights_post", Latency: emulator.Duration(latency)}}}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	client, err := rtapi.New(rtapi.Options{BaseURL: srv.URL, Credentials: rtapi.APIKey("bench-key"), Location: berlin, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	d := plan.Desired{Location: berlin, Lookback: 14 * 24 * time.Hour}
	for i := range n {
		d.Highlights = append(d.Highlights, plan.DesiredHighlight{
			Address:     fmt.Sprintf("highlight.h[%d]", i),
			Date:        now.AddDate(0, 0, -(i % 14)).Format(time.DateOnly),
			Description: fmt.Sprintf("Commit %d", i),
		})
	}
	p := plan.Make(d, &plan.Remote{}, nil, now)
	p.AttachRequests(client)
	actions := p.ToCreate()
	if len(actions) != n {
		b.Fatalf("%d actions to create, want %d", len(actions), n)
	}

	for _, par := range []int{4, 8, 16} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) {
			floor := time.Duration(n) * latency / time.Duration(par)
			for b.Loop() {
				path := filepath.Join(b.TempDir(), "journal.jsonl")
				lock, err := journal.Acquire(context.Background(), path, journal.AcquireOptions{})
				if err != nil {
					b.Fatal(err)
				}
				w, err := journal.OpenWriter(lock, path, time.Now, "bench", journal.SandboxAccount)
				if err != nil {
					b.Fatal(err)
				}
				res, err := apply.Run(context.Background(), client, w, actions, apply.Options{Parallelism: par})
				if err != nil || !res.OK() {
					b.Fatalf("apply: %v, %d created", err, res.Count(apply.Created))
				}
				w.Close()
				lock.Release()
			}
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(floor.Milliseconds()), "floor-ms")
			b.ReportMetric(float64(perOp)/float64(floor), "x-floor")
		})
	}
}
