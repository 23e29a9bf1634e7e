package tunnel

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
)

// retryDialer is handed to the ngrok library as its Dialer. It keeps retrying an unreachable edge
// itself, with its own short backoff, until it connects or stop is cancelled. Why: every dial error
// returned to the library grows the library's reconnect backoff (up to 30s) and leaves a goroutine
// sleeping through it, which would both slow reconnects and outlive Close. Here the only dial error
// the library ever sees is the final one, after stop.
type retryDialer struct {
	stop   context.Context // cancelled when the tunnel is aborted or closed
	logger *slog.Logger
	onDial func() // called after each successful dial
	// giveUp, when set, is asked about an unreachable edge (see unreachable); true ends the retries.
	giveUp func(error) bool

	mu      sync.Mutex
	lastErr error
}

const (
	dialAttemptTimeout = 10 * time.Second
	dialRetryMin       = 250 * time.Millisecond
	dialRetryMax       = 5 * time.Second
)

func (d *retryDialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

func (d *retryDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(d.stop, cancel)()

	nd := net.Dialer{Timeout: dialAttemptTimeout}
	wait := dialRetryMin
	for {
		conn, err := nd.DialContext(ctx, network, addr)
		if err == nil {
			d.mu.Lock()
			d.lastErr = nil
			d.mu.Unlock()
			if d.onDial != nil {
				d.onDial()
			}
			return conn, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		d.mu.Lock()
		d.lastErr = err
		d.mu.Unlock()
		if d.giveUp != nil && unreachable(err) && d.giveUp(err) {
			return nil, err
		}
		d.logger.Debug("ngrok edge unreachable, retrying", "addr", addr, "in", wait, "err", err)
		if clock.Sleep(ctx, wait) != nil {
			return nil, err
		}
		wait = min(wait*2, dialRetryMax)
	}
}

// LastError is the most recent failed dial, to explain a connect timeout.
func (d *retryDialer) LastError() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lastErr
}
