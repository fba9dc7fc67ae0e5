package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rtctl/rtctl/internal/dirlist"
	"github.com/rtctl/rtctl/pkg/spec"
)

// InitResult is what Init did.
type InitResult struct {
	// Existing is a configuration file dir held already, when it held
	// one: then nothing was written.
	Existing string
	// Path is the starter configuration written.
	Path string
}

// Init writes a starter configuration for time zone tz into dir, created
// when missing. It never overwrites: when dir holds a configuration it
// writes nothing and says which file it found, and a starter file that
// appears meanwhile is an error.
func Init(dir, tz string) (*InitResult, error) {
	if existing, _ := dirlist.Files(dir, "", spec.ConfigFileSuffix); len(existing) > 0 {
		return &InitResult{Existing: filepath.Base(existing[0])}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	path := filepath.Join(dir, spec.StarterFileName)
	// O_EXCL keeps the no-overwrite promise even against a race.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%s already exists; rtctl init does not overwrite it", path)
	}
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := f.Write(spec.StarterConfig(tz)); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &InitResult{Path: path}, nil
}

// CheckTimezone says why name is not an IANA time zone rtctl can use.
func CheckTimezone(name string) error {
	_, err := spec.LoadTimezone(name)
	return err
}
