//go:build !unix

package journal

import (
	"errors"
	"os"
)

func tryLock(*os.File) (bool, error) {
	return false, errors.New("journal locking is only implemented on Unix systems")
}

func unlock(*os.File) error { return nil }
