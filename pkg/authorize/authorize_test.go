package authorize

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testOptions(t *testing.T) Options {
	t.Helper()
	return Options{ClientID: "app", RedirectURI: "https://example.test/cb", Scopes: []string{"time_data"}, StateDir: t.TempDir()}
}

// TestStartThenResume: what Start keeps is found by Resume for the same
// application only, and a redirect that does not carry Start's state is
// refused before any code is redeemed.
func TestStartThenResume(t *testing.T) {
	o := testOptions(t)
	addr, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(addr)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("client_id"); got != "app" {
		t.Errorf("client_id %q in %s", got, addr)
	}
	p, err := Resume(o)
	if err != nil {
		t.Fatal(err)
	}
	if p.p.State != u.Query().Get("state") || p.p.Verifier == "" {
		t.Errorf("pending %+v, want the state of %s and a verifier", p.p, addr)
	}
	other := o
	other.ClientID = "another"
	if _, err := Resume(other); err == nil || !strings.Contains(err.Error(), "no authorization in progress") {
		t.Errorf("Resume(another application) = %v, want no authorization in progress", err)
	}
	_, err = p.Redeem(context.Background(), o, "https://example.test/cb?code=c&state=forged", filepath.Join(t.TempDir(), "token"))
	if err == nil || !strings.Contains(err.Error(), "the code was not redeemed") {
		t.Errorf("Redeem(forged state) = %v, want it refused before redeeming", err)
	}
	if _, err := Resume(o); err != nil {
		t.Errorf("after a refused redirect the authorization is still pending: %v", err)
	}
}

func TestResumeRefusesADamagedState(t *testing.T) {
	o := testOptions(t)
	path, err := pendingPath(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(o); err == nil || !strings.Contains(err.Error(), "is damaged") {
		t.Errorf("Resume(damaged) = %v, want it called damaged", err)
	}
	o.StateDir = ""
	if _, err := Start(o); err == nil || !strings.Contains(err.Error(), "RTCTL_STATE_DIR") {
		t.Errorf("Start without a state directory = %v, want RTCTL_STATE_DIR named", err)
	}
}

func TestCheckTokenFileRefusesADirectory(t *testing.T) {
	dir := t.TempDir()
	if err := CheckTokenFile(dir); err == nil {
		t.Error("CheckTokenFile(a directory) = nil")
	}
	if err := CheckTokenFile(filepath.Join(dir, "missing", "token")); err == nil {
		t.Error("CheckTokenFile(in a missing directory) = nil")
	}
	if err := CheckTokenFile(filepath.Join(dir, "token")); err != nil {
		t.Errorf("CheckTokenFile(a new file) = %v", err)
	}
}
