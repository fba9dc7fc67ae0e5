package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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

// A write appends to the state file: what was there stays byte for byte,
// and the file grows by about one record, whatever the state holds.
func TestWriteAppendsToState(t *testing.T) {
	path := stateWithOffline(t, 1000)
	e, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	// The first write may rewrite the file once (a newer format); the
	// ones after it append.
	mustStatus(t, postOffline(t, e, `{"start_time":"2026-11-18 08:00:00","duration":15,"activity_name":"First"}`), http.StatusOK)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mustStatus(t, postOffline(t, e, `{"start_time":"2026-11-18 09:00:00","duration":15,"activity_name":"Second"}`), http.StatusOK)
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(after, before) {
		t.Fatal("the write rewrote the state file instead of appending to it")
	}
	if grown := len(after) - len(before); grown > 512 {
		t.Errorf("the file grew by %d bytes for one block", grown)
	}
	again, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e.Record(), again.Record(), cmpTimes); diff != "" {
		t.Errorf("record after reload (-before +after):\n%s", diff)
	}
}

// persistedEmulator returns an emulator keeping its state in a new file,
// with the premium account, and the file's path.
func persistedEmulator(t *testing.T) (*Emulator, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	e, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.AddAccount(Account{Key: premiumKey, TimeZone: "Europe/Berlin", Seed: 7}); err != nil {
		t.Fatal(err)
	}
	return e, path
}

// postBlocks posts n offline blocks, one an hour from start, named from.
func postBlocks(t *testing.T, e *Emulator, start time.Time, n int, name string) {
	t.Helper()
	for i := range n {
		at := start.Add(time.Duration(i) * time.Hour).In(berlin(t))
		body := fmt.Sprintf(`{"start_time":%q,"duration":15,"activity_name":"%s %d"}`, at.Format(naiveLayout), name, i)
		mustStatus(t, postOffline(t, e, body), http.StatusOK)
	}
}

func reload(t *testing.T, path string) *Emulator {
	t.Helper()
	e, err := New(Options{Clock: NewManualClock(testNow), StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func sameRecord(t *testing.T, want, got *Emulator) {
	t.Helper()
	if diff := cmp.Diff(want.Record(), got.Record(), cmpTimes); diff != "" {
		t.Errorf("record after reload (-before +after):\n%s", diff)
	}
}

var weekAgo = testNow.Add(-7 * 24 * time.Hour)

// A crash in the middle of an append leaves a last line without its
// newline: its answer was never sent, so it is left out, and the next write
// rewrites the file rather than append after the fragment.
func TestStateTornRecordIsIgnored(t *testing.T) {
	e, path := persistedEmulator(t)
	postBlocks(t, e, weekAgo, 3, "Kept")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"account":"prem-key","next_id":9,"offline_ti`); err != nil {
		t.Fatal(err)
	}
	f.Close()

	again := reload(t, path)
	sameRecord(t, e, again)
	postBlocks(t, again, weekAgo.Add(24*time.Hour), 1, "After")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "offline_ti`") || strings.Count(string(raw), "\n") != 1 {
		t.Errorf("the torn record was not cleared away:\n%s", raw)
	}
	sameRecord(t, again, reload(t, path))
}

// A complete line that is not a record is damage, not a crash: loading
// says where, rather than silently losing what follows.
func TestStateDamagedRecord(t *testing.T) {
	_, path := persistedEmulator(t)
	snapshot, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, line := range map[string]string{
		"garbage":       `not json`,
		"no account":    `{"account":"other","next_id":1,"highlight":{"id":1}}`,
		"two items":     `{"account":"prem-key","next_id":1,"highlight":{"id":1},"focus_end":{"id":2}}`,
		"no item":       `{"account":"prem-key","next_id":1}`,
		"unknown field": `{"account":"prem-key","next_id":1,"deleted":true}`,
	} {
		p := filepath.Join(t.TempDir(), "state.json")
		content := string(snapshot) + `{"account":"prem-key","next_id":1,"highlight":{"id":1,"description":"ok"}}` + "\n" + line + "\n"
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(Options{StatePath: p})
		if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// Version 1 (the snapshot alone, rewritten on every write) is read, and
// rewritten as version 2 on the first write.
func TestStateVersion1IsRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	v1 := `{"version":1,"next_id":4,"accounts":[{"key":"prem-key","plan":"premium","time_zone":"Europe/Berlin","seed":7,` +
		`"offline_time":[{"id":3,"start":"2026-11-13T09:00:00+01:00","end":"2026-11-13T09:15:00+01:00","activity_name":"Old","posted_at":"2026-11-13T12:00:00+01:00"}],` +
		`"highlights":[{"id":4,"date":"2026-11-13","description":"old","created_at":"2026-11-13T12:00:00+01:00"}],"focus_starts":null,"focus_ends":null}],` +
		`"oauth_clients":[],"tokens":{}}`
	if err := os.WriteFile(path, []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	e := reload(t, path)
	rec, _ := e.Record().Account(premiumKey)
	if len(rec.OfflineTime) != 1 || rec.OfflineTime[0].Activity != "Old" || len(rec.Highlights) != 1 {
		t.Fatalf("version 1 read as %+v", rec)
	}
	postBlocks(t, e, weekAgo, 1, "New")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), `{"version":2,`) {
		t.Errorf("not rewritten as version 2: %.40s", raw)
	}
	again := reload(t, path)
	sameRecord(t, e, again)
	if rec, _ := again.Record().Account(premiumKey); rec.OfflineTime[1].ID != 5 {
		t.Errorf("ids did not continue: %+v", rec.OfflineTime)
	}
}

// Once the records outweigh the snapshot the file is rewritten as a new
// snapshot, so it stays within twice the state's size.
func TestStateCompacts(t *testing.T) {
	e, path := persistedEmulator(t)
	e.store.minLogBytes = 0
	postBlocks(t, e, weekAgo, 40, "Block")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(raw), "\n")
	if lines >= 40 {
		t.Errorf("%d lines after 40 writes: never compacted", lines)
	}
	snapshot, _, _ := strings.Cut(string(raw), "\n")
	if len(raw) > 2*len(snapshot)+1024 {
		t.Errorf("file of %d bytes for a snapshot of %d", len(raw), len(snapshot))
	}
	sameRecord(t, e, reload(t, path))
}

