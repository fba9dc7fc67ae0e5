package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults is the set of faults injected into API requests (never into the
// /_emulator/ hooks). SetFaults and POST /_emulator/faults take it as is;
// GET /_emulator/faults shows what remains of it.
type Faults struct {
	Rules []FaultRule `json:"rules"`
}

// FaultRule injects faults into the requests it matches. All matching
// rules add their latency; the first one that fails a request decides its
// status; a lost response is decided after that.
type FaultRule struct {
	// Path selects requests: "" or "*" all of them; an endpoint name
	// ("offline_time_post", "token") that endpoint in every URL family; a
	// path starting with "/" exactly that path.
	Path string `json:"path,omitempty"`
	// Latency delays every matching request before it is handled.
	Latency Duration `json:"latency,omitempty"`
	// Status (429 or 5xx) answers the next Count matching requests, or each
	// with probability Rate (drawn from a PRNG seeded with Seed), without
	// handling them: the server provably did not act.
	Status     int     `json:"status,omitempty"`
	Count      int     `json:"count,omitempty"`
	Rate       float64 `json:"rate,omitempty"`
	Seed       int64   `json:"seed,omitempty"`
	RetryAfter int     `json:"retry_after,omitempty"` // seconds, sent as Retry-After
	// LoseResponses handles the next N matching POSTs (the write happens)
	// and then loses the answer: LoseMode "drop" (the default) closes the
	// connection without a response, "502" answers 502 Bad Gateway.
	LoseResponses int    `json:"lose_responses,omitempty"`
	LoseMode      string `json:"lose_mode,omitempty"`
	// HollowSuccesses answers the next N matching POSTs with a success
	// that wrote nothing: HollowStatus (a 2xx; 200 when not set) and
	// HollowBody, the request not handled. The real offline POST's success
	// body is unknown, so rtctl must not trust such an answer forever.
	HollowSuccesses int    `json:"hollow_successes,omitempty"`
	HollowStatus    int    `json:"hollow_status,omitempty"`
	HollowBody      string `json:"hollow_body,omitempty"`
}

// Duration is a time.Duration written in JSON as a Go duration string
// ("250ms", "2s").
type Duration time.Duration

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string such as \"250ms\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

func (f FaultRule) validate() error {
	switch {
	case f.Latency < 0:
		return fmt.Errorf("latency: negative")
	case f.Status != 0 && f.Status != http.StatusTooManyRequests && (f.Status < 500 || f.Status > 599):
		return fmt.Errorf("status: want 429 or 5xx, got %d", f.Status)
	case f.Count < 0 || f.LoseResponses < 0 || f.RetryAfter < 0:
		return fmt.Errorf("count, lose_responses and retry_after must not be negative")
	case f.Rate < 0 || f.Rate > 1:
		return fmt.Errorf("rate: want a probability from 0 to 1")
	case f.Status != 0 && f.Count == 0 && f.Rate == 0:
		return fmt.Errorf("status needs count or rate")
	case f.Status == 0 && (f.Count > 0 || f.Rate > 0):
		return fmt.Errorf("count and rate need a status")
	case f.LoseMode != "" && f.LoseMode != "drop" && f.LoseMode != "502":
		return fmt.Errorf("lose_mode: want drop or 502")
	case f.HollowSuccesses < 0:
		return fmt.Errorf("hollow_successes must not be negative")
	case f.HollowStatus != 0 && (f.HollowStatus < 200 || f.HollowStatus > 299):
		return fmt.Errorf("hollow_status: want a 2xx, got %d", f.HollowStatus)
	}
	return nil
}

func (f FaultRule) matches(r *http.Request) bool {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case f.Path == "" || f.Path == "*":
		return true
	case strings.HasPrefix(f.Path, "/"):
		return path == strings.TrimSuffix(f.Path, "/")
	default:
		return path == "/anapi/"+f.Path || path == "/api/oauth/"+f.Path || path == "/oauth/"+f.Path
	}
}

// faultSet holds the live rules and what is left of their counts.
type faultSet struct {
	mu    sync.Mutex
	rules []FaultRule
	rngs  []rng
}

func newFaultSet() *faultSet { return &faultSet{} }

// SetFaults replaces the injected faults (an empty Faults clears them).
func (e *Emulator) SetFaults(f Faults) error {
	for i, r := range f.Rules {
		if err := r.validate(); err != nil {
			return fmt.Errorf("fault rule %d: %w", i, err)
		}
	}
	fs := e.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = append([]FaultRule(nil), f.Rules...)
	fs.rngs = make([]rng, len(f.Rules))
	for i, r := range f.Rules {
		fs.rngs[i] = rng(uint64(r.Seed))
	}
	return nil
}

// Faults returns the injected faults with their remaining counts.
func (e *Emulator) Faults() Faults {
	fs := e.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return Faults{Rules: append([]FaultRule{}, fs.rules...)}
}

// faultPlan is what happens to one request.
type faultPlan struct {
	latency    time.Duration
	status     int
	retryAfter int
	lose       string // "" keep the response, else the lose mode
	// hollow answers with this status and body without handling the
	// request (0: no hollow success).
	hollow     int
	hollowBody string
}

// decide consumes counts and draws probabilities for r, under the lock so
// that concurrent requests share the counts exactly.
func (fs *faultSet) decide(r *http.Request) faultPlan {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var p faultPlan
	for i := range fs.rules {
		f := &fs.rules[i]
		if !f.matches(r) {
			continue
		}
		p.latency += time.Duration(f.Latency)
		if p.status == 0 && f.Status != 0 {
			switch {
			case f.Count > 0:
				f.Count--
				p.status, p.retryAfter = f.Status, f.RetryAfter
			case f.Rate > 0 && fs.rngs[i].float() < f.Rate:
				p.status, p.retryAfter = f.Status, f.RetryAfter
			}
		}
	}
	if p.status != 0 || r.Method != http.MethodPost {
		return p
	}
	for i := range fs.rules {
		f := &fs.rules[i]
		if f.HollowSuccesses > 0 && f.matches(r) {
			f.HollowSuccesses--
			p.hollow, p.hollowBody = cmp.Or(f.HollowStatus, http.StatusOK), f.HollowBody
			return p
		}
	}
	for i := range fs.rules {
		f := &fs.rules[i]
		if f.LoseResponses > 0 && f.matches(r) {
			f.LoseResponses--
			p.lose = f.LoseMode
			if p.lose == "" {
				p.lose = "drop"
			}
			break
		}
	}
	return p
}

func (e *Emulator) serveWithFaults(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
	p := e.faults.decide(r)
	if p.latency > 0 {
		if err := e.sleep(r.Context(), p.latency); err != nil {
			return // the client gave up; the request is not handled
		}
	}
	if p.status != 0 {
		if p.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(p.retryAfter))
		}
		writeError(w, p.status, "injected fault", http.StatusText(p.status))
		return
	}
	if p.hollow != 0 {
		if p.hollowBody != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(p.hollow)
		_, _ = io.WriteString(w, p.hollowBody)
		return
	}
	if p.lose == "" {
		next(w, r)
		return
	}
	next(&discardWriter{header: http.Header{}}, r)
	if p.lose == "drop" {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
	}
	writeError(w, http.StatusBadGateway, "bad gateway", "the upstream response was lost")
}

// discardWriter swallows the response of a request whose answer is lost.
type discardWriter struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (d *discardWriter) Header() http.Header { return d.header }

func (d *discardWriter) Write(b []byte) (int, error) { return d.body.Write(b) }

func (d *discardWriter) WriteHeader(status int) { d.status = status }
