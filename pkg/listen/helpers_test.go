package listen_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
	"github.com/novita-cli/novita/pkg/tunnel"
	"github.com/novita-cli/novita/pkg/webhook"
)

func TestMain(m *testing.M) { testmain.Main(m) }

// recorder is a Visitor that keeps what the engine reported.
type recorder struct {
	mu        sync.Mutex
	shown     []webhook.Delivery
	forwarded []webhook.Delivery
	saved     []string
	rejected  []webhook.Problem
	failed    []string
}

func (r *recorder) Delivery(d webhook.Delivery) {
	r.mu.Lock()
	r.shown = append(r.shown, d)
	r.mu.Unlock()
}
func (r *recorder) Answered(d webhook.Delivery) {
	r.mu.Lock()
	r.forwarded = append(r.forwarded, d)
	r.mu.Unlock()
}
func (r *recorder) Saved(p string, err error) {
	r.mu.Lock()
	if err == nil {
		r.saved = append(r.saved, p)
	}
	r.mu.Unlock()
}
func (r *recorder) Rejected(p webhook.Problem) {
	r.mu.Lock()
	r.rejected = append(r.rejected, p)
	r.mu.Unlock()
}
func (r *recorder) HookFailed(id string, _ error) {
	r.mu.Lock()
	r.failed = append(r.failed, id)
	r.mu.Unlock()
}

// ids lists the task ids of the shown events, "(retry)" appended to duplicates.
func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, d := range r.shown {
		id := "?"
		if d.Result != nil {
			id = d.Result.Task.TaskID
		}
		if d.Duplicate {
			id += " (retry)"
		}
		out = append(out, id)
	}
	return out
}

type run struct {
	t      *testing.T
	url    string
	rec    *recorder
	done   chan error
	cancel context.CancelFunc
}

// startListen serves a receiver on a loopback tunnel and runs an engine on it, as `novita listen` does.
func startListen(t *testing.T, cfg listen.Config, tunnelDone <-chan struct{}) *run {
	t.Helper()
	r := &run{t: t, rec: &recorder{}, done: make(chan error, 1)}
	cfg.Visitor = r.rec
	eng, err := listen.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	tun, err := tunnel.Open(ctx, tunnel.Config{Mode: tunnel.ModeLocal})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := hooks.Serve(ctx, tun, eng.ReceiverOptions())
	if err != nil {
		t.Fatal(err)
	}
	r.url = srv.URL
	if tunnelDone == nil {
		tunnelDone = tun.Done()
	}
	go func() { r.done <- eng.Run(ctx, srv.Deliveries(), srv.Stopped(), tunnelDone) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
		srv.Close(0)
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

// eventually polls cond for up to 5 s.
func (r *run) eventually(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("never saw %s; shown %v", what, r.rec.ids())
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

func contains(list []string, want string) bool {
	for _, s := range list {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}
