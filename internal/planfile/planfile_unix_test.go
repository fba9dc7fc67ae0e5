//go:build unix

package planfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadRefusesNamedPipe: reading a saved plan from a named pipe nobody
// writes to blocked in open, for ever (rtctl apply FILE, rtctl show FILE),
// and a first SIGTERM did not end it. It is refused at once.
func TestReadRefusesNamedPipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.plan")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Read(path)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		// Unblock the open so the goroutine ends, then fail.
		if w, werr := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); werr == nil {
			w.Close()
		}
		<-done
		t.Fatal("Read blocked on a named pipe")
	}
	if err == nil || !strings.Contains(err.Error(), "named pipe") || !strings.Contains(err.Error(), path) {
		t.Fatalf("Read(a named pipe) = %v, want an error naming the path and saying it is a named pipe", err)
	}
}
