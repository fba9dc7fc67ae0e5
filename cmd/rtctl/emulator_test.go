package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a goroutine-safe stderr for a command running in the
// background.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startEmulatorCmd runs `rtctl emulator args...` until the returned stop
// is called, and returns the base URL it printed first.
func startEmulatorCmd(t *testing.T, args ...string) (base string, stop func() (stdout, stderr string, err error)) {
	t.Helper()
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	e := &env{
		stdin:      strings.NewReader(""),
		stdout:     outW,
		stderr:     stderr,
		getenv:     func(string) string { return "" },
		now:        func() time.Time { return time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) },
		httpClient: &http.Client{},
		isTerminal: func(any) bool { return false },
	}
	ctx, cancel := context.WithCancel(context.Background())
	root := newRootCmd(e)
	root.SetArgs(append([]string{"emulator"}, args...))
	done := make(chan error, 1)
	go func() {
		err := root.ExecuteContext(ctx)
		outW.Close()
		done <- err
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		cancel()
		t.Fatalf("no first line; stderr: %s; err: %v", stderr.String(), <-done)
	}
	first := lines.Text()
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()
	base, ok := strings.CutPrefix(first, "listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q, want listening on http://127.0.0.1:PORT", first)
	}
	return base, func() (string, string, error) {
		cancel()
		err := <-done
		return first + "\n" + <-rest, stderr.String(), err
	}
}

func TestEmulatorCommandServesAndPersists(t *testing.T) {
	const key = "cmd-s3cret"
	state := filepath.Join(t.TempDir(), "state.json")
	args := []string{"--key", key, "--state", state, "--timezone", "Europe/Berlin", "--now", "2026-11-20T18:00:00Z"}

	base, stop := startEmulatorCmd(t, args...)
	body := strings.NewReader(`{"start_time":"2026-11-20 09:00:00","duration":30,"activity_name":"Standup"}`)
	resp, err := http.Post(base+"/anapi/offline_time_post?key="+key, "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("offline_time_post: status %d", resp.StatusCode)
	}
	stdout, stderr, err := stop()
	if err != nil {
		t.Fatalf("emulator returned %v", err)
	}
	if !strings.Contains(stderr, "emulator stopped") {
		t.Errorf("stderr %q, want a shutdown note", stderr)
	}
	if strings.Contains(stdout+stderr, key) {
		t.Errorf("the key was printed: stdout %q stderr %q", stdout, stderr)
	}

	// A second run on the same state answers with what the first was sent.
	base, stop = startEmulatorCmd(t, args...)
	defer stop()
	q := url.Values{"key": {key}, "format": {"json"}, "restrict_source_type": {"offline"}, "restrict_kind": {"activity"}}
	resp, err = http.Get(base + "/anapi/data?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Rows [][]any }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 1 || got.Rows[0][3] != "Standup" || got.Rows[0][1] != float64(1800) {
		t.Errorf("rows after restart = %v, want one Standup row of 1800 s", got.Rows)
	}
}

func TestEmulatorCommandClockFromEnv(t *testing.T) {
	base, stop := startEmulatorCmd(t, "--key", "k")
	defer stop()
	resp, err := http.Get(base + "/_emulator/clock")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Now string }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Now != "2026-11-20T18:00:00Z" {
		t.Errorf("clock = %q, want the command environment's now", got.Now)
	}
}
