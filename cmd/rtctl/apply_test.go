package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// terminalEnv is an env whose standard streams look like a terminal, with
// the emulator as the account.
func terminalEnv(t *testing.T, stdin string) (*env, *bytes.Buffer, *emulator.Emulator, string) {
	t.Helper()
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	emu, err := emulator.New(emulator.Options{Clock: emulator.NewManualClock(now)})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.AddAccount(emulator.Account{Key: "tty-key", Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 1}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cfg := "rtctl {\n  timezone = \"Europe/Berlin\"\n}\n\nhighlight \"release\" {\n  date        = \"2026-11-20\"\n  description = \"Shipped v1.2\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// A state directory of its own: the person's would carry one test's
	// locks and record of started journals into the next.
	vars := map[string]string{"RTCTL_ENDPOINT": srv.URL, "RESCUETIME_API_KEY": "tty-key", "RTCTL_STATE_DIR": t.TempDir()}
	var out bytes.Buffer
	e := &env{
		stdin:       strings.NewReader(stdin),
		stdout:      &out,
		stderr:      &out,
		getenv:      func(k string) string { return vars[k] },
		now:         func() time.Time { return now },
		httpClient:  &http.Client{},
		isTerminal:  func(any) bool { return true },
		fingerprint: rememberedFingerprint,
	}
	return e, &out, emu, dir
}

func postedHighlights(t *testing.T, emu *emulator.Emulator) int {
	t.Helper()
	acct, _ := emu.Record().Account("tty-key")
	return len(acct.Highlights)
}

func TestApplyAsksOnATerminal(t *testing.T) {
	e, out, emu, dir := terminalEnv(t, "yes\n")
	if code := run([]string{"apply", dir}, e); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"Do you want to apply? Only 'yes' will be accepted: ",
		"\r\x1b[K[0/1] ", // progress while the POST is in flight
		"[1/1] done",
		"Apply complete: 1 created, 0 failed.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := postedHighlights(t, emu); n != 1 {
		t.Errorf("posted %d highlights, want 1", n)
	}
	if strings.Contains(out.String(), "tty-key") {
		t.Error("the API key appears in the output")
	}
}

func TestApplyTakesOnlyYes(t *testing.T) {
	for _, answer := range []string{"no\n", "y\n", "YES please\n", ""} {
		e, out, emu, dir := terminalEnv(t, answer)
		if code := run([]string{"apply", dir}, e); code != 1 {
			t.Errorf("answer %q: exit %d, want 1", answer, code)
		}
		if !strings.Contains(out.String(), "Apply cancelled.") {
			t.Errorf("answer %q: output lacks the cancellation:\n%s", answer, out)
		}
		if n := postedHighlights(t, emu); n != 0 {
			t.Errorf("answer %q: posted %d highlights", answer, n)
		}
	}
}
