package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/apply"
	"github.com/rtctl/rtctl/pkg/plan"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
	"github.com/rtctl/rtctl/pkg/sandbox"
)

var testNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

const testConfig = `
rtctl {
  timezone = "Europe/Berlin"
}

highlight "release" {
  date        = "2026-11-20"
  description = "Shipped v1.2"
}
`

// world is a configuration directory and an emulated account on loopback.
func world(t *testing.T) (dir, endpoint string, emu *emulator.Emulator) {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(testNow)})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"key-a", "key-b"} {
		if err := emu.AddAccount(emulator.Account{Key: key, Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 1}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(testConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, srv.URL, emu
}

func open(t *testing.T, dir string, opts Options) *Workspace {
	t.Helper()
	ws, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// TestOneClockReadingPerOperation checks that an operation reads a moving
// clock once: the plan, today() and the journal agree on "now" even when
// the clock ticks between the steps.
func TestOneClockReadingPerOperation(t *testing.T) {
	dir, endpoint, _ := world(t)
	// The first reading is a second before midnight in Berlin and each
	// later one a second later: were the steps to read the clock apart,
	// today() would be the next day.
	first := time.Date(2026, 11, 20, 22, 59, 59, 0, time.UTC)
	readings := 0
	clock := func() time.Time {
		readings++
		return first.Add(time.Duration(readings-1) * time.Second)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(strings.Replace(testConfig, `"2026-11-20"`, `today()`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Clock: clock})
	r, err := ws.Plan(context.Background(), PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Plan.Now.Equal(first) {
		t.Errorf("planned for %s, want the first reading %s", r.Plan.Now, first)
	}
	if got := r.Plan.Actions[0].Highlight.Date; got != "2026-11-20" {
		t.Errorf("today() gave %s, want the date of the plan's one reading", got)
	}
}

// TestApplySavedRefusesAnotherAccount checks that a plan saved against one
// endpoint is refused on another: the person reviewed it for that account.
func TestApplySavedRefusesAnotherAccount(t *testing.T) {
	dir, endpoint, emu := world(t)
	ctx := context.Background()
	a := open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Now: testNow})
	r, err := a.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "saved.plan")
	if err := a.SavePlan(path, r); err != nil {
		t.Fatal(err)
	}
	saved, err := ReadSavedPlan(path)
	if err != nil {
		t.Fatal(err)
	}
	sb := open(t, dir, Options{Account: Account{Sandbox: true}, Sandbox: sandbox.Open, Now: testNow})
	_, err = sb.ApplySaved(ctx, saved, ApplyOptions{})
	var stale *apply.StaleError
	if !errors.As(err, &stale) || !strings.Contains(err.Error(), "this apply would go to the sandbox") {
		t.Fatalf("applying to the sandbox: %v, want a stale plan naming both accounts", err)
	}
	if acct, _ := emu.Record().Account("key-a"); len(acct.Highlights) != 0 {
		t.Fatalf("a refused plan posted %d highlights", len(acct.Highlights))
	}
	res, err := a.ApplySaved(ctx, saved, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent == nil || res.Sent.Count(apply.Created) != 1 {
		t.Errorf("applying to its own account: %+v, want the highlight created", res.Sent)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "x.rt.hcl")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		dir  string
		opts Options
		want string
	}{
		{"missing directory", filepath.Join(dir, "nope"), Options{}, "no configuration directory"},
		{"a file", file, Options{}, "is not a directory"},
		{"journal with sandbox", dir, Options{Account: Account{Sandbox: true}, Sandbox: sandbox.Open, JournalPath: "j.jsonl"}, "keeps its own journal"},
		{"sandbox not wired in", dir, Options{Account: Account{Sandbox: true}}, "offers no sandbox"},
		{"sandbox with credentials", dir, Options{Account: Account{Sandbox: true, Credentials: rtapi.APIKey("k")}}, "cannot be combined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(tc.dir, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestOpenSaysNotADirectoryByKind: a path that is a file, or that goes
// through one, is told apart by its error's kind (ErrNotDirectory), where
// the message was chosen by comparing the cause's text with "not a
// directory".
func TestOpenSaysNotADirectoryByKind(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "x.plan")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path   string
		notDir bool
	}{
		{file, true},
		{filepath.Join(dir, "nope"), false},
	} {
		_, err := Open(tc.path, Options{})
		var nd *NoConfigDirError
		if !errors.As(err, &nd) || errors.Is(err, ErrNotDirectory) != tc.notDir {
			t.Errorf("Open(%s) = %v, want a *NoConfigDirError, ErrNotDirectory %v", tc.path, err, tc.notDir)
		}
		if got := strings.Contains(fmt.Sprint(err), "is not a directory (nor a saved plan)"); got != tc.notDir {
			t.Errorf("Open(%s) = %v: says it is not a directory: %v, want %v", tc.path, err, got, tc.notDir)
		}
	}
	// A cause that merely reads like one is not one.
	if msg := (&NoConfigDirError{Dir: "d", Err: errors.New("not a directory")}).Error(); strings.Contains(msg, "nor a saved plan") {
		t.Errorf("a cause's text decided the message: %s", msg)
	}
}

func TestNoCredentialsOnlyWhenTheAccountIsNeeded(t *testing.T) {
	dir, _, _ := world(t)
	ws := open(t, dir, Options{Now: testNow})
	if _, diags := ws.LoadConfig(context.Background(), testNow); diags.HasErrors() {
		t.Fatalf("loading needs no account: %v", diags)
	}
	_, err := ws.Plan(context.Background(), PlanOptions{})
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("plan without credentials: %v, want ErrNoCredentials", err)
	}
}

func TestCredentials(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	if err := os.WriteFile(keyFile, []byte("file-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"RESCUETIME_API_KEY": "env-key", "RESCUETIME_ACCESS_TOKEN": "env-token"}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		name string
		src  CredentialSources
		want rtapi.Credentials
	}{
		{"file before environment", CredentialSources{APIKeyFile: keyFile, Getenv: getenv}, rtapi.APIKey("file-key")},
		{"key before token", CredentialSources{Getenv: getenv}, rtapi.APIKey("env-key")},
		{"token", CredentialSources{Getenv: func(k string) string { return map[string]string{"RESCUETIME_ACCESS_TOKEN": "t"}[k] }}, rtapi.AccessToken("t")},
		{"none", CredentialSources{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Credentials(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %T, want %T", got, tc.want)
			}
		})
	}
}

// TestPlanThatWouldPostTheKeyIsRefused checks both lines of defence: the
// configuration's own check refuses a posted text holding the key, however
// it got there (here a variable), and a request that still held it would be
// refused by the workspace.
func TestPlanThatWouldPostTheKeyIsRefused(t *testing.T) {
	const key = "k3y-that-is-not-shaped-like-one"
	dir, endpoint, emu := world(t)
	if err := emu.AddAccount(emulator.Account{Key: key, Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 1}); err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(testConfig, `"Shipped v1.2"`, `"Shipped with ${var.note}"`, 1) + "\nvariable \"note\" {\n  type = string\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := open(t, dir, Options{
		Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey(key)},
		Vars:    map[string]string{"note": key},
		Now:     testNow,
	})
	_, err := ws.Plan(context.Background(), PlanOptions{})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "Credential in value") {
		t.Fatalf("plan: %v, want the configuration refused", err)
	}
	if strings.Contains(err.Error(), key) {
		t.Errorf("the error shows the key: %v", err)
	}
	p := &plan.Plan{Actions: []plan.Action{{Address: "highlight.ship", Request: &rtapi.Request{Query: map[string][]string{"description": {"Shipped with " + key}}}}}}
	var se *SecretError
	if err := ws.refuseSecrets(p); !errors.As(err, &se) || len(se.Addresses) != 1 || strings.Contains(err.Error(), key) {
		t.Errorf("a request holding the key: %v, want a SecretError naming the item, not the key", err)
	}
}

