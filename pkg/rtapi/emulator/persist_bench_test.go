package emulator

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// stateWithOffline returns the path of a state file holding the premium and
// lite accounts and n offline blocks, one every 10 minutes, ending a day
// before testNow.
func stateWithOffline(t testing.TB, n int) string {
	t.Helper()
	e, _ := newTestEmulator(t)
	loc := berlin(t)
	start := testNow.In(loc).Add(-24*time.Hour - time.Duration(n)*10*time.Minute)
	for i := range n {
		at := start.Add(time.Duration(i) * 10 * time.Minute)
		body := fmt.Sprintf(`{"start_time":%q,"duration":5,"activity_name":"Block %d"}`, at.Format(naiveLayout), i)
		mustStatus(t, postOffline(t, e, body), http.StatusOK)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := saveStateTo(e, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// BenchmarkStateWrite is one offline POST to an emulator that persists its
// state, holding 100 or 10,000 blocks already: a write must cost the same
// whatever the state holds (its time is mostly the fsync).
func BenchmarkStateWrite(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			path := stateWithOffline(b, n)
			e, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
			if err != nil {
				b.Fatal(err)
			}
			// The posted blocks go after the preloaded ones, as an apply's
			// do, so that keeping the blocks sorted costs nothing here.
			at := testNow.In(berlin(b)).Add(-23 * time.Hour)
			i := 0
			for b.Loop() {
				i++
				body := fmt.Sprintf(`{"start_time":%q,"duration":5,"activity_name":"New %d"}`, at.Add(time.Duration(i)*5*time.Second).Format(naiveLayout), i)
				if w := postOffline(b, e, body); w.Code != http.StatusOK {
					b.Fatalf("post %d: %s", i, w.Body.String())
				}
			}
		})
	}
}

// saveStateTo writes e's whole state to path, as a process that had it
// open there would have.
func saveStateTo(e *Emulator, path string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store = newStateStore(path)
	defer func() { e.store = nil }()
	return e.saveLocked()
}

// BenchmarkStateWriteParallel is BenchmarkStateWrite with four writers at
// once, as an apply's default parallelism sends: they share fsyncs.
func BenchmarkStateWriteParallel(b *testing.B) {
	path := stateWithOffline(b, 10000)
	e, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
	if err != nil {
		b.Fatal(err)
	}
	at := testNow.In(berlin(b)).Add(-23 * time.Hour)
	var next atomic.Int64
	b.SetParallelism(2) // 4 goroutines on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			body := fmt.Sprintf(`{"start_time":%q,"duration":5,"activity_name":"New %d"}`, at.Add(time.Duration(i)*5*time.Second).Format(naiveLayout), i)
			if w := postOffline(b, e, body); w.Code != http.StatusOK {
				b.Errorf("post %d: %s", i, w.Body.String())
				return
			}
		}
	})
}
