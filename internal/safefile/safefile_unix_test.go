//go:build unix

package safefile

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestFIFOIsRefused(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	var nr *NotRegularError
	if _, err := OpenAppend(fifo, 0o600); !errors.As(err, &nr) {
		t.Errorf("fifo for writing: %v", err)
	}
	// Reading a FIFO would block until a writer comes: refused at once.
	if _, err := ReadFile(fifo, 10); !errors.As(err, &nr) || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("fifo for reading: %v", err)
	}
}
