package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rtctl/rtctl/pkg/journal"
	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
	"github.com/rtctl/rtctl/pkg/workspace"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rtctl": func() {
			e := systemEnv()
			e.fingerprint = rememberedFingerprint
			os.Exit(run(os.Args[1:], e))
		},
	})
}

// TestScripts runs the end-to-end scenarios in testdata/scripts. Set
// RTCTL_UPDATE_SCRIPTS=1 to rewrite expected output in place.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams())
}

func scriptParams() testscript.Params {
	return testscript.Params{
		Dir:                 "../../testdata/scripts",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("RTCTL_UPDATE_SCRIPTS") != "",
		Setup:               setupScript,
		Cmds:                scriptCmds(),
	}
}

// The world every script starts in: an emulated premium account on a
// clock pinned at scriptNow (a Friday, 19:00 in Berlin).
const (
	scriptNow      = "2026-11-20T18:00:00Z"
	scriptKey      = "test-key"
	scriptTimeZone = "Europe/Berlin"

	// An OAuth2 application registered with the emulator.
	scriptOAuthClient = "test-client"
	scriptOAuthSecret = "test-client-secret"
	scriptRedirectURI = "https://app.example/callback"
)

// scriptEmulator is the key of the script's emulator in Env.Values.
type scriptEmulator struct{}

// scriptWorld is what the custom commands reach through Env.Values.
type scriptWorld struct {
	emu   *emulator.Emulator
	clock *emulator.ManualClock
}

// setupScript starts an emulator per script, in-process on loopback, and
// points rtctl at it: RTCTL_ENDPOINT (the default --endpoint),
// RESCUETIME_API_KEY and RTCTL_NOW. Scripts never see the developer's real
// credentials.
func setupScript(e *testscript.Env) error {
	now, err := time.Parse(time.RFC3339, scriptNow)
	if err != nil {
		return err
	}
	clock := emulator.NewManualClock(now)
	emu, err := emulator.New(emulator.Options{Clock: clock})
	if err != nil {
		return err
	}
	if err := emu.AddAccount(emulator.Account{Key: scriptKey, Plan: emulator.Premium, TimeZone: scriptTimeZone, Seed: 1}); err != nil {
		return err
	}
	if err := emu.AddOAuthClient(emulator.OAuthClient{ID: scriptOAuthClient, Secret: scriptOAuthSecret, RedirectURI: scriptRedirectURI}); err != nil {
		return err
	}
	srv := httptest.NewServer(emu)
	e.Defer(srv.Close)
	e.Values[scriptEmulator{}] = &scriptWorld{emu: emu, clock: clock}

	e.Setenv("RTCTL_ENDPOINT", srv.URL)
	e.Setenv("RESCUETIME_API_KEY", scriptKey)
	e.Setenv("RESCUETIME_ACCESS_TOKEN", "")
	e.Setenv("RTCTL_NOW", scriptNow)
	e.Setenv("RTCTL_STATE_DIR", filepath.Join(e.WorkDir, ".rtctl-state"))
	e.Setenv("NO_COLOR", "")
	e.Setenv("GORACE", quickRaceExit())
	return nil
}

// quickRaceExit is the GORACE setting of every rtctl process a test starts.
// Built with -race, the test binary that plays rtctl sleeps a second before
// it exits (the race runtime's atexit_sleep_ms, which lets late reports
// out); spent on each of the hundreds of processes, that second was most of
// the -race suite's time. A race is still reported where it happens.
func quickRaceExit() string {
	return strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
}

func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"emulator-clock":     cmdEmulatorClock,
		"emulator-faults":    cmdEmulatorFaults,
		"emulator-posted":    cmdEmulatorPosted,
		"emulator-record":    cmdEmulatorRecord,
		"emulator-account":   cmdEmulatorAccount,
		"emulator-model":     cmdEmulatorModel,
		"exitcode":           cmdExitcode,
		"git-remote":         cmdGitRemote,
		"journal-lock":       cmdJournalLock,
		"account-lock":       cmdAccountLock,
		"journal-tear":       cmdJournalTear,
		"journal-flip":       cmdJournalFlip,
		"oauth-grant":        cmdOAuthGrant,
		"oauth-code-unspent": cmdOAuthCodeUnspent,
		"secret-absent":      cmdSecretAbsent,
	}
	for name, cmd := range hostileCmds() {
		cmds[name] = cmd
	}
	return cmds
}

func world(ts *testscript.TestScript) *scriptWorld {
	return ts.Value(scriptEmulator{}).(*scriptWorld)
}

// expectFailure reports err as a script failure, inverted by neg: with `!`
// the command must be refused.
func expectFailure(ts *testscript.TestScript, neg bool, err error) {
	switch {
	case err != nil && !neg:
		ts.Fatalf("%v", err)
	case err == nil && neg:
		ts.Fatalf("unexpected success")
	case err != nil:
		ts.Logf("refused as expected: %v", err)
	}
}

