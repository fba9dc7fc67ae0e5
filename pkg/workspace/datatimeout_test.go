package workspace

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCallTimeoutBoundsDataSources: --timeout (Options.CallTimeout) is the
// deadline of the configuration's data sources too, not only of calls to
// RescueTime: a calendar that never answers ends the load at it.
func TestCallTimeoutBoundsDataSources(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.rt.hcl"), []byte(`rtctl {
  timezone = "UTC"
}

data "ical" "slow" {
  url = "`+srv.URL+`/cal.ics"
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	ws, err := Open(dir, Options{CallTimeout: 150 * time.Millisecond, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, diags := ws.LoadConfig(ctx, time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC))
	if ctx.Err() != nil {
		t.Fatal("the load outlived --timeout")
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Detail, "may take 150ms in all; --timeout sets it") {
		t.Errorf("diagnostics: %v", diags)
	}
}
