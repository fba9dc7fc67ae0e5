package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtctl/rtctl/internal/views"
	// Below the operation layer, and for good: rtctl emulator is the
	// emulator, served (the lasting exception of imports_test.go).
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
)

// emulatorFlags are the flags of `rtctl emulator`.
type emulatorFlags struct {
	addr        string
	key         string
	plan        string
	state       string
	timezone    string
	now         string
	seed        int64
	oauthClient string
	allowRemote bool
	// The account's model of what the real API leaves unknown, as
	// emulator.Model.Set reads it.
	syncDelay     string
	offlineReport string
	highlightsCap string
}

func newEmulatorCmd(e *env) *cobra.Command {
	var f emulatorFlags
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Serve an emulator of the RescueTime API",
		Long: `Serve an emulator of the RescueTime API on a local address.

It answers every documented endpoint under /anapi (API key) and /api/oauth
(OAuth2 access token), the OAuth2 authorize and token endpoints, and test
hooks under /_emulator/. The account's activity history is synthetic and
deterministic (--seed); what is posted to it shows up in its answers.

Where the real API's behaviour is unknown, the emulator models it, for
tests: --sync-delay (how long posts take to show in the reports and feeds;
"realistic" is the documented 3 minutes for Premium, 30 for Lite),
--offline-report (how posted offline time is reported) and --highlights-cap
(the highlights feed lists only the newest N). The defaults show posts at
once, as posted, uncapped. docs/emulator.md lists every assumption.

The first line of standard output is "listening on http://HOST:PORT".
It serves until interrupted. With --state, what was posted survives restarts.`,
		Example: `  rtctl emulator --key demo
  rtctl emulator --addr 127.0.0.1:8765 --key demo --plan lite --timezone Europe/Berlin
  rtctl emulator --key demo --state emulator.json --now 2026-11-20T18:00:00Z
  rtctl emulator --key demo --sync-delay realistic --offline-report hidden --highlights-cap 10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEmulator(cmd.Context(), e, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "address to listen on (port 0 picks a free one)")
	fl.StringVar(&f.key, "key", "", "API key of the emulated account: a made-up key, never your real one (required)")
	fl.StringVar(&f.plan, "plan", string(emulator.Premium), "plan of the account: lite or premium")
	fl.StringVar(&f.state, "state", "", "JSON file to load the state from and save it to")
	fl.StringVar(&f.timezone, "timezone", "UTC", "IANA time zone of the account")
	fl.StringVar(&f.now, "now", "", "pin the emulator's clock at this RFC 3339 time (default $RTCTL_NOW; unset: real time)")
	fl.Int64Var(&f.seed, "seed", 1, "seed of the synthetic activity history")
	fl.StringVar(&f.oauthClient, "oauth-client", "", "register an OAuth2 client, as ID:SECRET:REDIRECT_URI")
	fl.BoolVar(&f.allowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	fl.StringVar(&f.syncDelay, emulator.SettingSyncDelay, "0", "posts show in reports and feeds `DELAY` after they are made: a duration, or \"realistic\" (3m Premium, 30m Lite)")
	fl.StringVar(&f.offlineReport, emulator.SettingOfflineReport, string(emulator.OfflineAsPosted), "`SHAPE` in which reports show posted offline time: as-posted, other-name or hidden")
	fl.StringVar(&f.highlightsCap, emulator.SettingHighlightsCap, "0", "the highlights feed lists only the newest `N` (0: no cap)")
	return cmd
}

func runEmulator(ctx context.Context, e *env, f emulatorFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkListenAddr(f.addr, f.allowRemote); err != nil {
		return err
	}
	// The key comes from --key only: RESCUETIME_API_KEY is likely the
	// person's real key, and the emulator keeps keys in its state file and
	// shows them in /_emulator/record.
	key := f.key
	if key == "" {
		return errors.New("an account key is required: pass --key with a made-up key (never your real one) and use the same with rtctl --endpoint")
	}
	var model emulator.Model
	for _, s := range []struct{ name, value string }{
		{emulator.SettingSyncDelay, f.syncDelay},
		{emulator.SettingOfflineReport, f.offlineReport},
		{emulator.SettingHighlightsCap, f.highlightsCap},
	} {
		if err := model.Set(s.name, s.value); err != nil {
			return fmt.Errorf("--%w", err)
		}
	}
	var clock emulator.Clock = envClock{e.now}
	pin := f.now
	if pin == "" {
		pin = e.getenv("RTCTL_NOW")
	}
	if pin != "" {
		t, err := time.Parse(time.RFC3339, pin)
		if err != nil {
			return fmt.Errorf("--now %q: want an RFC 3339 time such as 2026-11-20T18:00:00Z", pin)
		}
		clock = emulator.NewManualClock(t)
	}
	emu, err := emulator.New(emulator.Options{Clock: clock, StatePath: f.state})
	if err != nil {
		return err
	}
	acct := emulator.Account{Key: key, Plan: emulator.Plan(f.plan), TimeZone: f.timezone, Seed: f.seed, Model: model}
	if err := emu.AddAccount(acct); err != nil {
		return err
	}
	if f.oauthClient != "" {
		parts := strings.SplitN(f.oauthClient, ":", 3)
		if len(parts) != 3 {
			return errors.New("--oauth-client: want ID:SECRET:REDIRECT_URI")
		}
		if err := emu.AddOAuthClient(emulator.OAuthClient{ID: parts[0], Secret: parts[1], RedirectURI: parts[2]}); err != nil {
			return err
		}
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	view := views.NewEmulator(e.out())
	view.Listening(ln.Addr())

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	view.Stopped()
	return nil
}

// checkListenAddr refuses addresses reachable from other machines unless
// allowed: the emulator's hooks and accounts have no real protection.
func checkListenAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT", addr)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q is not a loopback address; pass --allow-remote to listen there", addr)
}

// envClock adapts the command environment's clock.
type envClock struct{ now func() time.Time }

func (c envClock) Now() time.Time { return c.now() }
