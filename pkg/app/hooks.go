package app

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/tunnel"
	"github.com/novita-cli/novita/pkg/webhook"
)

// TunnelFlags are the receiver/tunnel flags shared by submit --wait, wait, listen and test-event.
type TunnelFlags struct {
	Tunnel     string
	PublicURL  string
	ListenAddr string
	NgrokURL   string
	Path       string
}

// hookSession is a webhook receiver behind a tunnel, routing task results to the waiters that asked
// for them. Results that arrive before anyone asked (a fast task, a test event) are kept until claimed.
type hookSession struct {
	tun  tunnel.Tunnel
	recv *webhook.Receiver
	URL  string

	mu      sync.Mutex
	subs    map[string]chan *novita.TaskResult
	pending map[string]*novita.TaskResult
	all     chan webhook.Delivery // every delivery, for test-event; nil unless asked
	done    chan struct{}

	closeOnce sync.Once
	closed    chan struct{}
}

// openHooks opens a tunnel and a receiver on it. It returns (nil, nil) when the mode resolves to none.
func (e *Env) openHooks(ctx context.Context, tf TunnelFlags, keepAll bool) (*hookSession, error) {
	tun, err := e.openTunnel(ctx, tf, !keepAll)
	if err != nil || tun == nil {
		return nil, err
	}
	recv, err := webhook.New(webhook.Options{Path: tf.Path})
	if err != nil {
		tun.Close()
		return nil, err
	}
	recv.Start(tun.Listener())
	h := &hookSession{
		tun: tun, recv: recv, URL: recv.URL(tun.URL()),
		subs: map[string]chan *novita.TaskResult{}, pending: map[string]*novita.TaskResult{},
		done: make(chan struct{}), closed: make(chan struct{}),
	}
	if keepAll {
		h.all = make(chan webhook.Delivery, 64)
	}
	go h.route()
	select {
	case <-recv.Ready():
	case <-ctx.Done():
		h.Close()
		return nil, ctx.Err()
	}
	return h, nil
}

func (h *hookSession) route() {
	defer close(h.done)
	// The receiver flags a repeat of (task, status) as a duplicate, but a forged event could then mask
	// the genuine one. Waiters re-read the result anyway, so only byte-identical retries are skipped.
	seen := map[[32]byte]bool{}
	for d := range h.recv.Deliveries() {
		if h.all != nil {
			select {
			case h.all <- d:
			default:
			}
		}
		sum := sha256.Sum256(d.Body)
		if d.Result == nil || seen[sum] {
			continue
		}
		seen[sum] = true
		id := d.Result.Task.TaskID
		h.mu.Lock()
		if ch, ok := h.subs[id]; ok {
			select {
			case ch <- d.Result:
			default: // the waiter already has a signal queued; one is enough
			}
		} else {
			h.pending[id] = d.Result
		}
		h.mu.Unlock()
	}
	if h.all != nil {
		close(h.all)
	}
}

// Subscribe returns the channel on which results for id arrive.
func (h *hookSession) Subscribe(id string) <-chan *novita.TaskResult {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan *novita.TaskResult, 4)
	h.subs[id] = ch
	if r, ok := h.pending[id]; ok {
		ch <- r
		delete(h.pending, id)
	}
	return ch
}

// CloseAsync starts shutting the receiver and tunnel down without waiting: once a task's final state
// is known they are not needed, and closing an ngrok session takes a moment that can overlap the
// downloads. It is safe on a nil session and more than once.
func (h *hookSession) CloseAsync() {
	if h == nil {
		return
	}
	h.closeOnce.Do(func() {
		go func() {
			defer close(h.closed)
			h.shutdown()
		}()
	})
}

// Close shuts the receiver and tunnel down and waits until they are gone.
func (h *hookSession) Close() {
	if h == nil {
		return
	}
	h.CloseAsync()
	<-h.closed
}

// shutdown stops the receiver, then the tunnel, and waits for the router.
func (h *hookSession) shutdown() {
	// Handlers answer within milliseconds, but http.Server.Shutdown also waits for connections a
	// sender opened and never used (up to 5 s); past a short grace those are simply cut.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_ = h.recv.Shutdown(ctx)
	_ = h.tun.Close()
	<-h.done
}

// openWaitHooks opens the receiver of submit --wait (one task or a batch). A tunnel that cannot open
// is only a warning, since polling carries on; nil means there is no receiver.
func (e *Env) openWaitHooks(ctx context.Context, tf TunnelFlags) (*hookSession, error) {
	hooks, err := e.openHooks(ctx, tf, false)
	if err != nil {
		return nil, e.tunnelOpenFailed(err)
	}
	if hooks != nil {
		e.IO.Statusf("webhook receiver ready at %s/... (%s tunnel; the path is secret)", hooks.tun.URL(), hooks.tun.Mode())
	}
	return hooks, nil
}

// tunnelOpenFailed tells the user a tunnel failed in submit --wait: a warning, then polling.
func (e *Env) tunnelOpenFailed(err error) error {
	switch clierr.KindOf(err) {
	case clierr.KindUsage, clierr.KindAuth, clierr.KindInterrupted:
		return err // a mistake to fix or a Ctrl-C, not a reason to fall back
	}
	e.IO.Warnf("webhook tunnel not available: %v; waiting by polling instead", err)
	return nil
}

// openTunnel resolves the tunnel mode and opens it; (nil, nil) when the mode resolves to none.
// pollingHint says whether the caller waits by polling without one, and should say so.
func (e *Env) openTunnel(ctx context.Context, tf TunnelFlags, pollingHint bool) (tunnel.Tunnel, error) {
	mode, err := tunnel.ParseMode(tf.Tunnel)
	if err != nil {
		return nil, err
	}
	mode, hint, err := tunnel.ResolveMode(mode, e.BaseURL, tf.PublicURL, e.NgrokAuthtoken != "")
	if err != nil {
		return nil, err
	}
	if mode == tunnel.ModeNone {
		if hint != "" && pollingHint {
			e.IO.Statusf("%s", hint)
		}
		return nil, nil
	}
	if mode == tunnel.ModeNgrok && e.NgrokAuthtoken == "" {
		return nil, clierr.Authf("--tunnel ngrok needs an authtoken: set NGROK_AUTHTOKEN or run: novita config set ngrok_authtoken")
	}
	return tunnel.Open(ctx, tunnel.Config{
		Mode: mode, ListenAddr: tf.ListenAddr, PublicURL: tf.PublicURL,
		NgrokAuthtoken: e.NgrokAuthtoken, NgrokURL: tf.NgrokURL,
		ConnectTimeout: e.TunnelConnectTimeout, Logger: e.Logger,
		OnStatus:        func(msg string) { e.IO.Statusf("tunnel: %s", msg) },
		NgrokConnectURL: e.NgrokConnectURL, NgrokRootCAs: e.NgrokRootCAs,
	})
}
