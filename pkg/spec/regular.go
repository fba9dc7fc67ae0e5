package spec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/safefile"
)

// ReadSourceFile reads a configuration or variables file of at most
// DefaultLimits().MaxFileBytes; see ReadSourceFileMax.
func ReadSourceFile(path string) ([]byte, error) {
	return ReadSourceFileMax(path, DefaultLimits().MaxFileBytes)
}

// ReadSourceFileMax reads a configuration or variables file, refusing
// anything but a regular file (symbolic links are followed): opening a named
// pipe blocks until some writer comes along, which may be never, and a
// device may stream without end. A file larger than maxBytes is a
// *TooLargeError, found without reading more than maxBytes+1 bytes.
func ReadSourceFileMax(path string, maxBytes int64) ([]byte, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have been swapped for a pipe since the check.
	if info, err := f.Stat(); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: info.Mode()}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > maxBytes {
		return nil, &TooLargeError{Path: path, Max: maxBytes}
	}
	return b, nil
}

// TooLargeError is a file larger than the limit of what reads it.
type TooLargeError struct {
	Path string
	Max  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than the limit of %d bytes", e.Path, e.Max)
}

// checkRegular reports an error unless path names a regular file.
func checkRegular(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return &NotRegularError{Path: path, Mode: info.Mode()}
	}
	return nil
}

// NotRegularError is a path that is not a regular file where one is read.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, safefile.Describe(e.Mode))
}

// readSource reads a file the loader parses; what ("configuration file",
// "variables file") names it in the diagnostic when it cannot.
func readSource(path, what string, maxBytes int64) ([]byte, *hcl.Diagnostic) {
	b, err := ReadSourceFileMax(path, maxBytes)
	var nr *NotRegularError
	var tl *TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, limitDiag("MaxFileBytes", maxBytes, "File too large",
			fmt.Sprintf("%s is larger than %d bytes, the most a %s may hold.", path, maxBytes, what), nil)
	case errors.As(err, &nr):
		return nil, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Not a regular file",
			Detail:   fmt.Sprintf("%s is %s; only regular files are read as a %s. Remove it or rename it.", path, safefile.Describe(nr.Mode), what),
		}
	case err != nil:
		return nil, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read " + what,
			Detail:   fmt.Sprintf("Reading %s: %s.", path, unwrapPathError(err)),
		}
	}
	return b, nil
}
