// Package atomicfile writes files so that a crash leaves either the old
// content or the new, never half of one: saved plans, the emulator's state,
// OAuth tokens. Like every writer in rtctl it refuses to write through a
// symbolic link (see internal/safefile).
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rtctl/rtctl/internal/safefile"
)

// Write replaces path with data: a temporary file in the same directory,
// written and synced, renamed over path, and the directory synced so the
// rename itself survives a power loss. The file gets mode 0600 (before any
// umask): what rtctl saves describes someone's day or holds a token.
//
// A symbolic link at path is refused rather than replaced: the rename would
// not follow it, but a link there is either a repository's trap or a
// person's setup that silently replacing it would break. So is a path
// through a linked .rtctl directory (safefile.Check).
func Write(path string, data []byte) error {
	if err := safefile.Check(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
