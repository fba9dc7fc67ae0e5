package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/hashicorp/hcl/v2"
)

// ReadSourceFile reads a configuration or variables file, refusing anything
// but a regular file (symbolic links are followed): opening a named pipe
// blocks until some writer comes along, which may be never, and a device
// may stream without end.
func ReadSourceFile(path string) ([]byte, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
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
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, describeFileType(e.Mode))
}

func describeFileType(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// readSource reads a file the loader parses; what ("configuration file",
// "variables file") names it in the diagnostic when it cannot.
func readSource(path, what string) ([]byte, *hcl.Diagnostic) {
	b, err := ReadSourceFile(path)
	var nr *NotRegularError
	switch {
	case errors.As(err, &nr):
		return nil, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Not a regular file",
			Detail:   fmt.Sprintf("%s is %s; only regular files are read as a %s. Remove it or rename it.", path, describeFileType(nr.Mode), what),
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
