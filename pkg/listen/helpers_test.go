package listen_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer lets the test read what Run writes while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type run struct {
	t        *testing.T
	url      string
	out, err *syncBuffer
	done     chan error
	cancel   context.CancelFunc
}

func startListen(t *testing.T, cfg listen.Config) *run {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &run{t: t, out: &syncBuffer{}, err: &syncBuffer{}, done: make(chan error, 1)}
	ready := make(chan string, 1)
	cfg.Listener, cfg.Out, cfg.ErrOut, cfg.Ready = l, r.out, r.err, ready
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- listen.Run(ctx, cfg) }()
	select {
	case r.url = <-ready:
	case err := <-r.done:
		t.Fatalf("Run ended early: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("not ready")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	return r
}

// post sends body to the hook (or path on the same host) and returns status and response body.
func (r *run) post(method, url string, body []byte, h http.Header) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	c := &http.Client{Timeout: 10 * time.Second}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (r *run) waitFor(buf *syncBuffer, want string) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), want) {
		if time.Now().After(deadline) {
			r.t.Fatalf("never saw %q\nout:\n%s\nerr:\n%s", want, r.out, r.err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *run) wait() error {
	r.t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for Cleanup
		return err
	case <-time.After(5 * time.Second):
		r.t.Fatal("Run did not return")
	}
	return nil
}

func fixture(t *testing.T, task string, st novita.Status, id string) []byte {
	t.Helper()
	b, err := testevent.Fixture(task, st, id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
