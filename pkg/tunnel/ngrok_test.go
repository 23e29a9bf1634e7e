package tunnel_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/tunnel"
	"github.com/novita-cli/novita/pkg/tunnel/ngroktest"
)

const secretToken = "2fakeTOKENabc123_SecretValue"

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func debugLogger(b *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Every test tunnel beats fast: Close waits for the library's heartbeat goroutines (the next tick,
// interval+tolerance after a lost session). The tolerance stays seconds above the fake edge's
// longest hold of an echo (1.5 s while an Auth is in flight), so a loaded machine never misses one.
const (
	testHeartbeat = 100 * time.Millisecond
	testTolerance = 3 * time.Second
)

func ngrokConfig(e *ngroktest.Edge, logs *syncBuffer, status *statusLog) tunnel.Config {
	cfg := tunnel.Config{
		Mode:                    tunnel.ModeNgrok,
		NgrokAuthtoken:          secretToken,
		ConnectTimeout:          15 * time.Second,
		NgrokConnectURL:         e.ConnectAddr(),
		NgrokRootCAs:            e.CertPool(),
		NgrokHeartbeatInterval:  testHeartbeat,
		NgrokHeartbeatTolerance: testTolerance,
	}
	if logs != nil {
		cfg.Logger = debugLogger(logs)
	}
	if status != nil {
		cfg.OnStatus = status.add
	}
	return cfg
}

func TestNgrokRoundTripThroughEdge(t *testing.T) {
	t.Parallel()
	verify := leakCheck(t)
	edge := ngroktest.Start(t, ngroktest.Options{})
	var logs syncBuffer
	tun, err := tunnel.Open(context.Background(), ngrokConfig(edge, &logs, nil))
	if err != nil {
		t.Fatal(err)
	}
	if tun.Mode() != tunnel.ModeNgrok || tun.URL() != edge.PublicURL() {
		t.Fatalf("Mode/URL = %q %q, want ngrok %q", tun.Mode(), tun.URL(), edge.PublicURL())
	}
	if edge.LastAuthtoken() != secretToken {
		t.Fatalf("edge saw token %q", edge.LastAuthtoken())
	}
	if i, tol := edge.LastHeartbeat(); i != testHeartbeat || tol != testTolerance {
		t.Fatalf("the agent announced heartbeat %s/%s, want the configured %s/%s", i, tol, testHeartbeat, testTolerance)
	}
	serve(t, tun, echoHandler())

	// The tunnel URL is directly reachable by any HTTP client (the fake edge's public side).
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for i := 0; i < 3; i++ {
		code, body := post(t, client, tun.URL()+"/webhook/deadbeef", `{"event_type":"ASYNC_TASK_RESULT"}`)
		if code != 200 || body != `POST /webhook/deadbeef {"event_type":"ASYNC_TASK_RESULT"}` {
			t.Fatalf("round trip %d: %d %q", i, code, body)
		}
	}

	if err := tun.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := tun.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	select {
	case <-tun.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
	waitFor(t, "the edge to see the agent leave", 2*time.Second, func() bool { return edge.LiveSessions() == 0 })
	if strings.Contains(logs.String(), secretToken) {
		t.Fatal("authtoken in library logs")
	}
	client.CloseIdleConnections()
	edge.Close()
	verify()
}

func TestNgrokReservedURL(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{})
	cfg := ngrokConfig(edge, nil, nil)
	cfg.NgrokURL = "https://novita-hooks.ngrok.test/"
	tun, err := tunnel.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	if tun.URL() != "https://novita-hooks.ngrok.test" {
		t.Fatalf("URL() = %q", tun.URL())
	}
	serve(t, tun, echoHandler())
	code, body := post(t, edge.HTTPClient(), tun.URL()+"/webhook/x", "hi")
	if code != 200 || body != "POST /webhook/x hi" {
		t.Fatalf("got %d %q", code, body)
	}
}

func TestNgrokReconnectsAfterDrop(t *testing.T) {
	t.Parallel()
	verify := leakCheck(t)
	edge := ngroktest.Start(t, ngroktest.Options{})
	var status statusLog
	tun, err := tunnel.Open(context.Background(), ngrokConfig(edge, nil, &status))
	if err != nil {
		t.Fatal(err)
	}
	serve(t, tun, echoHandler())
	client := edge.HTTPClient()
	if code, _ := post(t, client, tun.URL()+"/a", "1"); code != 200 {
		t.Fatalf("before drop: %d", code)
	}

	if n := edge.DropSessions(); n != 1 {
		t.Fatalf("dropped %d sessions", n)
	}
	waitFor(t, "reconnected status", 10*time.Second, func() bool {
		lines := status.all()
		return len(lines) >= 2 && lines[len(lines)-1] == "reconnected"
	})
	lines := status.all()
	t.Logf("status lines: %q", lines)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "reconnecting: ") {
		t.Fatalf("status lines %q, want reconnecting then reconnected", lines)
	}
	if edge.Sessions() != 2 {
		t.Fatalf("edge saw %d sessions, want 2", edge.Sessions())
	}
	code, body := post(t, client, tun.URL()+"/after", "2")
	if code != 200 || body != "POST /after 2" {
		t.Fatalf("after reconnect: %d %q", code, body)
	}
	select {
	case <-tun.Done():
		t.Fatal("Done closed by a reconnect")
	default:
	}
	if err := tun.Close(); err != nil {
		t.Fatal(err)
	}
	if got := status.all(); len(got) != 2 {
		t.Fatalf("Close produced status lines: %q", got)
	}
	edge.Close()
	verify()
}

func TestNgrokTokenRevokedWhileRunning(t *testing.T) {
	t.Parallel()
	verify := leakCheck(t)
	edge := ngroktest.Start(t, ngroktest.Options{})
	var status statusLog
	tun, err := tunnel.Open(context.Background(), ngrokConfig(edge, nil, &status))
	if err != nil {
		t.Fatal(err)
	}
	serve(t, tun, echoHandler())
	edge.SetRejectAuth(true)
	edge.DropSessions()
	select {
	case <-tun.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("Done not closed after the token was rejected; status %q", status.all())
	}
	lines := status.all()
	t.Logf("status lines: %q", lines)
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "tunnel lost: ") || !strings.Contains(last, "NGROK_AUTHTOKEN") ||
		strings.Contains(strings.Join(lines, "\n"), secretToken) {
		t.Fatalf("status lines %q", lines)
	}
	if err := tun.Close(); err != nil {
		t.Fatal(err)
	}
	edge.Close()
	verify()
}
