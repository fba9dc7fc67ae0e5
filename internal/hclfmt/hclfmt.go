// Package hclfmt holds what rtctl fmt needs around spec.Format: which paths
// it may rewrite, and rewriting a file so that a crash never leaves it
// half-written.
package hclfmt

import (
	"errors"
	"fmt"
	"os"

	"github.com/rtctl/rtctl/internal/atomicfile"
	"github.com/rtctl/rtctl/pkg/spec"
	"github.com/rtctl/rtctl/pkg/spec/confdir"
)

// CheckPath refuses a path fmt must not rewrite: an explicit file that
// is not a configuration or variables file (fmt would reflow any HCL-ish
// text, such as a settings.env), or not a regular file. Directories are
// fine: only their formattable files are touched.
func CheckPath(p string) error {
	if p == "-" {
		return nil
	}
	info, err := os.Stat(p)
	var pe *os.PathError
	if errors.As(err, &pe) {
		// The path is said once, as it was given.
		err = pe.Err
	}
	if err != nil {
		return fmt.Errorf("cannot format %s: %w", p, err)
	}
	if info.IsDir() {
		return nil
	}
	if !spec.IsFormattable(p) {
		return fmt.Errorf("cannot format %s: only *%s and *%s files can be formatted (a directory means its files of those kinds)", p, spec.ConfigFileSuffix, spec.VarsFileSuffix)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("cannot format: %w", &confdir.NotRegularError{Path: p, Mode: info.Mode()})
	}
	return nil
}

// Replace replaces a file's content atomically, so that a crash
// or a full disk never leaves a configuration half-written, and keeps its
// permissions.
func Replace(name string, data []byte) error {
	info, err := os.Stat(name)
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := atomicfile.Write(name, data); err != nil {
		return err
	}
	if err := os.Chmod(name, info.Mode().Perm()); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
