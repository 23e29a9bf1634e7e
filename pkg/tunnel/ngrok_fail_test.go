package tunnel_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/tunnel"
	"github.com/novita-cli/novita/pkg/tunnel/ngroktest"
)

func TestNgrokBadTokenFailsFast(t *testing.T) {
	t.Parallel()
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
	t.Logf("error: %v", err)
	if clierr.KindOf(err) != clierr.KindAuth || clierr.Code(err) != clierr.ExitAuth {
		t.Fatalf("kind %v: %v", clierr.KindOf(err), err)
	}
	for _, want := range []string{"NGROK_AUTHTOKEN", "ERR_NGROK_107"} { // the command adds how to set it
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
	t.Parallel()
	verify := leakCheck(t)
	edge := ngroktest.Start(t, ngroktest.Options{
		AuthError: "Your account is limited to 1 simultaneous ngrok agent sessions.\n\nERR_NGROK_108",
	})
	start := time.Now()
	_, err := tunnel.Open(context.Background(), ngrokConfig(edge, nil, nil))
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Open: %v after %s; want a fast failure", err, time.Since(start))
	}
	t.Logf("error: %v", err)
	if clierr.KindOf(err) != clierr.KindGeneric || !strings.Contains(err.Error(), "ERR_NGROK_108") ||
		!strings.Contains(err.Error(), "session") {
		t.Fatalf("session limit error: kind %v: %v", clierr.KindOf(err), err)
	}
	edge.Close()
	verify()
}

// An edge nobody answers at (connection refused) fails Open at once with the reason, instead of
// retrying until the connect timeout: the timeout here is an hour, so returning at all proves it.
func TestNgrokUnreachableEdgeFailsFast(t *testing.T) {
	t.Parallel()
	verify := leakCheck(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more

	_, err = tunnel.Open(context.Background(), tunnel.Config{
		Mode: tunnel.ModeNgrok, NgrokAuthtoken: secretToken, ConnectTimeout: time.Hour,
		NgrokConnectURL: addr, NgrokHeartbeatInterval: testHeartbeat, NgrokHeartbeatTolerance: testTolerance,
	})
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	t.Logf("error: %v", err)
	if !strings.Contains(err.Error(), "could not open ngrok tunnel: cannot reach the ngrok service") ||
		!strings.Contains(err.Error(), "refused") || strings.Contains(err.Error(), "within") {
		t.Fatalf("unclear error: %v", err)
	}
	if k := clierr.KindOf(err); k != clierr.KindGeneric {
		t.Fatalf("kind %v, want generic (the caller falls back to polling)", k)
	}
	verify()
}

func TestNgrokOpenHonoursContext(t *testing.T) {
	t.Parallel()
	verify := leakCheck(t)
	// An edge that accepts and never answers (a refused port fails at once, see above).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	accepted := make(chan net.Conn, 4)
	go func() {
		defer close(accepted)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err = tunnel.Open(ctx, tunnel.Config{Mode: tunnel.ModeNgrok, NgrokAuthtoken: secretToken, NgrokConnectURL: addr,
		NgrokHeartbeatInterval: testHeartbeat, NgrokHeartbeatTolerance: testTolerance})
	if !errors.Is(err, context.Canceled) || clierr.KindOf(err) != clierr.KindInterrupted {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("cancel took %s", time.Since(start))
	}
	ln.Close()
	for c := range accepted {
		c.Close()
	}
	verify()
}

func TestNgrokMissingToken(t *testing.T) {
	t.Parallel()
	_, err := tunnel.Open(context.Background(), tunnel.Config{Mode: tunnel.ModeNgrok})
	// The command line words it, with how to give a token (cmdutil.TunnelError).
	if clierr.KindOf(err) != clierr.KindAuth || !errors.Is(err, tunnel.ErrNoAuthtoken) {
		t.Fatalf("got %v", err)
	}
}

func TestNgrokUntrustedEdgeFailsFast(t *testing.T) {
	t.Parallel()
	verify := leakCheck(t)
	edge := ngroktest.Start(t, ngroktest.Options{})
	cfg := ngrokConfig(edge, nil, nil)
	cfg.NgrokRootCAs = nil // the fake edge's certificate is not signed by ngrok's CA
	start := time.Now()
	_, err := tunnel.Open(context.Background(), cfg)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Open: %v after %s; want a fast failure", err, time.Since(start))
	}
	t.Logf("error: %v", err)
	if !strings.Contains(err.Error(), "could not open ngrok tunnel") || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("unclear error: %v", err)
	}
	edge.Close()
	verify()
}

func TestNgrokSilentEdgeTimesOut(t *testing.T) {
	t.Parallel()
	verify := leakCheck(t)
	// Accepts TCP connections and never says a word: the TLS handshake and Auth hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 4)
	go func() {
		defer close(accepted)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	start := time.Now()
	_, err = tunnel.Open(context.Background(), tunnel.Config{
		Mode: tunnel.ModeNgrok, NgrokAuthtoken: secretToken, ConnectTimeout: time.Second,
		NgrokConnectURL: ln.Addr().String(), NgrokHeartbeatInterval: testHeartbeat, NgrokHeartbeatTolerance: testTolerance,
	})
	if err == nil || time.Since(start) < time.Second || time.Since(start) > 4*time.Second {
		t.Fatalf("Open: %v after %s", err, time.Since(start))
	}
	t.Logf("error: %v", err)
	if !strings.Contains(err.Error(), "could not open ngrok tunnel within 1s") {
		t.Fatalf("unclear error: %v", err)
	}
	ln.Close()
	for c := range accepted {
		c.Close()
	}
	verify()
}
