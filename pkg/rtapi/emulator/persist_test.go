package emulator

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := NewManualClock(testNow)
	e, err := New(Options{Clock: clock, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.AddAccount(Account{Key: premiumKey, TimeZone: "Europe/Berlin", Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if err := e.AddOAuthClient(OAuthClient{ID: "app", Secret: "s", RedirectURI: "http://127.0.0.1:1/cb"}); err != nil {
		t.Fatal(err)
	}
	tok, _ := e.IssueToken(premiumKey, "highlight_data")
	mustStatus(t, postOffline(t, e, offlineBody), http.StatusOK)
	mustStatus(t, do(t, e, "POST", "/anapi/highlights_post?highlight_date=2026-11-20&description=x&key="+premiumKey, "", ""), http.StatusOK)
	mustStatus(t, do(t, e, "POST", "/anapi/start_focustime?duration=30&key="+premiumKey, "", ""), http.StatusOK)
	mustStatus(t, do(t, e, "POST", "/anapi/end_focustime?key="+premiumKey, "", ""), http.StatusOK)

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), tok) {
		t.Error("the state file holds a usable access token")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	again, err := New(Options{Clock: clock, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e.Record(), again.Record(), cmpTimes); diff != "" {
		t.Errorf("record after reload (-before +after):\n%s", diff)
	}
	// The token still works, the ids continue, the session is still ended.
	mustStatus(t, get(t, again, "/api/oauth/highlights_feed", url.Values{"access_token": {tok}}), http.StatusOK)
	mustStatus(t, do(t, again, "POST", "/anapi/highlights_post?highlight_date=2026-11-20&description=y&key="+premiumKey, "", ""), http.StatusOK)
	rec, _ := again.Record().Account(premiumKey)
	if got := rec.Highlights[1].ID; got != 3 {
		t.Errorf("next id after reload %d, want 3", got)
	}
	mustStatus(t, do(t, again, "POST", "/anapi/end_focustime?key="+premiumKey, "", ""), http.StatusBadRequest)
	// The OAuth client survived too.
	w := get(t, again, "/oauth/authorize", url.Values{"client_id": {"app"}, "redirect_uri": {"http://127.0.0.1:1/cb"}, "response_type": {"code"}, "scope": {"time_data"}})
	mustStatus(t, w, http.StatusFound)
}

func TestStateErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage":     "not json",
		"new version": `{"version":99}`,
		"bad zone":    `{"version":1,"accounts":[{"key":"k","time_zone":"Mars/Olympus"}]}`,
	} {
		path := filepath.Join(dir, name+".json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := New(Options{StatePath: path}); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	// A missing file is an empty state.
	e, err := New(Options{StatePath: filepath.Join(dir, "new.json")})
	if err != nil || len(e.Record().Accounts) != 0 {
		t.Errorf("missing file: %v", err)
	}
}

func TestAccounts(t *testing.T) {
	e, _ := newTestEmulator(t)
	for name, a := range map[string]Account{
		"no key":   {Plan: Premium},
		"bad plan": {Key: "k", Plan: "gold"},
		"bad zone": {Key: "k", TimeZone: "Nowhere/Else"},
	} {
		if err := e.AddAccount(a); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Adding an existing key updates it and keeps what was posted.
	mustStatus(t, postOffline(t, e, offlineBody), http.StatusOK)
	if err := e.AddAccount(Account{Key: premiumKey, Plan: Lite, TimeZone: "Europe/Berlin", Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if n, _ := mustAccount(t, e).Count(KindOfflineTime); n != 1 {
		t.Errorf("%d blocks after re-adding the account", n)
	}
	mustStatus(t, postOffline(t, e, offlineBody), http.StatusBadRequest) // now lite
	if err := e.AddOAuthClient(OAuthClient{ID: "a", Secret: "s", RedirectURI: "/relative"}); err == nil {
		t.Error("relative redirect URI accepted")
	}
}

func TestRoutes(t *testing.T) {
	e, _ := newTestEmulator(t)
	mustStatus(t, do(t, e, "GET", "/anapi/nothing?key="+premiumKey, "", ""), http.StatusNotFound)
	mustStatus(t, do(t, e, "GET", "/", "", ""), http.StatusNotFound)
	w := do(t, e, "POST", "/anapi/data?format=json&key="+premiumKey, "", "")
	mustStatus(t, w, http.StatusMethodNotAllowed)
	if w.Header().Get("Allow") != "GET" {
		t.Errorf("Allow %q", w.Header().Get("Allow"))
	}
	mustStatus(t, do(t, e, "GET", "/anapi/start_focustime?duration=30&key="+premiumKey, "", ""), http.StatusMethodNotAllowed)
	mustStatus(t, do(t, e, "HEAD", "/anapi/data?format=json&key="+premiumKey, "", ""), http.StatusOK)
}

// The sandbox keeps its state in .rtctl/sandbox.json, inside a directory
// people commit: a link there must not make the emulator write elsewhere.
func TestStateFileLinkIsRefused(t *testing.T) {
	target := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), ".rtctl")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(state, "sandbox.json")
	if err := os.Symlink(target, path); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	_, err := New(Options{StatePath: path})
	if err == nil || !strings.Contains(err.Error(), "refusing to write through the symbolic link "+path) {
		t.Fatalf("got %v", err)
	}

	// A link that appears after loading is refused on saving.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if err := e.AddAccount(Account{Key: premiumKey, TimeZone: "Europe/Berlin"}); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("saving through a link: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("target changed: %q", b)
	}
}

func TestStateDirLinkIsRefused(t *testing.T) {
	elsewhere := t.TempDir()
	state := filepath.Join(t.TempDir(), ".rtctl")
	if err := os.Symlink(elsewhere, state); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	_, err := New(Options{StatePath: filepath.Join(state, "sandbox.json")})
	if err == nil || !strings.Contains(err.Error(), "refusing to write through the symbolic link "+state) {
		t.Fatalf("got %v", err)
	}
}

func TestStateFileMustBeRegular(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	if _, err := New(Options{StatePath: "/dev/zero"}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("got %v", err)
	}
}
