//go:build !unix

package download

import "os"

// noFollow has no equivalent here.
const noFollow = 0

// renameWhileOpen is false where an open file cannot be renamed (Windows).
const renameWhileOpen = false

// tryLock is a no-op where flock does not exist: two processes downloading the same output to the
// same path at once are not detected here.
func tryLock(*os.File) bool { return true }
