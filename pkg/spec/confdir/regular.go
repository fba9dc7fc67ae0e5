package confdir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/hashicorp/hcl/v2"

	"github.com/rtctl/rtctl/internal/safefile"
	"github.com/rtctl/rtctl/pkg/spec/limits"
)

// ReadSourceFile reads a configuration or variables file of at most
// limits.DefaultMaxFileBytes; see ReadSourceFileMax.
func ReadSourceFile(path string) ([]byte, error) {
	return ReadSourceFileMax(path, limits.DefaultMaxFileBytes)
}

// ReadSourceFileMax reads a configuration or variables file, refusing
// anything but a regular file (symbolic links are followed): opening a named
// pipe blocks until some writer comes along, which may be never, and a
// device may stream without end. A file larger than maxBytes is a
// *TooLargeError, found without reading more than maxBytes+1 bytes.
func ReadSourceFileMax(path string, maxBytes int64) ([]byte, error) {
	return readRegular(path, path, maxBytes)
}

// readRegular reads the regular file at path, naming it shown in errors.
func readRegular(path, shown string, maxBytes int64) ([]byte, error) {
	if err := checkRegular(path); err != nil {
		var nr *NotRegularError
		if errors.As(err, &nr) {
			nr.Path = shown
		}
		return nil, err
	}
	// NonBlock: should a pipe replace the file after the check, the open
	// still returns at once and the check below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|safefile.NonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		return nil, &NotRegularError{Path: shown, Mode: info.Mode()}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > maxBytes {
		return nil, &TooLargeError{Path: shown, Max: maxBytes}
	}
	return b, nil
}

// ReadDirFile reads path, a file of the configuration directory dir (a
// *.rt.hcl or *.rtvars.hcl entry), of at most
// limits.DefaultMaxFileBytes; see readInside.
func ReadDirFile(dir, path string) ([]byte, error) {
	return readInside(dir, path, limits.DefaultMaxFileBytes)
}

// readInside reads path, an entry of the configuration directory dir, as
// ReadSourceFileMax does, but only when it resolves inside dir. The
// directory arrives in pull requests and git stores symbolic links: an
// entry x.rtvars.hcl linking to /proc/self/environ (which holds the API
// key in CI) or to ../secret.env would otherwise be parsed, and its lines
// shown as diagnostic snippets in the plan CI posts. Such an entry is an
// *OutsideError, and nothing of its target is read.
func readInside(dir, path string, maxBytes int64) ([]byte, error) {
	root, err := resolvePath(dir)
	if err != nil {
		return nil, err
	}
	resolved, err := resolvePath(path)
	if err != nil {
		return nil, err
	}
	// A link to the directory itself is inside: readRegular calls it a
	// directory.
	if !within(resolved, root) {
		return nil, &OutsideError{Path: path, Target: resolved}
	}
	return readRegular(resolved, path, maxBytes)
}

// OutsideError is an entry of the configuration directory that is a
// symbolic link leading out of it.
type OutsideError struct {
	Path   string // the entry, as listed
	Target string // where it leads, every link resolved
}

func (e *OutsideError) Error() string {
	// The target is text from the repository: quoted, so that it cannot
	// carry terminal escapes.
	return fmt.Sprintf("%s is a symbolic link to %s, outside the configuration directory; rtctl reads a configuration's files only from inside its directory", e.Path, strconv.Quote(e.Target))
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

// ReadSource reads a file the loader parses; what ("configuration file",
// "variables file") names it in the diagnostic when it cannot. With a
// non-empty dir, path is an entry of that configuration directory and is
// read only when it resolves inside it (see readInside); a file the person
// named on the command line (--var-file) is their choice and is read
// wherever it is.
func ReadSource(dir, path, what string, maxBytes int64) ([]byte, *hcl.Diagnostic) {
	var b []byte
	var err error
	if dir != "" {
		b, err = readInside(dir, path, maxBytes)
	} else {
		b, err = ReadSourceFileMax(path, maxBytes)
	}
	var nr *NotRegularError
	var tl *TooLargeError
	var out *OutsideError
	switch {
	case errors.As(err, &out):
		return nil, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "File outside the configuration directory",
			Detail:   out.Error() + ". Replace the link with the file itself, or remove it.",
		}
	case errors.As(err, &tl):
		return nil, limits.Diag("MaxFileBytes", maxBytes, "File too large",
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
			Detail:   fmt.Sprintf("Reading %s: %s.", path, UnwrapPathError(err)),
		}
	}
	return b, nil
}
