// Package tunnel owns the public entry point of the webhook receiver: a net.Listener plus the base URL
// that Novita should deliver to. Two kinds exist: "local" (a loopback or bring-your-own-URL listener)
// and "ngrok" (an agent of golang.ngrok.com/ngrok/v2 with one endpoint). The ngrok library retries
// forever and logs on its own; this package bounds the connect, fails fast on permanent errors,
// routes the library's logs to the caller's logger, keeps the authtoken out of every message, and
// shuts the library down completely on Close.
package tunnel

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"time"
)

// Tunnel is a public entry point whose traffic arrives on a net.Listener.
type Tunnel interface {
	// Listener is where connections from the public side arrive; serve HTTP on it
	// (the caller runs http.Server.Serve). Closing it only stops accepting; Close ends the tunnel.
	Listener() net.Listener
	// URL is the public base URL without a trailing slash, e.g. "https://abc.ngrok.app".
	URL() string
	Mode() Mode
	// Done is closed when the tunnel is closed or has died for good.
	Done() <-chan struct{}
	// Close is idempotent. For ngrok it closes the endpoint, then disconnects the agent and waits
	// for the library's goroutines.
	Close() error
}

// Config selects and configures a tunnel for Open.
type Config struct {
	Mode           Mode
	ListenAddr     string        // local: default "127.0.0.1:0"
	PublicURL      string        // local: advertised URL instead of the loopback one
	NgrokAuthtoken string        // ngrok: required; never printed
	NgrokURL       string        // ngrok: reserved domain, e.g. "https://foo.ngrok.app"
	ConnectTimeout time.Duration // ngrok: bound on connect + bind; default 15s
	Logger         *slog.Logger  // library logs go here (nil = discard)
	// OnStatus receives user-facing status lines ("reconnecting: ...", "reconnected",
	// "tunnel lost: ..."). It is called from library goroutines and must not block for long.
	OnStatus func(msg string)

	// Test hooks, used with the fake edge in package ngroktest.
	NgrokConnectURL string         // host:port of the ngrok edge
	NgrokRootCAs    *x509.CertPool // CAs trusted for the edge's certificate
	// NgrokHeartbeatInterval and NgrokHeartbeatTolerance time the session's heartbeat (zero:
	// DefaultHeartbeatInterval, DefaultHeartbeatTolerance). Close waits out the library's heartbeat
	// timers (the next tick after a close, interval+tolerance after a lost session), so tests shorten
	// the interval. A shorter tolerance cuts healthy sessions on a loaded machine: keep it seconds.
	NgrokHeartbeatInterval  time.Duration
	NgrokHeartbeatTolerance time.Duration
}

// DefaultConnectTimeout bounds how long Open waits for an ngrok session and endpoint.
const DefaultConnectTimeout = 15 * time.Second

// DefaultListenAddr is where a local tunnel listens when Config.ListenAddr is empty.
const DefaultListenAddr = "127.0.0.1:0"

// Open starts a tunnel. cfg.Mode must be ModeLocal or ModeNgrok; resolve auto with ResolveMode
// first, and do not call Open for ModeNone. ctx bounds only the opening, not the tunnel's life.
func Open(ctx context.Context, cfg Config) (Tunnel, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	switch cfg.Mode {
	case ModeLocal:
		return openLocal(ctx, cfg)
	case ModeNgrok:
		return openNgrok(ctx, cfg)
	case ModeNone:
		return nil, fmt.Errorf("tunnel mode %q has no tunnel to open", cfg.Mode)
	default:
		return nil, fmt.Errorf("tunnel mode %q cannot be opened: resolve it to local or ngrok first", cfg.Mode)
	}
}