// cmdEmulatorClock sets the emulator's clock: emulator-clock RFC3339.
// RTCTL_NOW is not changed; set it with env when rtctl should follow.
func cmdEmulatorClock(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: emulator-clock RFC3339")
	}
	t, err := time.Parse(time.RFC3339, args[0])
	if err == nil {
		world(ts).clock.Set(t)
	}
	expectFailure(ts, neg, err)
}

// cmdEmulatorFaults injects faults: emulator-faults JSON, where JSON is an
// emulator.Faults, e.g. '{"rules":[{"path":"offline_time_post","status":503,"count":1}]}'.
// With `!` the faults must be refused as invalid.
func cmdEmulatorFaults(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: emulator-faults JSON")
	}
	var f emulator.Faults
	dec := json.NewDecoder(strings.NewReader(args[0]))
	dec.DisallowUnknownFields()
	err := dec.Decode(&f)
	if err == nil {
		err = world(ts).emu.SetFaults(f)
	}
	expectFailure(ts, neg, err)
}

// cmdEmulatorPosted asserts how many items of a kind were posted:
// emulator-posted offline_time|highlight|focus_start|focus_end N [KEY].
// KEY defaults to the script's account; `!` asserts the count is not N.
func cmdEmulatorPosted(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 && len(args) != 3 {
		ts.Fatalf("usage: emulator-posted offline_time|highlight|focus_start|focus_end N [KEY]")
	}
	want, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("usage: emulator-posted KIND N [KEY]: N must be an integer")
	}
	key := scriptKey
	if len(args) == 3 {
		key = args[2]
	}
	acct, ok := world(ts).emu.Record().Account(key)
	if !ok {
		ts.Fatalf("emulator-posted: no account %q", key)
	}
	got, err := acct.Count(args[0])
	ts.Check(err)
	switch {
	case !neg && got != want:
		ts.Fatalf("emulator-posted: %d %s items posted, want %d", got, args[0], want)
	case neg && got == want:
		ts.Fatalf("emulator-posted: %d %s items posted, want any other number", got, args[0])
	}
}

// cmdEmulatorRecord writes everything posted, as indented JSON, to a file
// for cmp: emulator-record FILE.
func cmdEmulatorRecord(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: emulator-record FILE")
	}
	data, err := json.MarshalIndent(world(ts).emu.Record(), "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), append(data, '\n'), 0o644))
}

// cmdEmulatorAccount adds another account (premium by default):
// emulator-account KEY lite|premium [TZ]. With `!` it must be refused.
func cmdEmulatorAccount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 && len(args) != 3 {
		ts.Fatalf("usage: emulator-account KEY lite|premium [TZ]")
	}
	a := emulator.Account{Key: args[0], Plan: emulator.Plan(args[1]), TimeZone: scriptTimeZone, Seed: 2}
	if len(args) == 3 {
		a.TimeZone = args[2]
	}
	expectFailure(ts, neg, world(ts).emu.AddAccount(a))
}

// cmdEmulatorModel changes how an account models what the real API leaves
// unknown (emulator.Model), for the rest of the script:
// emulator-model [-account KEY] SETTING=VALUE..., where SETTING is a flag
// of `rtctl emulator`: sync-delay=realistic|DURATION,
// offline-report=as-posted|other-name|hidden, highlights-cap=N. Settings
// not named keep their values; KEY defaults to the script's account. With
// `!` the settings must be refused.
func cmdEmulatorModel(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: emulator-model [-account KEY] sync-delay=realistic|DURATION offline-report=as-posted|other-name|hidden highlights-cap=N"
	key := scriptKey
	if len(args) >= 2 && args[0] == "-account" {
		key, args = args[1], args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("%s", usage)
	}
	emu := world(ts).emu
	acct, _ := emu.Account(key) // SetModel refuses an unknown key
	m := acct.Model
	var err error
	for _, arg := range args {
		name, value, ok := strings.Cut(arg, "=")
		if !ok {
			ts.Fatalf("%s: %q is not SETTING=VALUE", usage, arg)
		}
		if err = m.Set(name, value); err != nil {
			break
		}
	}
	if err == nil {
		err = emu.SetModel(key, m)
	}
	expectFailure(ts, neg, err)
}

// cmdExitcode runs a program and asserts its exact exit code (`!` only
// says "non-zero"): exitcode N PROGRAM [ARGS...]. Its output is kept for
// stdout and stderr as with exec.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]: N must be an integer")
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exitcode: %s exited %d, want %d", args[1], got, want)
	}
}

