package confdir

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rtctl/rtctl/internal/safefile"
)

// Policy decides what a configuration may read with file() or a data
// source's path. A configuration is untrusted input (in CI a pull request
// changes it, and its plan is posted for all to see), and whatever it reads
// can end up in a plan or in the account. So it reads only regular files
// inside the configuration directory or a directory the user allowed,
// decided on the path with every symbolic link resolved; never a file of
// /proc, /dev or /sys (the process's environment holds the API key), never
// a credential file however it is reached (a hard link too), and never a
// file that holds a known secret.
type Policy struct {
	baseDir string   // relative paths are relative to it
	roots   []string // absolute, symbolic links resolved: where files may be read
	denied  []os.FileInfo
	secrets []string
}

// MinSecretLength is the shortest string treated as a secret: shorter
// parts of a configuration are too common to refuse or redact.
const MinSecretLength = 8

// NewPolicy builds the policy of a configuration in baseDir: it may read
// also inside readDirs, never one of secretFiles (however linked), never a
// file holding one of secrets (those of at least MinSecretLength
// characters).
func NewPolicy(baseDir string, readDirs, secretFiles, secrets []string) *Policy {
	p := &Policy{baseDir: baseDir}
	for _, d := range append([]string{baseDir}, readDirs...) {
		if r, err := resolvePath(d); err == nil {
			p.roots = append(p.roots, r)
		}
	}
	for _, f := range secretFiles {
		// A credential file that cannot be seen now cannot be read
		// later either; checking every read against it is enough.
		if info, err := os.Stat(f); err == nil {
			p.denied = append(p.denied, info)
		}
	}
	for _, s := range secrets {
		if s = strings.TrimSpace(s); len(s) >= MinSecretLength {
			p.secrets = append(p.secrets, s)
		}
	}
	return p
}

// resolvePath is path made absolute with every symbolic link resolved.
func resolvePath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// systemDirs hold files that are not files: the process's memory and
// environment, devices, kernel state.
var systemDirs = []string{"/proc", "/dev", "/sys"}

// within reports whether path is dir or inside it; both are clean and
// absolute.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// errOutside is the reason a path outside every allowed directory is
// refused; messages wrap it with the path.
var errOutside = errors.New("it is outside the configuration directory; a configuration may read only files inside it (or in a directory allowed by the command line)")

// Read returns the content of the file at path (relative to the
// configuration directory), of at most maxBytes, or why the configuration
// may not read it. Errors do not repeat the path; callers name it.
func (p *Policy) Read(path string, maxBytes int64) ([]byte, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("the path is empty")
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.baseDir, path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, UnwrapPathError(err)
	}
	inside := false
	for _, r := range p.roots {
		inside = inside || within(resolved, r)
	}
	for _, d := range systemDirs {
		if within(resolved, d) {
			inside = false
		}
	}
	if !inside {
		if resolved != abs {
			// Say where the link leads, so that the person sees why a
			// name inside the directory is refused; quoted, as the link
			// is text from the repository.
			return nil, fmt.Errorf("it leads through a symbolic link to %s: %w", strconv.Quote(resolved), errOutside)
		}
		return nil, errOutside
	}
	info, err := os.Stat(resolved)
	if err != nil {
		return nil, UnwrapPathError(err)
	}
	if !info.Mode().IsRegular() {
		// A named pipe would block the load until a writer came.
		return nil, fmt.Errorf("it is %s, not a regular file", safefile.Describe(info.Mode()))
	}
	for _, d := range p.denied {
		if os.SameFile(info, d) {
			return nil, errors.New("it is a credential file of rtctl; a configuration may not read it (its content would end up in plans and in the account)")
		}
	}
	if info.Size() > maxBytes {
		return nil, fmt.Errorf("it is larger than the limit of %d bytes", maxBytes)
	}
	// NonBlock: a named pipe put in its place since the check must not
	// block the open; the check below refuses it.
	f, err := os.OpenFile(resolved, os.O_RDONLY|safefile.NonBlock, 0)
	if err != nil {
		return nil, UnwrapPathError(err)
	}
	defer f.Close()
	// What was checked must be what is read: the path may have been
	// pointed elsewhere since.
	if opened, err := f.Stat(); err != nil || !os.SameFile(info, opened) || !opened.Mode().IsRegular() {
		return nil, errors.New("it changed while it was being read")
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxBytes+1)); err != nil {
		return nil, UnwrapPathError(err)
	}
	if int64(buf.Len()) > maxBytes {
		return nil, fmt.Errorf("it is larger than the limit of %d bytes", maxBytes)
	}
	for _, s := range p.secrets {
		if bytes.Contains(buf.Bytes(), []byte(s)) {
			return nil, errors.New("it holds one of rtctl's credentials (the API key, an access token or the client secret); a configuration may not read it")
		}
	}
	return buf.Bytes(), nil
}

// UnwrapPathError drops the absolute path os adds, so messages name the
// file as the user wrote it.
func UnwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