const secretCalendarConfig = `
rtctl {
  timezone = "Europe/Berlin"
}

variable "cal_url" {
  type = string
}

variable "label" {
  type    = string
  default = "Meetings"
}

data "ical" "work" {
  url = var.cal_url
}

offline_time "meetings" {
  for_each = { for e in data.ical.work.events : e.key => e }
  start    = each.value.start
  end      = each.value.end
  activity = var.label
}
`

const standupCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rtctl//test//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:standup@example.com\r\nDTSTAMP:20261101T080000Z\r\n" +
	"DTSTART;TZID=Europe/Berlin:20261119T090000\r\nDTEND;TZID=Europe/Berlin:20261119T091500\r\n" +
	"SUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// A saved plan keeps the variables it was made with, except one that
// holds a secret (a calendar's address): that one is given to apply
// again, and a different value makes the plan stale, named.
func TestSavedPlanKeepsInputsButNoSecret(t *testing.T) {
	dir, endpoint, emu := world(t)
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(secretCalendarConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		io.WriteString(w, standupCalendar)
	}))
	t.Cleanup(cal.Close)
	secretURL := cal.URL + "/private-0123456789abcdef/basic.ics"
	ctx := context.Background()
	base := Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Now: testNow}

	planOpts := base
	planOpts.Vars = map[string]string{"cal_url": secretURL, "label": "Calls"}
	ws := open(t, dir, planOpts)
	r, err := ws.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "saved.plan")
	if err := ws.SavePlan(path, r); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("private-0123456789abcdef")) || bytes.Contains(raw, []byte(`"var cal_url"`)) {
		t.Fatal("the plan file holds the calendar's secret address, or a digest of it")
	}
	if !bytes.Contains(raw, []byte(`"var label"`)) {
		t.Fatal("the plan file lacks the digest of an ordinary variable")
	}
	saved, err := ReadSavedPlan(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := saved.SecretVars(); len(got) != 1 || got[0] != "cal_url" {
		t.Fatalf("SecretVars = %q, want [cal_url]", got)
	}

	// Another address: stale, and the message names the variable.
	other := base
	other.Vars = map[string]string{"cal_url": cal.URL + "/private-fedcba9876543210/basic.ics"}
	_, err = open(t, dir, saved.Options(other)).ApplySaved(ctx, saved, ApplyOptions{})
	var stale *apply.StaleError
	if !errors.As(err, &stale) || !strings.Contains(err.Error(), "the variable cal_url has another value") {
		t.Fatalf("apply with another address: %v, want a stale plan naming cal_url", err)
	}
	if strings.Contains(err.Error(), "private-") {
		t.Fatalf("the stale message shows the address: %v", err)
	}

	// The same address, and label taken from the plan file, not given again.
	same := base
	same.Vars = map[string]string{"cal_url": secretURL}
	res, err := open(t, dir, saved.Options(same)).ApplySaved(ctx, saved, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent == nil || res.Sent.Count(apply.Created) != 1 {
		t.Fatalf("apply with the same address: %+v, want one item created", res.Sent)
	}
	acct, _ := emu.Record().Account("key-a")
	if len(acct.OfflineTime) != 1 || acct.OfflineTime[0].Activity != "Calls" {
		t.Fatalf("posted %+v, want one offline time of activity Calls (the saved --var)", acct.OfflineTime)
	}
}

// TestConfirmCountsAnItemOnce: two addresses that name the same uncertain
// item (a pattern and the item's own address) confirm it once, as forget
// forgets it once: one outcome in the journal, one record returned.
func TestConfirmCountsAnItemOnce(t *testing.T) {
	dir, endpoint, emu := world(t)
	if err := emu.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Path: "highlights_post", LoseResponses: 1}}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ws := open(t, dir, Options{Account: Account{Endpoint: endpoint, Credentials: rtapi.APIKey("key-a")}, Now: testNow})
	if _, err := ws.Apply(ctx, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := ws.Confirm(ctx, []string{"highlight.*", "highlight.release"})
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, r := range got {
		addrs = append(addrs, r.Address)
	}
	if len(addrs) != 1 || addrs[0] != "highlight.release" {
		t.Fatalf("Confirm returned %q, want highlight.release once", addrs)
	}
	raw, err := os.ReadFile(filepath.Join(dir, ".rtctl", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(raw, []byte("rtctl journal confirm")); n != 1 {
		t.Fatalf("the journal holds %d confirmations, want 1:\n%s", n, raw)
	}
	// The item is declared: forget refuses to take its live version out
	// of rtctl's care, which would post it again.
	if _, err := ws.Forget(ctx, ForgetOptions{Addresses: []string{"highlight.*", "highlight.release"}}); err == nil || !strings.Contains(err.Error(), "names only items the configuration declares") {
		t.Fatalf("forget of a declared item: %v, want it refused", err)
	}
}
