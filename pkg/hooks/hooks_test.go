package hooks

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/pkg/tunnel"
	"github.com/novita-cli/novita/pkg/webhook"
)

func TestMain(m *testing.M) { testmain.Main(m) }

// countingListener counts the connections the server accepted and has not closed yet, and the most
// that were ever open at once.
type countingListener struct {
	net.Listener
	open, max atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	n := l.open.Add(1)
	for {
		m := l.max.Load()
		if n <= m || l.max.CompareAndSwap(m, n) {
			break
		}
	}
	return &countedConn{Conn: c, l: l}, nil
}

type countedConn struct {
	net.Conn
	l    *countingListener
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.l.open.Add(-1) })
	return c.Conn.Close()
}

// fakeTunnel is a loopback tunnel whose listener the test controls.
type fakeTunnel struct {
	l    net.Listener
	done chan struct{}
	once sync.Once
}

func newFakeTunnel(t *testing.T, wrap func(net.Listener) net.Listener) *fakeTunnel {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &fakeTunnel{l: wrap(l), done: make(chan struct{})}
}

func (f *fakeTunnel) Listener() net.Listener { return f.l }
func (f *fakeTunnel) URL() string            { return "http://" + f.l.Addr().String() }
func (f *fakeTunnel) Mode() tunnel.Mode      { return tunnel.ModeLocal }
func (f *fakeTunnel) Done() <-chan struct{}  { return f.done }
func (f *fakeTunnel) Close() error {
	f.once.Do(func() { close(f.done) })
	return f.l.Close()
}

func eventBody(id, status string) string {
	return fmt.Sprintf(`{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"task_id":%q,"status":"TASK_STATUS_%s"}}}`, id, status)
}

// A burst of senders larger than MaxConns is served, every one of them, but never with more than
// MaxConns connections open at once: each would hold its own buffers.
func TestReceiverServesABurstWithBoundedConnections(t *testing.T) {
	var cl *countingListener
	tun := newFakeTunnel(t, func(l net.Listener) net.Listener {
		cl = &countingListener{Listener: l}
		return cl
	})
	srv, err := Serve(context.Background(), tun, webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(0)
	go func() {
		for range srv.Deliveries() { // nobody routes here: keep the buffer from filling
		}
	}()

	const senders = MaxConns + 72
	conns := make([]net.Conn, senders)
	for i := range conns {
		c, err := net.Dial("tcp", tun.l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	// Every sender is connected and idle: the server takes as many as it may, no more.
	deadline := time.Now().Add(10 * time.Second)
	for cl.open.Load() < MaxConns && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if cl.open.Load() < MaxConns {
		t.Fatalf("only %d connections accepted, want %d", cl.open.Load(), MaxConns)
	}
	// Now each sends its event; the ones waiting in the accept queue get in as others close.
	var wg sync.WaitGroup
	var ok atomic.Int64
	for i, c := range conns {
		wg.Go(func() {
			body := eventBody(fmt.Sprintf("t-%d", i), "SUCCEED")
			fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
				strings.TrimPrefix(srv.URL, tun.URL()), len(body), body)
			_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err == nil && resp.StatusCode == http.StatusOK {
				ok.Add(1)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if ok.Load() != senders {
		t.Errorf("%d of %d senders got 200", ok.Load(), senders)
	}
	if m := cl.max.Load(); m > MaxConns {
		t.Errorf("%d connections were open at once, want at most %d", m, MaxConns)
	}
}

// The router streams each result once: a byte-identical retry is dropped, a different body for the
// same task (a forged or later event) still passes, deliveries that are no task result do not.
func TestRouterStreamsDeduplicatedResults(t *testing.T) {
	tun := newFakeTunnel(t, func(l net.Listener) net.Listener { return l })
	srv, err := Serve(context.Background(), tun, webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(srv)
	post := func(body string) {
		t.Helper()
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST answered %d", resp.StatusCode)
		}
	}
	post(eventBody("a", "SUCCEED"))
	post(eventBody("a", "SUCCEED")) // a retry
	post(`{"event_type":"SOMETHING_ELSE","payload":{}}`)
	post(eventBody("a", "FAILED"))
	post(eventBody("b", "SUCCEED"))
	var got []string
	for len(got) < 3 {
		res := <-r.Results()
		got = append(got, res.Task.TaskID+"/"+res.Task.Status.Short())
	}
	if strings.Join(got, " ") != "a/SUCCEED a/FAILED b/SUCCEED" {
		t.Errorf("results %v", got)
	}
	r.Close()
	if _, open := <-r.Results(); open {
		t.Errorf("the stream stays open after Close")
	}
	http.DefaultClient.CloseIdleConnections()
}

// Nobody reading the stream (the engine ended) must not keep Close from returning, however many
// results are still arriving.
func TestRouterClosesWithoutAReader(t *testing.T) {
	tun := newFakeTunnel(t, func(l net.Listener) net.Listener { return l })
	srv, err := Serve(context.Background(), tun, webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(srv)
	for i := range resultsBuffer + 10 {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(eventBody(fmt.Sprint("t", i), "SUCCEED")))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	done := make(chan struct{})
	go func() { r.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close is stuck behind a stream nobody reads")
	}
	http.DefaultClient.CloseIdleConnections()
}