// cmdAccountLock holds, until the script ends, the lock that keeps two
// applies to the script's account apart in a configuration directory, as an
// apply with another --journal would: account-lock DIR.
func cmdAccountLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: account-lock DIR")
	}
	ws, err := workspace.Open(ts.MkAbs(args[0]), workspace.Options{Account: workspace.Account{
		Endpoint: ts.Getenv("RTCTL_ENDPOINT"), Credentials: rtapi.APIKey(ts.Getenv("RESCUETIME_API_KEY")),
	}})
	ts.Check(err)
	files, err := ws.LockPaths()
	ts.Check(err)
	// The account's lock in the configuration, not the journal's own.
	l, err := journal.Acquire(context.Background(), files.Config, journal.AcquireOptions{Command: "rtctl apply --journal elsewhere (held by the test)"})
	ts.Check(err)
	ts.Defer(func() { l.Release() })
}

// cmdJournalTear appends the start of a journal line without its end, as a
// crash in the middle of a write leaves it: journal-tear FILE.
func cmdJournalTear(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: journal-tear FILE")
	}
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_WRONLY, 0)
	ts.Check(err)
	_, err = f.WriteString(`{"time":"2026-11-20T18:00:00Z","type":"intent","key":"highlight:torn`)
	ts.Check(errors.Join(err, f.Close()))
}

// cmdJournalFlip changes one character of a journal line in place (the
// first of its key), leaving valid JSON that its checksum no longer
// matches: journal-flip FILE LINE.
func cmdJournalFlip(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: journal-flip FILE LINE")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		ts.Fatalf("journal-flip: %s has no line %d", args[0], n)
	}
	i := strings.Index(lines[n-1], `"key":"`)
	if i < 0 {
		ts.Fatalf("journal-flip: line %d has no key", n)
	}
	b := []byte(lines[n-1])
	b[i+7] ^= 1
	lines[n-1] = string(b)
	ts.Check(os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600))
}

// cmdJournalLock takes the lock of a journal and holds it until the script
// ends, as a concurrent apply would: journal-lock JOURNAL.
func cmdJournalLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: journal-lock JOURNAL")
	}
	l, err := journal.Acquire(context.Background(), ts.MkAbs(args[0]), journal.AcquireOptions{Command: "rtctl apply (held by the test)"})
	ts.Check(err)
	ts.Defer(func() { l.Release() })
}

// cmdOAuthGrant opens the authorization page that `rtctl auth url`
// printed, as a person would in a browser, grants what it asks on the
// script's account, and writes the address RescueTime redirects to (code
// and state, or an error) to a file, and the code alone to CODEFILE for
// secret-absent: oauth-grant URLFILE REDIRECTFILE [CODEFILE].
func cmdOAuthGrant(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 && len(args) != 3 {
		ts.Fatalf("usage: oauth-grant URLFILE REDIRECTFILE [CODEFILE]")
	}
	page, err := url.Parse(strings.TrimSpace(ts.ReadFile(args[0])))
	ts.Check(err)
	q := page.Query()
	q.Set("account", scriptKey)
	req := httptest.NewRequest(http.MethodGet, page.Path+"?"+q.Encode(), nil)
	rec := httptest.NewRecorder()
	world(ts).emu.ServeHTTP(rec, req)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusFound || loc == "" {
		ts.Fatalf("oauth-grant: the authorization page answered %d without a redirect: %s", rec.Code, rec.Body.String())
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(loc+"\n"), 0o600))
	if len(args) == 3 {
		u, err := url.Parse(loc)
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(u.Query().Get("code")+"\n"), 0o600))
	}
}

// cmdOAuthCodeUnspent asserts that the code in the redirect address in
// FILE was not yet redeemed (with `!`: that it was):
// oauth-code-unspent REDIRECTFILE.
func cmdOAuthCodeUnspent(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: oauth-code-unspent REDIRECTFILE")
	}
	loc, err := url.Parse(strings.TrimSpace(ts.ReadFile(args[0])))
	ts.Check(err)
	code := loc.Query().Get("code")
	if code == "" {
		ts.Fatalf("oauth-code-unspent: no code in %s", args[0])
	}
	switch unspent := world(ts).emu.CodeUnspent(code); {
	case !unspent && !neg:
		ts.Fatalf("oauth-code-unspent: the code in %s was redeemed", args[0])
	case unspent && neg:
		ts.Fatalf("oauth-code-unspent: the code in %s was not redeemed", args[0])
	}
}

// cmdSecretAbsent asserts that the secret held in FILE appears neither in
// the last command's stdout nor its stderr: secret-absent FILE.
func cmdSecretAbsent(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: secret-absent FILE")
	}
	secret := strings.TrimSpace(ts.ReadFile(args[0]))
	if secret == "" {
		ts.Fatalf("secret-absent: %s is empty", args[0])
	}
	for _, stream := range []string{"stdout", "stderr"} {
		if strings.Contains(ts.ReadFile(stream), secret) {
			ts.Fatalf("secret-absent: the secret from %s appears in %s", args[0], stream)
		}
	}
}
