//go:build unix

package preview

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// OpenTTY opens the controlling terminal in raw mode, so replies arrive unechoed and without waiting for
// Enter; Close restores the previous mode. The file descriptor is only reached through SyscallConn,
// because (*os.File).Fd would switch it to blocking mode and disable the read deadline.
func OpenTTY() (TTY, error) { return openRaw("/dev/tty") }

func openRaw(path string) (TTY, error) {
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("open terminal: %w", err)
	}
	t := &rawTTY{File: f}
	if err := t.control(func(fd int) (err error) {
		t.state, err = term.MakeRaw(fd)
		return err
	}); err != nil {
		f.Close() //nolint:errcheck,gosec // the open already failed
		return nil, fmt.Errorf("terminal raw mode: %w", err)
	}
	return t, nil
}

type rawTTY struct {
	*os.File
	state *term.State
}

func (t *rawTTY) control(fn func(fd int) error) error {
	rc, err := t.SyscallConn()
	if err != nil {
		return err
	}
	var inner error
	if err := rc.Control(func(fd uintptr) { inner = fn(int(fd)) }); err != nil {
		return err
	}
	return inner
}

// Close restores the terminal mode before closing, even if restoring fails.
func (t *rawTTY) Close() error {
	restore := t.control(func(fd int) error { return term.Restore(fd, t.state) })
	return errors.Join(restore, t.File.Close())
}

// SizeFor returns DefaultSize fitted to the terminal f is connected to: the cell size in pixels when
// the terminal reports it (ws_xpixel/ws_ypixel; many do not, and the defaults stay), and the bound kept
// inside the window. Anything that is not a terminal gets DefaultSize.
func SizeFor(f *os.File) Size {
	s := DefaultSize()
	rc, err := f.SyscallConn()
	if err != nil {
		return s
	}
	var ws *unix.Winsize
	ctlErr := rc.Control(func(fd uintptr) { ws, err = unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ) })
	if ctlErr != nil || err != nil || ws == nil {
		return s
	}
	return s.fitWindow(int(ws.Col), int(ws.Row), int(ws.Xpixel), int(ws.Ypixel))
}
