// Package safefile opens and creates the files rtctl writes without ever
// writing through a symbolic link.
//
// The README tells people to commit .rtctl/ (the journal) and git stores
// symbolic links, so a repository can ship .rtctl/journal.jsonl.lock as a
// link to any file of the person who runs rtctl, or .rtctl itself as a link
// to any directory. Every writer in rtctl opens its files here, and the
// functions refuse:
//
//   - a symbolic link (or anything else that is not a regular file) at the
//     final component of the path; on systems that have it, O_NOFOLLOW
//     closes the gap between that check and the open;
//   - a path through a directory named .rtctl (StateDirName) that is a
//     symbolic link or not a directory.
//
// Other directories on the way are the user's own choice (a --journal or
// --out path, /tmp on macOS) and are followed.
//
// Reading follows links (a link to a regular file cannot make rtctl write
// anything) but refuses what is not a regular file: a named pipe would block
// and a device such as /dev/zero would never end.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// StateDirName is the directory beside a configuration where rtctl keeps its
// journal, lock and sandbox state. A directory of that name on a path is
// required to be a real directory.
const StateDirName = ".rtctl"

// LinkError is a write refused because the path, or the state directory on
// it, is a symbolic link.
type LinkError struct {
	Path string // the link
	Dir  bool   // the link is the state directory
}

func (e *LinkError) Error() string {
	if e.Dir {
		return fmt.Sprintf("refusing to write through the symbolic link %s (rtctl's state directory must be a real directory); remove it", e.Path)
	}
	return fmt.Sprintf("refusing to write through the symbolic link %s; remove it", e.Path)
}

// NotRegularError is a path that names something other than a regular file
// (a directory, a named pipe, a device) where rtctl reads or writes one, or
// something other than a directory where a state directory belongs.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
	// Want is what belongs at Path; a regular file when empty.
	Want string
}

func (e *NotRegularError) Error() string {
	want := e.Want
	if want == "" {
		want = "a regular file"
	}
	return fmt.Sprintf("%s is %s, not %s; remove it or choose another path", e.Path, Describe(e.Mode), want)
}

// Describe names a file type for a message: "a directory", "a named pipe
// (FIFO)", "a character device", ...
func Describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
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

// Check reports whether path may be written: it is absent or a regular file,
// and no directory named StateDirName on it is a link. Callers that cannot
// open through OpenFile (a rename, a lock library) call it first.
func Check(path string) error {
	if err := checkStateDirs(path); err != nil {
		return err
	}
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case info.Mode()&fs.ModeSymlink != 0:
		return &LinkError{Path: path}
	case !info.Mode().IsRegular():
		return &NotRegularError{Path: path, Mode: info.Mode()}
	}
	return nil
}

// checkStateDirs refuses path when a directory on it named StateDirName is
// anything but a real directory. Absent ones are fine: MkdirAll makes them.
func checkStateDirs(path string) error {
	dir := filepath.Dir(filepath.Clean(path))
	for {
		if filepath.Base(dir) == StateDirName {
			if err := checkStateDir(dir); err != nil {
				return err
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

func checkStateDir(dir string) error {
	info, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	// On Windows a junction is reported as irregular rather than as a link;
	// it redirects writes just the same.
	case info.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0:
		return &LinkError{Path: dir, Dir: true}
	case !info.IsDir():
		return &NotRegularError{Path: dir, Mode: info.Mode(), Want: "a directory"}
	}
	return nil
}

// MkdirAll creates dir and its parents with perm, refusing to create
// anything through a state directory that is a link.
func MkdirAll(dir string, perm fs.FileMode) error {
	// dir itself may be the state directory: check it as a path's parent.
	probe := filepath.Join(dir, "probe")
	if err := checkStateDirs(probe); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	// Again, in case a link appeared while the directories were made.
	return checkStateDirs(probe)
}

// OpenFile is os.OpenFile for writing: it refuses a link at path or on a
// state directory on the way, and anything but a regular file. perm is used
// when the file is created.
func OpenFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flag|NoFollow, perm)
	if err != nil {
		// A link made between Check and the open fails with O_NOFOLLOW
		// (ELOOP on Linux and macOS); say so rather than "too many links".
		if cerr := Check(path); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	if err := checkOpened(f, path); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// OpenAppend opens path for appending, creating it with perm.
func OpenAppend(path string, perm fs.FileMode) (*os.File, error) {
	return OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, perm)
}

func checkOpened(f *os.File, path string) error {
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return &NotRegularError{Path: path, Mode: info.Mode()}
	}
	return nil
}

// OpenRead opens path for reading, following links, and refuses anything but
// a regular file. It does not block on a named pipe.
func OpenRead(path string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: info.Mode()}
	}
	// NonBlock: should a pipe replace the file after the check, opening it
	// still returns at once, and the check below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|NonBlock, 0)
	if err != nil {
		return nil, err
	}
	if err := checkOpened(f, path); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// TooLargeError is a file read with a limit that it exceeds.
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s; it cannot be what rtctl expects there", e.Path, FormatSize(e.Limit))
}

// ReadFile reads a regular file of at most limit bytes (following links):
// the one bounded read of rtctl's files. It refuses what is not a regular
// file (*NotRegularError: a named pipe would block, a device never end) and
// a file over limit (*TooLargeError), found from its size before anything
// is read, and by reading at most limit+1 bytes should it grow meanwhile.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := OpenRead(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return data, nil
}

// FormatSize writes a byte count for people: "64 KiB", "16 MiB", "300 bytes".
func FormatSize(n int64) string {
	const (
		kib = 1 << 10
		mib = 1 << 20
		gib = 1 << 30
	)
	switch {
	case n >= gib && n%gib == 0:
		return fmt.Sprintf("%d GiB", n/gib)
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MiB", n/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%d KiB", n/kib)
	}
	return fmt.Sprintf("%d bytes", n)
}
