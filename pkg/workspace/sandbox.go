package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/rtctl/rtctl/pkg/journal"
)

// ResetSandbox forgets everything posted to the sandbox of the
// configuration in dir: its account and its journal. It reports whether
// there was anything to forget. An apply on the sandbox may be running:
// it waits for it (up to wait) rather than pull its journal away.
func ResetSandbox(ctx context.Context, dir string, wait time.Duration) (bool, error) {
	lock, err := journal.Acquire(ctx, SandboxJournalPath(dir), journal.AcquireOptions{Timeout: wait, Command: "rtctl sandbox reset"})
	if err != nil {
		return false, err
	}
	defer lock.Release()
	removed := false
	for _, p := range []string{filepath.Join(dir, SandboxStatePath), SandboxJournalPath(dir)} {
		err := os.Remove(p)
		switch {
		case err == nil:
			removed = true
		case !errors.Is(err, fs.ErrNotExist):
			return removed, fmt.Errorf("resetting the sandbox: %w", err)
		}
	}
	return removed, nil
}
