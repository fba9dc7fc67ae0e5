//go:build !unix

package safefile

// NoFollow is zero where the OS has no O_NOFOLLOW; the Lstat checks made
// before every open refuse links there.
const NoFollow = 0

// NonBlock is zero where opening a file cannot wait on a pipe's other end.
const NonBlock = 0
