//go:build unix

package spec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/pkg/spec/confdir"
)

// loadWithWatchdog runs Load and fails the test, instead of hanging it, if
// Load blocks: opening a FIFO nobody writes to never returns.
func loadWithWatchdog(t *testing.T, dir string, opts LoadOptions) hcl.Diagnostics {
	t.Helper()
	var diags hcl.Diagnostics
	withWatchdog(t, dir, func() { _, diags = Load(context.Background(), dir, opts) })
	return diags
}

// withWatchdog runs f, failing the test if it has not returned after a
// generous delay (it should take microseconds); the FIFOs of dir are then
// opened for writing once, so the blocked open returns and f ends.
func withWatchdog(t *testing.T, dir string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		return
	case <-time.After(10 * time.Second):
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Type()&os.ModeNamedPipe != 0 {
			if w, err := os.OpenFile(filepath.Join(dir, e.Name()), os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		}
	}
	<-done
	t.Fatal("blocked on a named pipe")
}

func TestLoadRefusesNamedPipes(t *testing.T) {
	const settings = "rtctl {\n  timezone = \"UTC\"\n}\n"
	tests := []struct {
		name  string
		files map[string]string
		fifo  string
		want  string // in the error diagnostic's detail
	}{
		{
			name:  "configuration file",
			files: map[string]string{"main.rt.hcl": settings},
			fifo:  "fifo.rt.hcl",
			want:  "fifo.rt.hcl is a named pipe (FIFO); only regular files are read as a configuration file",
		},
		{
			name:  "variables file",
			files: map[string]string{"main.rt.hcl": settings + "variable \"x\" {\n  default = 1\n}\n"},
			fifo:  "fifo.rtvars.hcl",
			want:  "fifo.rtvars.hcl is a named pipe (FIFO); only regular files are read as a variables file",
		},
		{
			name: "file()",
			files: map[string]string{"main.rt.hcl": settings +
				"highlight \"h\" {\n  date = \"2026-11-20\"\n  description = file(\"fifo.txt\")\n}\n"},
			fifo: "fifo.txt",
			want: "cannot read fifo.txt: it is a named pipe (FIFO), not a regular file",
		},
		{
			name: "data ical",
			files: map[string]string{"main.rt.hcl": settings +
				"data \"ical\" \"cal\" {\n  path = \"fifo.ics\"\n  window_start = \"2026-11-01\"\n  window_end = \"2026-11-30\"\n}\n"},
			fifo: "fifo.ics",
			want: "it is a named pipe (FIFO), not a regular file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeConfig(t, tt.files)
			if err := syscall.Mkfifo(filepath.Join(dir, tt.fifo), 0o644); err != nil {
				t.Skipf("cannot make a FIFO here: %v", err)
			}
			diags := loadWithWatchdog(t, dir, LoadOptions{})
			if !diags.HasErrors() {
				t.Fatalf("Load accepted a named pipe; diagnostics: %v", diags)
			}
			var found bool
			for _, d := range diags {
				if d.Severity == hcl.DiagError && strings.Contains(d.Detail, tt.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error saying %q; got %v", tt.want, diags)
			}
		})
	}
}

func TestReadSourceFileRefusesNamedPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.rt.hcl")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	var err error
	withWatchdog(t, filepath.Dir(p), func() { _, err = confdir.ReadSourceFile(p) })
	if nr, ok := err.(*confdir.NotRegularError); !ok || nr.Mode&os.ModeNamedPipe == 0 {
		t.Fatalf("ReadSourceFile(FIFO) = %v, want a *NotRegularError for a named pipe", err)
	}
}
