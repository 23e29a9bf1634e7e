//go:build unix

package download

import (
	"os"
	"syscall"
)

// noFollow keeps a symbolic link planted under a partial file's name from redirecting the write.
const noFollow = syscall.O_NOFOLLOW

// renameWhileOpen: the partial file stays open, and locked, until it carries its final name.
const renameWhileOpen = true

// tryLock takes the partial file's advisory lock without waiting; the kernel drops it when the
// process ends, however it ends.
func tryLock(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
