// Package clock owns time for code that waits: the Clock interface that engines take so tests can
// control time, the real clock, a fake one for tests, and the project's one context-aware sleep.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and makes timers. Engines take one instead of calling the time package, so a
// test drives them with a Fake.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a resettable one-shot timer, as time.Timer. Read C again after each Reset: an
// implementation may change it.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
	Reset(d time.Duration) bool
}

// Real is the system clock.
type Real struct{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (Real) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

// OrReal returns c, or the real clock when c is nil.
func OrReal(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// Sleep waits d on the real clock. It returns ctx.Err() when ctx ends first (or has already ended),
// nil otherwise. Its signature fits the Sleep hooks of the API client and the downloader.
func Sleep(ctx context.Context, d time.Duration) error { return sleepOn(ctx, Real{}, d) }

// sleepOn is Sleep on a given clock.
func sleepOn(ctx context.Context, c Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
