package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/tunnel/ngroktest"
)

func TestSandboxTestEventFailedRoundTrip(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("--sandbox", "test-event", "--status", "FAILED")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "ASYNC_TASK_RESULT") || !strings.Contains(r.stdout, "FAILED") {
		t.Fatalf("the FAILED event should be printed: %q", r.stdout)
	}
	r = c.run("--sandbox", "--json", "test-event", "--status", "task_status_succeed", "--task", "txt2video")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var ev struct {
		EventType string `json:"event_type"`
		Payload   struct {
			Task struct {
				Status   string `json:"status"`
				TaskType string `json:"task_type"`
			} `json:"task"`
			Videos []any `json:"videos"`
		} `json:"payload"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &ev); err != nil || ev.Payload.Task.Status != "TASK_STATUS_SUCCEED" || len(ev.Payload.Videos) != 1 {
		t.Fatalf("--json should print the raw event: %v %q", err, r.stdout)
	}
}

// hookApp is a local app that records what listen forwards to it.
type hookApp struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	hdrs   []http.Header
	status int
}

func newHookApp(t *testing.T, status int) *hookApp {
	a := &hookApp{status: status}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost { // listen probes the target at start
			w.WriteHeader(a.status)
			return
		}
		a.mu.Lock()
		a.bodies = append(a.bodies, b)
		a.hdrs = append(a.hdrs, r.Header.Clone())
		a.mu.Unlock()
		w.WriteHeader(a.status)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func TestListenForwardsARealShapedEventAndPrintsBothDirections(t *testing.T) {
	t.Parallel()
	app := newHookApp(t, http.StatusAccepted)
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	save := filepath.Join(c.dir, "events")
	done := make(chan result, 1)
	go func() {
		done <- c.run("listen", "--tunnel", "local", "--forward-to", app.srv.URL+"/hook", "-H", "X-Env: test",
			"--max-events", "1", "--save", save)
	}()
	var hook string
	select {
	case hook = <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("listen did not become ready")
	}
	event, _ := os.ReadFile(filepath.Join(repoRoot, "pkg", "novita", "testdata", "webhook-txt2img-succeed.json"))
	resp, err := http.Post(hook, "application/json", bytes.NewReader(event))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("the sender should see the app's status 202, got %d", resp.StatusCode)
	}
	r := <-done
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	app.mu.Lock()
	forwarded := len(app.bodies)
	app.mu.Unlock()
	if forwarded != 1 || !bytes.Equal(app.bodies[0], event) || app.hdrs[0].Get("X-Env") != "test" {
		t.Fatalf("forwarded body/header not byte-exact: %d bodies %q %v", len(app.bodies), app.bodies, app.hdrs)
	}
	if !strings.Contains(r.stdout, "f6aec953-2e81-4e8b-938e-2ceab54d6df9") || !strings.Contains(r.stdout, "SUCCEED") {
		t.Fatalf("event line missing: %q", r.stdout)
	}
	if !strings.Contains(r.stdout+r.stderr, "<-- [202] POST") {
		t.Fatalf("the app's answer should be printed:\n%s\n%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "^C to quit") {
		t.Errorf("banner missing:\n%s", r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(save, "*.json"))
	if len(files) != 1 {
		t.Fatalf("--save wrote %d files", len(files))
	}
	// Replay the saved event to the app: the same bytes arrive again.
	rr := c.run("test-event", "--from-file", files[0], "--to", app.srv.URL+"/hook")
	app.mu.Lock()
	defer app.mu.Unlock()
	if rr.code != 0 || len(app.bodies) != 2 || !bytes.Equal(app.bodies[1], event) {
		t.Fatalf("replay: exit %d, %d bodies\n%s", rr.code, len(app.bodies), rr.stderr)
	}
}

func TestListenWithoutAReceiverIsAnError(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["NOVITA_BASE_URL"] = "https://api.novita.ai"
	r := c.run("listen", "--tunnel", "none")
	if r.code != 2 || !strings.Contains(r.stderr, "NGROK_AUTHTOKEN") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

func TestLocalTestEventRetriesLikeNovita(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.WriteHeader(503)
			return
		}
		w.WriteHeader(200)
	}))
	defer flaky.Close()
	c := newCLI(t)
	r := c.run("test-event", "--local", "--to", flaky.URL, "--status", "failed", "--retry-delay", "10ms", "--set", "payload.task.reason=boom")
	if r.code != 0 || n.Load() != 3 {
		t.Fatalf("exit %d after %d attempts\n%s", r.code, n.Load(), r.stderr)
	}
	if strings.Count(r.stderr, "attempt ") != 3 || !strings.Contains(r.stderr, "[503]") {
		t.Fatalf("each attempt should be printed with status and latency:\n%s", r.stderr)
	}
	var m atomic.Int32
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.Add(1)
		w.WriteHeader(500)
	}))
	defer down.Close()
	r = c.run("test-event", "--local", "--to", down.URL, "--retry-delay", "5ms")
	if r.code != 1 || m.Load() != 6 {
		t.Fatalf("always 500: exit %d after %d attempts (want 1 after 6)", r.code, m.Load())
	}
	if r := c.run("test-event", "--local"); r.code != 2 {
		t.Fatalf("--local without --to must be a usage error, got %d", r.code)
	}
	// Nothing listening: the hint is about the user's app, not the API's address.
	const deadURL = "http://127.0.0.1:1/hooks" // tcpmux: a privileged port nothing on a test machine serves
	r = c.run("test-event", "--local", "--to", deadURL, "--retry-delay", "1ms")
	if r.code != 1 || !strings.Contains(r.stderr, "nothing is listening at "+deadURL+": is your app running") ||
		strings.Contains(r.stderr, "API's address") {
		t.Fatalf("a dead endpoint: exit %d\n%s", r.code, r.stderr)
	}
}

func TestListenStopsCleanlyOnInterrupt(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- c.runCtx(ctx, "listen", "--tunnel", "local") }()
	<-ready
	cancel()
	select {
	case r := <-done:
		if r.code != 0 && r.code != 130 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("listen did not stop on Ctrl-C")
	}
}

func TestListenThroughNgrokSurvivesASessionDrop(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{})
	c := newCLI(t)
	c.useEdge(edge)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	done := make(chan result, 1)
	go func() { done <- c.run("listen", "--tunnel", "ngrok", "--max-events", "1") }()
	var hook string
	select {
	case hook = <-ready:
	case <-time.After(15 * time.Second):
		t.Fatal("listen did not become ready")
	}
	if !strings.HasPrefix(hook, edge.PublicURL()) {
		t.Fatalf("hook %q is not on the tunnel %q", hook, edge.PublicURL())
	}
	edge.DropSessions()
	event, _ := os.ReadFile(filepath.Join(repoRoot, "pkg", "novita", "testdata", "webhook-txt2img-succeed.json"))
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := edge.HTTPClient().Post(hook, "application/json", bytes.NewReader(event))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the event never got through after the reconnect: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	r := <-done
	if r.code != 0 || !strings.Contains(r.stdout, "f6aec953-2e81-4e8b-938e-2ceab54d6df9") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "reconnecting") || !strings.Contains(r.stderr, "reconnected") {
		t.Fatalf("listen should say it reconnected:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, ngrokToken) {
		t.Fatal("token leaked")
	}
}
