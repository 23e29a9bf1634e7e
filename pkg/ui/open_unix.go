//go:build unix

package ui

import (
	"os"
	"syscall"
)

// openServed opens a recorded output without following a symlink put in its place and without
// blocking on a FIFO (O_NONBLOCK changes nothing for a regular file); the caller checks what it got.
func openServed(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
