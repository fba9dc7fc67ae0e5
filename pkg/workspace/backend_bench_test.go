package workspace

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gitbackend "github.com/rtctl/rtctl/pkg/backend/git"
	"github.com/rtctl/rtctl/pkg/backend/git/gittest"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// BenchmarkApply1000Backends applies 1,000 highlights to a fresh emulated
// account (on loopback, no rate limit, 4 POSTs in flight) with the local
// backend and with the git backend against a git remote on loopback that
// adds 100 ms to every push, as a hosted remote would (docs/BENCHMARKS.md).
// Run it with -benchtime=1x: each apply must start from an empty account.
func BenchmarkApply1000Backends(b *testing.B) {
	const n = 1000
	const pushLatency = 100 * time.Millisecond
	var cfg strings.Builder
	cfg.WriteString("rtctl {\n  timezone = \"Europe/Berlin\"\n}\n")
	for i := range n {
		fmt.Fprintf(&cfg, "highlight \"h%d\" {\n  date        = \"2026-11-%02d\"\n  description = \"Commit %d\"\n}\n", i, 7+i%14, i)
	}
	for _, tc := range []struct {
		name  string
		git   bool
		batch int
	}{
		{"local", false, 0},
		{"git/batch=4", true, 4},
		{"git/batch=20", true, 20},
		{"git/batch=50", true, 50},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(testNow)})
				if err != nil {
					b.Fatal(err)
				}
				if err := emu.AddAccount(emulator.Account{Key: "bench-key", Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 1}); err != nil {
					b.Fatal(err)
				}
				api := httptest.NewServer(emu)
				srv := api.URL
				dir := b.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(cfg.String()), 0o644); err != nil {
					b.Fatal(err)
				}
				opts := Options{Account: Account{Endpoint: srv, Credentials: rtapi.APIKey("bench-key")}, Now: testNow, StateDir: b.TempDir()}
				var remote *gittest.Server
				if tc.git {
					remote = gittest.NewServer(b, pushLatency)
					store, err := gitbackend.New(gitbackend.Config{Remote: remote.URL, Cache: gitbackend.CacheDir(opts.StateDir, remote.URL),
						Env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}, Batch: tc.batch})
					if err != nil {
						b.Fatal(err)
					}
					opts.Backend = store
				}
				ws, err := Open(dir, opts)
				if err != nil {
					b.Fatal(err)
				}
				zero := 0.0
				b.StartTimer()
				res, err := ws.Apply(context.Background(), ApplyOptions{Rate: &zero})
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if res.Sent == nil || !res.Sent.OK() || len(res.Sent.Items) != n {
					b.Fatalf("apply did not post all %d items", n)
				}
				api.Close()
				if remote != nil {
					b.ReportMetric(float64(remote.Pushes.Load()), "pushes/op")
				}
				b.StartTimer()
			}
		})
	}
}
