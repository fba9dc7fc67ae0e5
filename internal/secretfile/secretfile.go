// Package secretfile reads a one-line secret (an API key, an OAuth token, a
// client secret) from a file named on the command line.
//
// The file is the user's, but its path may come from a script or a CI
// configuration: a device such as /dev/zero would be read until memory runs
// out and a named pipe would block for ever, so only regular files are read
// (links to them are followed: secret stores such as Kubernetes mount
// secrets as links), and only up to MaxBytes. The content never appears in
// an error.
package secretfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"unicode"

	"github.com/rtctl/rtctl/internal/safefile"
)

// MaxBytes bounds a secret file. RescueTime keys and tokens are well under
// a hundred characters; 64 KiB leaves room for any credential format while
// refusing what cannot be one.
const MaxBytes = 64 << 10

// Error is a secret file that cannot be used. Its text names the path and
// the reason, never the content.
type Error struct {
	Path   string
	Reason string
	Err    error // the underlying error, if any
}

func (e *Error) Error() string { return e.Path + " " + e.Reason }
func (e *Error) Unwrap() error { return e.Err }

// Read returns the secret in path with surrounding whitespace (and a byte
// order mark some editors add) removed. warning is not empty when the file
// is readable or writable by other users on a system with Unix permissions;
// it says how to fix that. err is an *Error for a file that cannot hold a
// secret, or the error from opening it (which names the path only).
func Read(path string) (value, warning string, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", "", err
	}
	if !info.Mode().IsRegular() {
		return "", "", &Error{Path: path, Reason: "is " + safefile.Describe(info.Mode()) + ", not a regular file; put the secret alone in a file"}
	}
	if info.Size() > MaxBytes {
		return "", "", &Error{Path: path, Reason: fmt.Sprintf("is larger than %s; put the secret alone in a file", safefile.FormatSize(MaxBytes))}
	}
	// The file may have changed since Stat: ReadFile checks again.
	data, err := safefile.ReadFile(path, MaxBytes)
	var nr *safefile.NotRegularError
	var tl *safefile.TooLargeError
	switch {
	case errors.As(err, &nr):
		return "", "", &Error{Path: path, Reason: "is " + safefile.Describe(nr.Mode) + ", not a regular file; put the secret alone in a file", Err: err}
	case errors.As(err, &tl):
		return "", "", &Error{Path: path, Reason: fmt.Sprintf("is larger than %s; put the secret alone in a file", safefile.FormatSize(MaxBytes))}
	case err != nil:
		return "", "", err
	}
	s := strings.TrimSpace(strings.TrimPrefix(string(data), "\ufeff"))
	switch {
	case s == "":
		return "", "", &Error{Path: path, Reason: "is empty"}
	case strings.ContainsAny(s, "\r\n"):
		return "", "", &Error{Path: path, Reason: "holds more than one line; it should hold only the secret"}
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "", "", &Error{Path: path, Reason: "holds control characters; it should hold only the secret"}
	}
	return s, permissionWarning(path, info.Mode()), nil
}

// permissionWarning says when others may read or change the secret. Mode
// bits mean nothing on Windows, where files carry access control lists.
func permissionWarning(path string, mode fs.FileMode) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	perm := mode.Perm()
	var what string
	switch {
	case perm&0o044 != 0:
		what = "can be read by other users"
	case perm&0o022 != 0:
		what = "can be changed by other users"
	default:
		return ""
	}
	return fmt.Sprintf("%s %s (mode %04o); run: chmod 600 %s", path, what, perm, shellQuote(path))
}

// shellQuote quotes path for a POSIX shell when it needs it, so the advice
// can be pasted as it is.
func shellQuote(path string) string {
	plain := strings.IndexFunc(path, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("/._-+:@,=~", r)))
	}) < 0
	if plain && path != "" {
		return path
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}
