package preview

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"time"
)

// fakeTTY is a terminal that answers with the bytes in reply once a query was written, then lets the
// deadline pass (Read returns os.ErrDeadlineExceeded) when it has nothing more to say.
type fakeTTY struct {
	reply       []byte
	written     bytes.Buffer
	deadline    time.Time
	deadlineErr error // what SetReadDeadline returns
	readErr     error // returned instead of the deadline error once reply is exhausted
	closed      bool
	readsBefore int // reads attempted before anything was written: a query must come first
}

func (f *fakeTTY) Write(p []byte) (int, error) { return f.written.Write(p) }

func (f *fakeTTY) Read(p []byte) (int, error) {
	if f.written.Len() == 0 {
		f.readsBefore++
	}
	if len(f.reply) == 0 {
		if f.readErr != nil {
			return 0, f.readErr
		}
		return 0, os.ErrDeadlineExceeded
	}
	n := copy(p, f.reply)
	f.reply = f.reply[n:]
	return n, nil
}

func (f *fakeTTY) SetReadDeadline(t time.Time) error {
	f.deadline = t
	return f.deadlineErr
}

func (f *fakeTTY) Close() error { f.closed = true; return nil }

// opener counts how often the terminal was opened, so tests can prove a query did or did not happen.
type opener struct {
	tty   *fakeTTY
	err   error
	calls int
}

func (o *opener) open() (TTY, error) {
	o.calls++
	if o.err != nil {
		return nil, o.err
	}
	return o.tty, nil
}

// envOf is a Getenv over a fixed set of variables.
func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

// tmuxRunner answers `tmux show-options ... allow-passthrough` with out, recording every call.
type tmuxRunner struct {
	out   string
	err   error
	calls [][]string
}

func (r *tmuxRunner) run(_ context.Context, name string, args ...string) ([]byte, error) {
	r.calls = append(r.calls, append([]string{name}, args...))
	if r.err != nil {
		return nil, r.err
	}
	return []byte(r.out), nil
}

var errNoTmux = errors.New("exec: \"tmux\": executable file not found in $PATH")
