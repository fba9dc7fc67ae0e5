package emulator

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"time"
)

const hooksPrefix = "/_emulator/"

// serveHook serves the test hooks. They need no credentials, so they only
// answer requests from loopback addresses.
func (e *Emulator) serveHook(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		writeError(w, http.StatusForbidden, "forbidden", "the /_emulator/ hooks answer loopback clients only")
		return
	}
	switch name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, hooksPrefix), "/"); {
	case name == "record" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, e.Record())
	case name == "faults" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, e.Faults())
	case name == "faults" && r.Method == http.MethodPost:
		var f Faults
		if err := decodeStrict(r, &f); err != nil {
			writeBadRequest(w, "faults: "+err.Error())
			return
		}
		if err := e.SetFaults(f); err != nil {
			writeBadRequest(w, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, e.Faults())
	case name == "clock" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, clockBody{Now: e.clock.Now().Format(time.RFC3339Nano)})
	case name == "clock" && r.Method == http.MethodPost:
		e.serveSetClock(w, r)
	case name == "reset" && r.Method == http.MethodPost:
		e.Reset()
		writeMessage(w, "posted state cleared")
	case name == "model" && (r.Method == http.MethodGet || r.Method == http.MethodPost):
		e.serveModel(w, r)
	default:
		writeError(w, http.StatusNotFound, "not found", "no such hook (record, faults, clock, model, reset) for this method")
	}
}

// serveModel shows (GET) or replaces (POST, a Model as JSON) the model of
// the account named by the account parameter, or of the only account.
func (e *Emulator) serveModel(w http.ResponseWriter, r *http.Request) {
	key, ok := e.hookAccount(r.URL.Query().Get("account"))
	if !ok {
		writeBadRequest(w, "account: name an account by its key (needed when there is not exactly one)")
		return
	}
	if r.Method == http.MethodPost {
		var m Model
		if err := decodeStrict(r, &m); err != nil {
			writeBadRequest(w, "model: "+err.Error())
			return
		}
		if err := e.SetModel(key, m); err != nil {
			writeBadRequest(w, err.Error())
			return
		}
	}
	a, _ := e.Account(key)
	writeJSON(w, http.StatusOK, a.Model)
}

// hookAccount resolves a hook's account parameter: the key given, or the
// only account when none is.
func (e *Emulator) hookAccount(key string) (string, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if key == "" && len(e.accounts) == 1 {
		for k := range e.accounts {
			return k, true
		}
	}
	_, ok := e.accounts[key]
	return key, ok
}

type clockBody struct {
	Now string `json:"now"`
}

func (e *Emulator) serveSetClock(w http.ResponseWriter, r *http.Request) {
	mc, ok := e.clock.(*ManualClock)
	if !ok {
		writeError(w, http.StatusConflict, "conflict", "the emulator runs on the real clock")
		return
	}
	var body clockBody
	if err := decodeStrict(r, &body); err != nil {
		writeBadRequest(w, "clock: "+err.Error())
		return
	}
	t, err := time.Parse(time.RFC3339, body.Now)
	if err != nil {
		writeBadRequest(w, "now: want an RFC 3339 time")
		return
	}
	mc.Set(t)
	writeJSON(w, http.StatusOK, clockBody{Now: t.Format(time.RFC3339Nano)})
}

func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
