// Package dirlist lists a directory's files by the start and end of their
// names.
//
// It exists so that no path is ever a pattern: filepath.Glob on a path built
// from a directory the person named reads that directory's name as a
// pattern too, so that a configuration in "x*" found the journals of "xa",
// and one in "a[b" could not be planned at all ("syntax error in pattern").
// Listing the directory and comparing names as strings has no such
// characters.
package dirlist

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Files returns the paths (dir joined with the name) of the entries of dir
// that are not directories and whose names start with prefix and end with
// suffix, without the two overlapping, in lexical order. A directory that
// does not exist has none.
func Files(dir, prefix, suffix string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || len(name) < len(prefix)+len(suffix) ||
			!strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
			continue
		}
		out = append(out, filepath.Join(dir, name))
	}
	sort.Strings(out)
	return out, nil
}
