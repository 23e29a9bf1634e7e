// Package hooks owns the one lifecycle of a webhook receiver behind a tunnel, shared by submit --wait,
// batches, listen and test-event: resolve the tunnel mode, open the tunnel, serve the receiver on it,
// wait until it is ready, and close both, serving at most MaxConns connections at once. Router
// (router.go) turns the deliveries into the one stream of task results the wait engine reads.
package hooks

import (
	"context"
	"crypto/x509"
	"log/slog"
	"time"

	"golang.org/x/net/netutil"

	"github.com/novita-cli/novita/pkg/tunnel"
	"github.com/novita-cli/novita/pkg/webhook"
)

// Settings are the receiver flags of a command (--tunnel, --public-url, --listen-addr, --ngrok-url, --path).
type Settings struct {
	Tunnel     string
	PublicURL  string
	ListenAddr string
	NgrokURL   string
	Path       string
}

// Env is what opening a tunnel needs beyond the flags.
type Env struct {
	APIBaseURL     string // a loopback API makes auto resolve to local
	NgrokAuthtoken string
	ConnectTimeout time.Duration
	Logger         *slog.Logger     // the ngrok library's logs
	OnStatus       func(msg string) // tunnel status lines ("reconnecting", ...)
	// CheckToken, when set, vets the authtoken once ngrok is chosen (not before: a bad token must
	// not stop a local tunnel that never sends it).
	CheckToken func() error

	// Test hooks: point the ngrok agent at a fake edge.
	NgrokConnectURL        string
	NgrokRootCAs           *x509.CertPool
	NgrokHeartbeatInterval time.Duration // shortens the session's heartbeat (tunnel.Config)
}

// Resolve turns the requested mode into the one to open. noTunnel reports that auto found no way for
// Novita to reach us (the caller decides whether to say so).
func Resolve(s Settings, env Env) (mode tunnel.Mode, noTunnel bool, err error) {
	m, err := tunnel.ParseMode(s.Tunnel)
	if err != nil {
		return "", false, err
	}
	m, hint, err := tunnel.ResolveMode(m, env.APIBaseURL, s.PublicURL, env.NgrokAuthtoken != "")
	if err != nil {
		return "", false, err
	}
	if m == tunnel.ModeNgrok && env.NgrokAuthtoken == "" {
		return "", false, tunnel.ErrNoAuthtoken
	}
	if m == tunnel.ModeNgrok && env.CheckToken != nil {
		if err := env.CheckToken(); err != nil {
			return "", false, err
		}
	}
	return m, m == tunnel.ModeNone && hint != "", nil
}

// openTunnel opens the tunnel of a resolved mode; nil for ModeNone.
func openTunnel(ctx context.Context, mode tunnel.Mode, s Settings, env Env) (tunnel.Tunnel, error) {
	if mode == tunnel.ModeNone {
		return nil, nil
	}
	return tunnel.Open(ctx, tunnel.Config{
		Mode: mode, ListenAddr: s.ListenAddr, PublicURL: s.PublicURL,
		NgrokAuthtoken: env.NgrokAuthtoken, NgrokURL: s.NgrokURL,
		ConnectTimeout: env.ConnectTimeout, Logger: env.Logger, OnStatus: env.OnStatus,
		NgrokConnectURL: env.NgrokConnectURL, NgrokRootCAs: env.NgrokRootCAs, NgrokHeartbeatInterval: env.NgrokHeartbeatInterval,
	})
}

// Server is a webhook receiver serving on a tunnel.
type Server struct {
	Tunnel   tunnel.Tunnel
	Receiver *webhook.Receiver
	URL      string // the hook URL: the tunnel's public URL plus the secret path

	served chan error
}

// MaxConns bounds the connections a receiver serves at once. Each costs read and write buffers (and
// a body being read); a burst of thousands of senders, as the results of a large batch arrive together,
// would otherwise hold thousands of them. Connections beyond it wait in the kernel's accept queue
// until one closes, and the senders retry what times out.
const MaxConns = 128

// Serve starts a receiver on tun and returns once it accepts requests. On error the tunnel is closed.
func Serve(ctx context.Context, tun tunnel.Tunnel, opts webhook.Options) (*Server, error) {
	rcv, err := webhook.New(opts)
	if err != nil {
		tun.Close()
		return nil, err
	}
	s := &Server{Tunnel: tun, Receiver: rcv, URL: rcv.URL(tun.URL()), served: make(chan error, 1)}
	l := netutil.LimitListener(tun.Listener(), MaxConns)
	go func() { s.served <- rcv.Serve(l) }()
	select {
	case <-rcv.Ready():
		return s, nil
	case <-ctx.Done():
		s.Close(0)
		return nil, ctx.Err()
	}
}

// Open resolves the mode, opens the tunnel and serves a receiver on it: (nil, noTunnel, nil) when the
// mode resolves to none.
func Open(ctx context.Context, s Settings, env Env, opts webhook.Options) (srv *Server, noTunnel bool, err error) {
	mode, noTunnel, err := Resolve(s, env)
	if err != nil {
		return nil, false, err
	}
	tun, err := openTunnel(ctx, mode, s, env)
	if err != nil || tun == nil {
		return nil, noTunnel, err
	}
	if opts.Path == "" {
		opts.Path = s.Path
	}
	srv, err = Serve(ctx, tun, opts)
	return srv, false, err
}

// Deliveries is the stream of accepted requests, closed after Close.
func (s *Server) Deliveries() <-chan webhook.Delivery { return s.Receiver.Deliveries() }

// Stopped receives Serve's result if the receiver stops serving on its own (a broken listener).
func (s *Server) Stopped() <-chan error { return s.served }

// Close stops the receiver, then the tunnel. Handlers answer within milliseconds, but a sender may
// hold an idle connection open (http.Server.Shutdown would wait up to 5 s for it): past grace such
// connections are simply cut. grace 0 means 300 ms.
func (s *Server) Close(grace time.Duration) {
	if grace <= 0 {
		grace = 300 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	_ = s.Receiver.Shutdown(ctx)
	_ = s.Tunnel.Close()
	select {
	case err := <-s.served:
		s.served <- err // keep it for Stopped readers
	case <-time.After(grace):
	}
}
