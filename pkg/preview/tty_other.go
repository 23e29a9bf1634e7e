//go:build !unix

package preview

import (
	"errors"
	"os"
)

// OpenTTY is unavailable here: there is no /dev/tty, so detection relies on the environment alone.
func OpenTTY() (TTY, error) { return nil, errors.New("no controlling terminal device on this system") }

// SizeFor returns DefaultSize: the window's pixel size is not read on this system.
func SizeFor(*os.File) Size { return DefaultSize() }
