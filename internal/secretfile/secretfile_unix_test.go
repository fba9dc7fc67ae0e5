//go:build unix

package secretfile

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "key")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	_, _, err := Read(fifo)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("got %v", err)
	}
}
