//go:build unix

package safefile

import "syscall"

// NoFollow makes an open fail on a symbolic link at the final component.
// Pass it to code that opens by path, such as a lock library.
const NoFollow = syscall.O_NOFOLLOW

// NonBlock keeps an open of a named pipe from waiting for the other end.
const NonBlock = syscall.O_NONBLOCK
