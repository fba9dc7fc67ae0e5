package workspace_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/rtctl/rtctl/pkg/rtapi"
	"github.com/rtctl/rtctl/pkg/rtapi/emulator"
	"github.com/rtctl/rtctl/pkg/workspace"
)

// Plan and apply a configuration directory from a Go program, against the
// emulator on loopback: the same sequence rtctl apply runs, journal and lock
// included.
func Example() {
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	emu, _ := emulator.New(emulator.Options{Clock: emulator.NewManualClock(now)})
	_ = emu.AddAccount(emulator.Account{Key: "demo-key", Plan: emulator.Premium, TimeZone: "Europe/Berlin", Seed: 1})
	srv := httptest.NewServer(emu)
	defer srv.Close()

	dir, _ := os.MkdirTemp("", "rtctl-example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(`
rtctl {
  timezone = "Europe/Berlin"
}

highlight "release" {
  date        = "2026-11-20"
  description = "Shipped v1.2"
}
`), 0o644)

	ws, err := workspace.Open(dir, workspace.Options{
		Account: workspace.Account{Endpoint: srv.URL, Credentials: rtapi.APIKey("demo-key")},
		Now:     now,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := ws.Apply(context.Background(), workspace.ApplyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range res.Sent.Items {
		fmt.Println(it.Action.Address, it.Outcome)
	}

	again, _ := ws.Plan(context.Background(), workspace.PlanOptions{})
	fmt.Println(again.Plan.Summary()["in_sync"], "in sync,", len(again.Plan.ToCreate()), "to create")
	// Output:
	// highlight.release created
	// 1 in sync, 0 to create
}