// Writes arriving together share fsyncs, and none is lost or reordered
// within its kind.
func TestStateConcurrentWrites(t *testing.T) {
	e, path := persistedEmulator(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				at := weekAgo.Add(time.Duration(g*10+i) * time.Hour).In(berlin(t))
				body := fmt.Sprintf(`{"start_time":%q,"duration":15,"activity_name":"G%d"}`, at.Format(naiveLayout), g)
				if w := postOffline(t, e, body); w.Code != http.StatusOK {
					t.Errorf("post: %d %s", w.Code, w.Body.String())
				}
				w := do(t, e, http.MethodPost, fmt.Sprintf("/anapi/highlights_post?highlight_date=2026-11-1%d&description=g%d-%d&key=%s", g, g, i, premiumKey), "", "")
				if w.Code != http.StatusOK {
					t.Errorf("highlight: %d %s", w.Code, w.Body.String())
				}
			}
		})
	}
	wg.Wait()
	rec, _ := e.Record().Account(premiumKey)
	if len(rec.OfflineTime) != 80 || len(rec.Highlights) != 80 {
		t.Fatalf("%d blocks and %d highlights", len(rec.OfflineTime), len(rec.Highlights))
	}
	sameRecord(t, e, reload(t, path))
}

// A state file removed while the emulator runs is written again whole at
// the next write, as it was before writes were appended.
func TestStateRemovedWhileRunning(t *testing.T) {
	e, path := persistedEmulator(t)
	postBlocks(t, e, weekAgo, 2, "Before")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	postBlocks(t, e, weekAgo.Add(24*time.Hour), 1, "After")
	sameRecord(t, e, reload(t, path))
}

// A link put where the state file was is refused when appending too.
func TestStateAppendRefusesLink(t *testing.T) {
	e, path := persistedEmulator(t)
	postBlocks(t, e, weekAgo, 1, "Before")
	target := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	mustStatus(t, postOffline(t, e, `{"start_time":"2026-11-18 08:00:00","duration":15,"activity_name":"x"}`), http.StatusInternalServerError)
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("target changed: %q", b)
	}
}

// A state larger than the limit is refused when written, with a clear
// error, rather than saved as a file that will not load.
func TestStateLimit(t *testing.T) {
	e, path := persistedEmulator(t)
	postBlocks(t, e, weekAgo, 1, "Fits")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	e.store.maxBytes = info.Size() + 1000
	refused := false
	for i := 0; i < 20 && !refused; i++ {
		at := weekAgo.Add(time.Duration(i+1) * time.Hour).In(berlin(t))
		w := postOffline(t, e, fmt.Sprintf(`{"start_time":%q,"duration":15,"activity_name":"%s"}`, at.Format(naiveLayout), strings.Repeat("x", 200)))
		refused = w.Code == http.StatusInternalServerError
	}
	if !refused {
		t.Fatal("the state grew past its limit")
	}
	err = e.AddOAuthClient(OAuthClient{ID: "app", Secret: "s", RedirectURI: "http://127.0.0.1:1/cb"})
	if err == nil || !strings.Contains(err.Error(), "more than the limit of") || !strings.Contains(err.Error(), "reset the emulator") {
		t.Errorf("got %v", err)
	}
	if info, err := os.Stat(path); err != nil || info.Size() > e.store.maxBytes {
		t.Errorf("file of %d bytes, limit %d (%v)", info.Size(), e.store.maxBytes, err)
	}
}
