// Package sandbox is the built-in emulated account behind --sandbox: an
// emulator (pkg/rtapi/emulator) served in process, its state kept in a file
// beside the configuration, reached through an http.Client whose transport
// hands every request to it without a socket.
//
// It is a package of its own so that the operation layer (pkg/workspace)
// carries no emulator: the program wires Open into workspace.Options, and a
// Go program that never offers the sandbox does not link it.
package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"time"

	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// The sandbox is a Premium account with a fixed seed, so every sandbox
// shows the same synthetic history.
const (
	// Key is the sandbox account's API key: not a secret, it opens
	// nothing but the emulator in this process.
	Key  = rtapi.APIKey("sandbox-key")
	seed = 1
)

// FeedDelay is how long after a POST the sandbox's reports and feeds show
// it: the documented Premium sync, as a real account's.
const FeedDelay = emulator.PremiumSyncInterval

// Open returns an http.Client whose transport serves every request with an
// in-process emulator persisted in statePath, the key that opens the
// sandbox account, and the account's zone. now is the emulator's clock:
// the operation's pinned instant when there is one, so the account's
// "present" agrees with the plan. The account takes zone when one is given
// (the configuration's); otherwise it keeps the zone it has, so a read
// command never moves a sandbox that apply set up, and a new one lives in
// UTC.
//
// The sandbox behaves as realistically as the emulator can: what is posted
// shows in the reports and feeds only after the documented 3-minute
// Premium sync, so a person trying rtctl meets the lag the real account
// has (and the journal that bridges it).
func Open(statePath string, now func() time.Time, zone string) (*http.Client, rtapi.APIKey, string, error) {
	if err := safefile.MkdirAll(filepath.Dir(statePath), 0o700); err != nil {
		return nil, "", "", fmt.Errorf("creating the sandbox directory: %w", err)
	}
	emu, err := emulator.New(emulator.Options{Clock: clockFunc(now), StatePath: statePath})
	if err != nil {
		return nil, "", "", fmt.Errorf("opening the sandbox: %w", err)
	}
	if zone == "" {
		zone = "UTC"
		if a, ok := emu.Account(string(Key)); ok {
			zone = a.TimeZone
		}
	}
	acct := emulator.Account{
		Key: string(Key), Plan: emulator.Premium, TimeZone: zone, Seed: seed,
		Model: emulator.Model{SyncDelay: emulator.RealisticSyncDelay, OfflineReport: emulator.OfflineAsPosted},
	}
	if err := emu.AddAccount(acct); err != nil {
		return nil, "", "", fmt.Errorf("opening the sandbox: %w", err)
	}
	return &http.Client{Transport: handlerTransport{emu}}, Key, zone, nil
}

// clockFunc adapts a clock function to the emulator's Clock.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }

// handlerTransport serves requests with an http.Handler, without a socket.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if req.Body != nil {
		defer req.Body.Close()
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
