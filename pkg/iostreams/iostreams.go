// Package iostreams owns the process's standard streams as values: which are terminals, whether colour
// is on, whether status lines are wanted. Commands write through it so tests can inject buffers and
// pretend to be (or not be) a terminal.
package iostreams

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/fatih/color"
	"golang.org/x/term"
)

// IOStreams bundles stdin, stdout and stderr with what we know about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	InTTY, OutTTY, ErrTTY bool

	// colorOff is set by --no-color / NO_COLOR.
	colorOff bool
	// Quiet suppresses status lines and progress (-q).
	Quiet bool

	// Columns is the width tables fit (COLUMNS, see SetColumns); 0 asks the terminal (TableWidth).
	Columns   int
	termWidth func() int
	errWidth  func() int

	// ReadSecret reads a line without echo from a terminal stdin; replaced in tests.
	ReadSecret func() (string, error)

	mu sync.Mutex // serialises status lines written from several goroutines
	// live is the live line shown on the terminal now (stderr, no newline yet), "" for none: every
	// other line is written above it, and it is drawn again below.
	live string
}

// System returns the real process streams.
func System() *IOStreams {
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
	s.termWidth = stdoutWidth(int(os.Stdout.Fd()))
	s.errWidth = stdoutWidth(int(os.Stderr.Fd()))
	s.ReadSecret = func() (string, error) {
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		return string(b), err
	}
	return s
}

// Test returns streams backed by buffers; none is a terminal.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: &lockedWriter{w: errOut}}, in, out, errOut
}

// lockedWriter lets concurrent goroutines write stderr in tests without racing on the buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// SetColorDisabled turns colour off (--no-color, NO_COLOR).
func (s *IOStreams) SetColorDisabled(off bool) { s.colorOff = off }

// ColorEnabled reports whether stdout may carry ANSI colour.
func (s *IOStreams) ColorEnabled() bool { return !s.colorOff && s.OutTTY }

// ErrColorEnabled reports whether stderr may carry ANSI colour.
func (s *IOStreams) ErrColorEnabled() bool { return !s.colorOff && s.ErrTTY }

// Statusf writes one status line on stderr unless quiet.
func (s *IOStreams) Statusf(format string, args ...any) {
	if s.Quiet {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Status lines carry task ids, reasons and paths: whatever came from the network is escaped here,
	// for every command at once, and a line break stays a line break.
	msg := SafeLines(strings.TrimSuffix(fmt.Sprintf(format, args...), "\n")) + "\n"
	s.aboveLive(func() { fmt.Fprint(s.ErrOut, msg) })
}

// Warnf writes a warning on stderr; warnings are shown even with -q.
func (s *IOStreams) Warnf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := s.ErrColorScheme().Yellow("warning: ")
	s.aboveLive(func() {
		fmt.Fprint(s.ErrOut, prefix+SafeLines(strings.TrimSuffix(fmt.Sprintf(format, args...), "\n"))+"\n")
	})
}

// Errorf writes an error line on stderr.
func (s *IOStreams) Errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := s.ErrColorScheme().paint("error: ", color.FgRed)
	s.aboveLive(func() {
		fmt.Fprint(s.ErrOut, prefix+SafeLines(strings.TrimSuffix(fmt.Sprintf(format, args...), "\n"))+"\n")
	})
}

// Live rewrites the current stderr line on a terminal (a spinner-like status) and prints plain
// lines otherwise. Callers end a live sequence with EndLive.
func (s *IOStreams) Live(msg string) {
	if s.Quiet {
		return
	}
	msg = Safe(msg)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ErrTTY {
		fmt.Fprintf(s.ErrOut, "\r\x1b[2K%s", msg)
		s.live = msg
		return
	}
	fmt.Fprintln(s.ErrOut, msg)
}

// EndLive finishes a live line so later output starts on a fresh line.
func (s *IOStreams) EndLive() {
	if s.Quiet || !s.ErrTTY {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprint(s.ErrOut, "\r\x1b[2K")
	s.live = ""
}

// aboveLive runs write (holding the lock) with the live line cleared first and drawn again after, so
// a line written while it shows ends up above it, never inside it.
func (s *IOStreams) aboveLive(write func()) {
	if s.live == "" {
		write()
		return
	}
	fmt.Fprint(s.ErrOut, "\r\x1b[2K")
	write()
	fmt.Fprint(s.ErrOut, s.live)
}

// DataOut is stdout for data written while a live line or meter may show on stderr: on a terminal
// (stdout and stderr both), the live line is cleared before the data and drawn again after it, so
// the display never overwrites a line of data and data never lands inside the live line.
func (s *IOStreams) DataOut() io.Writer { return dataOut{s} }

type dataOut struct{ s *IOStreams }

func (d dataOut) Write(p []byte) (int, error) {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.OutTTY {
		return s.Out.Write(p)
	}
	var n int
	var err error
	s.aboveLive(func() { n, err = s.Out.Write(p) })
	return n, err
}
