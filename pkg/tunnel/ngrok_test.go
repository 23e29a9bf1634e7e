package tunnel_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/novita-cli/novita/pkg/clierr"
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

// leakCheck snapshots the goroutines running now; call the result after closing the edge to
// assert that nothing started since (tunnel, library, edge) is still running.
func leakCheck(t *testing.T) func() {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	return func() {
		t.Helper()
		goleak.VerifyNone(t, ignore)
	}
}

func ngrokConfig(e *ngroktest.Edge, logs *syncBuffer, status *statusLog) tunnel.Config {
	cfg := tunnel.Config{
		Mode:            tunnel.ModeNgrok,
		NgrokAuthtoken:  secretToken,
		ConnectTimeout:  15 * time.Second,
		NgrokConnectURL: e.ConnectAddr(),
		NgrokRootCAs:    e.CertPool(),
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
	if n := edge.LiveSessions(); n != 0 {
		t.Fatalf("%d agent sessions still connected after Close", n)
	}
	if strings.Contains(logs.String(), secretToken) {
		t.Fatal("authtoken in library logs")
	}
	client.CloseIdleConnections()
	edge.Close()
	verify()
}

func TestNgrokReservedURL(t *testing.T) {
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

func TestNgrokBadTokenFailsFast(t *testing.T) {
	verify := leakCheck(t)
	edge := ngroktest.Start(t, ngroktest.Options{RejectAuth: true})
	var logs syncBuffer
	var status statusLog
	start := time.Now()
	tun, err := tunnel.Open(context.Background(), ngrokConfig(edge, &logs, &status))
	elapsed := time.Since(start)
	if err == nil {
		tun.Close()
		t.Fatal("Open succeeded with a rejected token")
	}
	if elapsed > 5*time.Second {
		t.Fatalf("Open took %s with a 15s timeout; want a fast failure", elapsed)
	}
	if clierr.KindOf(err) != clierr.KindAuth || clierr.Code(err) != clierr.ExitAuth {
		t.Fatalf("kind %v: %v", clierr.KindOf(err), err)
	}
	for _, want := range []string{"NGROK_AUTHTOKEN", "novita config set ngrok_authtoken", "ERR_NGROK_107"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if edge.LastAuthtoken() != secretToken {
		t.Fatalf("the edge did not see the token (saw %q)", edge.LastAuthtoken())
	}
	if strings.Contains(err.Error(), secretToken) {
		t.Fatalf("error leaks the authtoken: %v", err)
	}
	// The fake edge quotes the token back like ngrok does; it must be redacted in the logs.
	if l := logs.String(); strings.Contains(l, secretToken) || !strings.Contains(l, "[REDACTED]") {
		t.Fatalf("logs leak the token or never saw the echo:\n%s", l)
	}
	for _, line := range status.all() {
		if strings.Contains(line, secretToken) {
			t.Fatalf("status leaks the authtoken: %q", line)
		}
	}
	if edge.Sessions() != 0 {
		t.Fatalf("edge counted %d successful auths", edge.Sessions())
	}
	edge.Close()
	verify()
}

func TestNgrokSessionLimitIsPermanent(t *testing.T) {
	verify := leakCheck(t)
	edge := ngroktest.Start(t, ngroktest.Options{
		AuthError: "Your account is limited to 1 simultaneous ngrok agent sessions.\n\nERR_NGROK_108",
	})
	start := time.Now()
	_, err := tunnel.Open(context.Background(), ngrokConfig(edge, nil, nil))
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Open: %v after %s; want a fast failure", err, time.Since(start))
	}
	if clierr.KindOf(err) != clierr.KindGeneric || !strings.Contains(err.Error(), "ERR_NGROK_108") ||
		!strings.Contains(err.Error(), "session") {
		t.Fatalf("session limit error: kind %v: %v", clierr.KindOf(err), err)
	}
	edge.Close()
	verify()
}

func TestNgrokUnreachableEdgeTimesOut(t *testing.T) {
	verify := leakCheck(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more

	start := time.Now()
	_, err = tunnel.Open(context.Background(), tunnel.Config{
		Mode: tunnel.ModeNgrok, NgrokAuthtoken: secretToken, ConnectTimeout: time.Second,
		NgrokConnectURL: addr,
	})
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	if elapsed < time.Second || elapsed > 4*time.Second {
		t.Fatalf("Open failed after %s; want just after the 1s timeout", elapsed)
	}
	if !strings.Contains(err.Error(), "could not open ngrok tunnel") || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("unclear error: %v", err)
	}
	if k := clierr.KindOf(err); k != clierr.KindGeneric {
		t.Fatalf("kind %v, want generic (the caller falls back to polling)", k)
	}
	verify()
}

func TestNgrokOpenHonoursContext(t *testing.T) {
	verify := leakCheck(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err = tunnel.Open(ctx, tunnel.Config{Mode: tunnel.ModeNgrok, NgrokAuthtoken: secretToken, NgrokConnectURL: addr})
	if !errors.Is(err, context.Canceled) || clierr.KindOf(err) != clierr.KindInterrupted {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("cancel took %s", time.Since(start))
	}
	verify()
}

func TestNgrokMissingToken(t *testing.T) {
	_, err := tunnel.Open(context.Background(), tunnel.Config{Mode: tunnel.ModeNgrok})
	if clierr.KindOf(err) != clierr.KindAuth || !strings.Contains(err.Error(), "NGROK_AUTHTOKEN") {
		t.Fatalf("got %v", err)
	}
}

func TestNgrokTokenRevokedWhileRunning(t *testing.T) {
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
