//go:build linux

package preview

import (
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPty returns the terminal side (master) and the path of the program side of a new pseudo-terminal,
// so the real raw-mode and deadline code runs against a real tty.
func openPty(t *testing.T) (*os.File, string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	rc, err := m.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var ioErr error
	if err := rc.Control(func(fd uintptr) {
		if ioErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioErr == nil {
			n, ioErr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
		}
	}); err != nil || ioErr != nil {
		t.Fatalf("unlock pty: %v %v", err, ioErr)
	}
	return m, "/dev/pts/" + strconv.Itoa(n)
}

func termiosOf(t *testing.T, path string) *unix.Termios {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio
}

func TestRealTTYRawModeIsRestoredAndQueryAnswered(t *testing.T) {
	master, pts := openPty(t)
	before := termiosOf(t, pts)

	tty, err := openRaw(pts)
	if err != nil {
		t.Fatal(err)
	}
	if raw := termiosOf(t, pts); raw.Lflag&(unix.ICANON|unix.ECHO) != 0 {
		t.Errorf("not in raw mode: lflag %#x", raw.Lflag)
	}
	// The terminal: read the query, answer like a sixel-capable xterm.
	go func() {
		buf := make([]byte, 64)
		io.ReadAtLeast(master, buf, len(kittyQuery())+3) //nolint:errcheck
		io.WriteString(master, "\x1b[?63;1;2;4c")        //nolint:errcheck
	}()
	r, err := queryTerminal(tty, 2*time.Second)
	if err != nil || !r.sixel || r.kitty {
		t.Errorf("got %+v, %v; want sixel", r, err)
	}
	if err := tty.Close(); err != nil {
		t.Fatal(err)
	}
	if after := termiosOf(t, pts); after.Lflag != before.Lflag || after.Iflag != before.Iflag || after.Oflag != before.Oflag {
		t.Errorf("terminal mode not restored: before %+v after %+v", before, after)
	}
}

func TestRealTTYSilentTerminalTimesOut(t *testing.T) {
	_, pts := openPty(t)
	tty, err := openRaw(pts)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	r, err := queryTerminal(tty, 30*time.Millisecond)
	if !os.IsTimeout(err) || r != (termReply{}) {
		t.Errorf("got %+v, %v; want a timeout", r, err)
	}
}

func TestSizeForNonTerminalIsDefault(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if s := SizeFor(f); s != DefaultSize() {
		t.Errorf("got %+v", s)
	}
}

func TestSizeForReadsThePtyWindow(t *testing.T) {
	master, pts := openPty(t)
	ws := &unix.Winsize{Row: 10, Col: 30, Xpixel: 240, Ypixel: 160}
	if err := unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, ws); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(pts, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if s := SizeFor(f); s != (Size{Cols: 30, Rows: 9, CellWidth: 8, CellHeight: 16}) {
		t.Errorf("got %+v", s)
	}
}
