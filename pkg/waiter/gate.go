package waiter

import (
	"context"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
)

// Gate is the back-off shared by every request of a run (a batch's submits, every task-result read): a
// 429 closes it for the Retry-After the API asked for, and nobody sends anything until it reopens. One
// rate-limited answer thus pauses the whole run instead of each worker discovering the limit on its own.
type Gate struct {
	clock clock.Clock
	mu    sync.Mutex
	until time.Time
	stop  chan struct{}
	once  sync.Once
}

// NewGate returns an open gate on c (nil: the real clock). The engine that reads through it must use
// the same clock.
func NewGate(c clock.Clock) *Gate { return &Gate{clock: clock.OrReal(c), stop: make(chan struct{})} }

// Pause closes the gate for d from now (or keeps a longer pause); d <= 0 means one second. It reports
// whether the gate was open, so the caller says "pausing" once per burst rather than once per request.
func (g *Gate) Pause(d time.Duration) bool {
	if d <= 0 {
		d = time.Second
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	wasOpen := !g.until.After(now)
	if t := now.Add(d); t.After(g.until) {
		g.until = t
	}
	return wasOpen
}

// Until is when the gate reopens; a time in the past means it is open.
func (g *Gate) Until() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.until
}

// Wait blocks until the gate is open, ctx ends or the gate is stopped.
func (g *Gate) Wait(ctx context.Context) error {
	for {
		d := g.Until().Sub(g.clock.Now())
		if d <= 0 {
			select {
			case <-g.stop:
				return ErrStopped
			default:
				return ctx.Err()
			}
		}
		if err := g.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// Sleep waits d and then for the gate to open: plug it into the API client as its sleep between
// retries, so the client's own retries honour the shared pause and end when the run stops.
func (g *Gate) Sleep(ctx context.Context, d time.Duration) error {
	if err := g.sleep(ctx, d); err != nil {
		return err
	}
	return g.Wait(ctx)
}

func (g *Gate) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := g.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return ErrStopped
	}
}

// Stop makes every current and later wait return ErrStopped. It is safe to call more than once.
func (g *Gate) Stop() { g.once.Do(func() { close(g.stop) }) }
