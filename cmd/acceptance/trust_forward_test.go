package acceptance

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A --forward-to naming listen's own receiver is refused before any event could loop through it, and
// the password in a forward URL is never printed.
func TestListenRefusesForwardingToItself(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	c := newCLI(t)
	for _, target := range []string{"http://127.0.0.1:" + port + "/webhook/x", "http://user:s3cret@localhost:" + port + "/"} {
		r := c.run("listen", "--tunnel", "local", "--listen-addr", "127.0.0.1:"+port, "--forward-to", target, "--max-events", "1")
		if r.code != 2 || !strings.Contains(r.stderr, "own receiver") {
			t.Fatalf("%s: exit %d, want 2 naming the loop\n%s", target, r.code, r.stderr)
		}
		if strings.Contains(r.stderr+r.stdout, "s3cret") {
			t.Fatalf("the password was printed:\n%s", r.stderr)
		}
	}
}

func TestListenRedactsUserinfoInForwardURL(t *testing.T) {
	t.Parallel()
	app := newHookApp(t, http.StatusOK)
	target := strings.Replace(app.srv.URL, "http://", "http://user:s3cret@", 1) + "/hook"
	c := newCLI(t)
	ready := make(chan string, 1)
	c.deps.ListenReady = ready
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- c.runCtx(ctx, "listen", "--tunnel", "local", "--forward-to", target) }()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("listen did not become ready")
	}
	cancel()
	r := <-done
	if strings.Contains(r.stderr+r.stdout, "s3cret") || !strings.Contains(r.stderr, "Forwarding events to http://REDACTED@") {
		t.Fatalf("the banner must show the forward URL without its password:\n%s", r.stderr)
	}
}
