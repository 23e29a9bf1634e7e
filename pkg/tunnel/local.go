package tunnel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
)

// localTunnel is a plain TCP listener; its URL is the loopback address or the user's own public URL
// (cloudflared, tailscale, a reverse proxy) that forwards to it.
type localTunnel struct {
	ln        net.Listener
	url       string
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

func openLocal(ctx context.Context, cfg Config) (Tunnel, error) {
	publicURL := strings.TrimRight(cfg.PublicURL, "/")
	if publicURL != "" {
		u, err := url.Parse(publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, &PublicURLError{URL: cfg.PublicURL}
		}
	}
	addr := cfg.ListenAddr
	if addr == "" {
		addr = DefaultListenAddr
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if publicURL == "" {
		publicURL = "http://" + dialableAddr(ln.Addr())
	}
	return &localTunnel{ln: ln, url: publicURL, done: make(chan struct{})}, nil
}

// dialableAddr turns a wildcard listen address (0.0.0.0, ::) into 127.0.0.1, so that the
// advertised URL can actually be dialled (Go's wildcard "tcp" listeners are dual-stack).
func dialableAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: tcp.Port}).String()
}

func (t *localTunnel) Listener() net.Listener { return t.ln }
func (t *localTunnel) URL() string            { return t.url }
func (t *localTunnel) Mode() Mode             { return ModeLocal }
func (t *localTunnel) Done() <-chan struct{}  { return t.done }

func (t *localTunnel) Close() error {
	t.closeOnce.Do(func() {
		close(t.done)
		// The http.Server serving the listener may have closed it already.
		if err := t.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			t.closeErr = err
		}
	})
	return t.closeErr
}
