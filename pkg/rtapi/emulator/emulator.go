package emulator

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rtctl/rtctl/internal/ctxtime"
)

// Options configures an Emulator.
type Options struct {
	// Clock is the emulator's notion of now; nil means the real clock.
	Clock Clock
	// StatePath, when set, names a file the state is loaded from at New
	// (if it exists) and saved to: every write is on disk before its answer
	// is sent, at a cost that does not grow with the state (see persist.go).
	StatePath string
}

// Emulator is an in-memory RescueTime API. It is an http.Handler and safe
// for concurrent use.
type Emulator struct {
	clock  Clock
	store  *stateStore // nil when the state is not persisted
	faults *faultSet
	// sleep waits d or until ctx ends; injected latency goes through it so
	// tests can observe delays without waiting for them.
	sleep func(ctx context.Context, d time.Duration) error

	mu       sync.RWMutex
	accounts map[string]*account
	clients  map[string]OAuthClient
	tokens   map[string]tokenGrant // by SHA-256 of the token, hex
	codes    map[string]authCode   // by SHA-256 of the code, hex; never persisted
	nextID   int64                 // last id handed to an offline block or highlight

	requests atomic.Uint64 // answers given, for X-Request-Id
}

// New returns an Emulator with no accounts, or with the state saved in
// opts.StatePath.
func New(opts Options) (*Emulator, error) {
	clock := opts.Clock
	if clock == nil {
		clock = realClock{}
	}
	e := &Emulator{
		clock:    clock,
		faults:   newFaultSet(),
		sleep:    ctxtime.Sleep,
		accounts: make(map[string]*account),
		clients:  make(map[string]OAuthClient),
		tokens:   make(map[string]tokenGrant),
		codes:    make(map[string]authCode),
	}
	if opts.StatePath != "" {
		e.store = newStateStore(opts.StatePath)
		if err := e.load(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// AddAccount adds an account. Adding a key that exists updates its plan,
// zone, seed and model and keeps what was posted to it, so repeating a call (or
// starting `rtctl emulator --state` again) is harmless.
func (e *Emulator) AddAccount(a Account) error {
	acct, err := newAccount(a)
	if err != nil {
		return fmt.Errorf("add account: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if old, ok := e.accounts[a.Key]; ok {
		if old.Account == acct.Account {
			// Nothing changed: leave the state file alone, so that a
			// process that only reads never rewrites it.
			return nil
		}
		old.Account, old.loc = acct.Account, acct.loc
	} else {
		e.accounts[a.Key] = acct
	}
	return e.saveLocked()
}

// Account returns the settings of the account with key.
func (e *Emulator) Account(key string) (Account, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	a, ok := e.accounts[key]
	if !ok {
		return Account{}, false
	}
	return a.Account, true
}

// AddOAuthClient registers an OAuth2 application (replacing one with the
// same ID).
func (e *Emulator) AddOAuthClient(c OAuthClient) error {
	if c.ID == "" || c.Secret == "" || c.RedirectURI == "" {
		return fmt.Errorf("add oauth client: id, secret and redirect URI are all required")
	}
	if u, err := url.Parse(c.RedirectURI); err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("add oauth client %s: redirect URI must be an absolute URL", c.ID)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clients[c.ID] = c
	return e.saveLocked()
}

// Reset forgets everything posted (offline time, highlights, FocusTime
// sessions) and keeps accounts, OAuth clients and tokens.
func (e *Emulator) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.accounts {
		a.offline, a.highlights, a.focusStarts, a.focusEnds = nil, nil, nil, nil
	}
	// nextID is kept: ids stay unique over the emulator's life, so a client
	// journal from before the reset never matches a new item.
	_ = e.saveLocked() // Reset cannot report; the next write saves again
}

// now is the clock's time, truncated to whole seconds: the API's timestamps
// have second resolution and ids derived from them must round-trip.
func (e *Emulator) now() time.Time { return e.clock.Now().Truncate(time.Second) }

func (e *Emulator) newID() int64 {
	e.nextID++
	return e.nextID
}

func (e *Emulator) sortedKeys() []string {
	keys := make([]string, 0, len(e.accounts))
	for k := range e.accounts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// endpoint describes one API endpoint, served under both URL families
// unless oauthOnly.
type endpoint struct {
	method    string
	scope     string
	oauthOnly bool
	write     bool // takes the write lock and saves state (call.saved)
	serve     func(e *Emulator, w http.ResponseWriter, r *http.Request, c *call)
}

// call is one authenticated API request.
type call struct {
	name string // endpoint name, e.g. "overview_data"
	acct *account
	now  time.Time
	// saved is the write's record in the state file, to wait for before
	// answering; nil when nothing was written or nothing is persisted.
	saved *stateBatch
}

var endpoints = map[string]endpoint{
	"data":                   {method: http.MethodGet, scope: scopeTime, serve: (*Emulator).serveData},
	"overview_data":          {method: http.MethodGet, scope: scopeCategory, oauthOnly: true, serve: (*Emulator).serveData},
	"category_data":          {method: http.MethodGet, scope: scopeCategory, oauthOnly: true, serve: (*Emulator).serveData},
	"productivity_data":      {method: http.MethodGet, scope: scopeProductivity, oauthOnly: true, serve: (*Emulator).serveData},
	"daily_summary_feed":     {method: http.MethodGet, scope: scopeTime, serve: (*Emulator).serveDailySummary},
	"alerts_feed":            {method: http.MethodGet, scope: scopeAlert, serve: (*Emulator).serveAlerts},
	"highlights_feed":        {method: http.MethodGet, scope: scopeHighlight, serve: (*Emulator).serveHighlightsFeed},
	"highlights_post":        {method: http.MethodPost, scope: scopeHighlight, write: true, serve: (*Emulator).serveHighlightPost},
	"start_focustime":        {method: http.MethodPost, scope: scopeFocus, write: true, serve: (*Emulator).serveStartFocus},
	"end_focustime":          {method: http.MethodPost, scope: scopeFocus, write: true, serve: (*Emulator).serveEndFocus},
	"focustime_started_feed": {method: http.MethodGet, scope: scopeFocus, serve: (*Emulator).serveFocusStartedFeed},
	"focustime_ended_feed":   {method: http.MethodGet, scope: scopeFocus, serve: (*Emulator).serveFocusEndedFeed},
	"offline_time_post":      {method: http.MethodPost, scope: scopeTime, write: true, serve: (*Emulator).serveOfflinePost},
}

// ServeHTTP serves the API, the OAuth2 endpoints and the /_emulator/ hooks.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, hooksPrefix) {
		e.serveHook(w, r)
		return
	}
	e.serveWithFaults(w, r, e.route)
}

func (e *Emulator) route(w http.ResponseWriter, r *http.Request) {
	e.realHeaders(w.Header())
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/oauth/authorize":
		e.serveAuthorize(w, r)
	case path == "/oauth/token":
		e.serveToken(w, r)
	case strings.HasPrefix(path, "/anapi/"):
		e.serveAPI(w, r, false, strings.TrimPrefix(path, "/anapi/"))
	case strings.HasPrefix(path, "/api/oauth/"):
		e.serveAPI(w, r, true, strings.TrimPrefix(path, "/api/oauth/"))
	default:
		writeError(w, http.StatusNotFound, "not found", "no such endpoint")
	}
}

func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request, oauth bool, name string) {
	ep, ok := endpoints[name]
	if !ok || (ep.oauthOnly && !oauth) {
		writeError(w, http.StatusNotFound, "not found", "no such endpoint")
		return
	}
	if r.Method != ep.method && !(ep.method == http.MethodGet && r.Method == http.MethodHead) {
		w.Header().Set("Allow", ep.method)
		writeError(w, http.StatusMethodNotAllowed, "method not allowed", "this endpoint takes "+ep.method)
		return
	}
	if ep.write {
		// Read the whole body before taking the write lock: a client that
		// stalls halfway through its body must not stall everyone else.
		if r.Body == nil { // a client-side request handed over in process
			r.Body = http.NoBody
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			writeBadRequest(w, fmt.Sprintf("body: %v", err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		// The answer waits for the write's record to be on disk, which
		// happens outside the lock so that writes arriving meanwhile
		// share the next fsync.
		held := &heldResponse{header: http.Header{}}
		e.mu.Lock()
		c := e.serveLocked(held, r, ep, oauth, name)
		e.mu.Unlock()
		if c != nil {
			if err := e.persist(c.saved); err != nil {
				writeError(w, http.StatusInternalServerError, "internal error", "state could not be saved")
				return
			}
		}
		held.send(w)
		return
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	e.serveLocked(w, r, ep, oauth, name)
}

// serveLocked authenticates and serves a call; the caller holds e.mu (for
// writing when ep.write). It returns the call, nil when authentication
// failed.
func (e *Emulator) serveLocked(w http.ResponseWriter, r *http.Request, ep endpoint, oauth bool, name string) *call {
	var acct *account
	if oauth {
		acct = e.authenticateToken(w, r, ep.scope)
	} else {
		acct = e.authenticateKey(w, r, ep.write)
	}
	if acct == nil {
		return nil
	}
	c := &call{name: name, acct: acct, now: e.now()}
	ep.serve(e, w, r, c)
	return c
}

// authenticateKey resolves the key query parameter. An unknown key is
// answered as the real API does: HTTP 200 with an error body (400 on the
// POST endpoints, which answer every error with 400).
func (e *Emulator) authenticateKey(w http.ResponseWriter, r *http.Request, write bool) *account {
	if acct, ok := e.accounts[r.URL.Query().Get("key")]; ok {
		return acct
	}
	status := http.StatusOK
	if write {
		status = http.StatusBadRequest
	}
	w.Header().Set("Cache-Control", cacheBadKey)
	writeError(w, status, "key not found", "key not found")
	return nil
}

// The Cache-Control values recorded on real answers: data answers, and
// answers to a bad key.
const (
	cacheData   = "no-cache, no-store, max-age=0, must-revalidate"
	cacheBadKey = "max-age=0, private, must-revalidate"
)

// realHeaders sets the headers recorded on every real answer (Server,
// X-Request-Id, X-Runtime, Cache-Control), and a Date by the emulator's
// clock, so that a client measuring the skew between its clock and the
// server's measures the emulator's. The request id's form (a UUID) and the
// runtime's value are assumed (T6 in docs/emulator.md).
func (e *Emulator) realHeaders(h http.Header) {
	n := e.requests.Add(1)
	r := rng(n)
	a, b := r.next(), r.next()
	h.Set("Server", "nginx")
	h.Set("Date", e.now().UTC().Format(http.TimeFormat))
	h.Set("X-Request-Id", fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff))
	h.Set("X-Runtime", fmt.Sprintf("%.6f", 0.005+float64(b%45000)/1e6))
	h.Set("Cache-Control", cacheData)
}
