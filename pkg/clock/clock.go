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

// Timer is a resettable one-shot timer, as time.Timer. C may change after Reset (a clock built with
// FromFuncs makes a new channel each time), so read it again after each Reset.
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
func Sleep(ctx context.Context, d time.Duration) error { return SleepOn(ctx, Real{}, d) }

// SleepOn is Sleep on a given clock.
func SleepOn(ctx context.Context, c Clock, d time.Duration) error {
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

// FromFuncs adapts the older pair of hooks (a now function and an after function) to a Clock; nil
// hooks fall back to the time package. Each Reset of its timers asks after for a new channel.
func FromFuncs(now func() time.Time, after func(time.Duration) <-chan time.Time) Clock {
	if now == nil {
		now = time.Now
	}
	if after == nil {
		after = time.After
	}
	return funcs{now: now, after: after}
}

type funcs struct {
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
}

func (f funcs) Now() time.Time { return f.now() }

func (f funcs) NewTimer(d time.Duration) Timer {
	t := &funcTimer{after: f.after}
	t.Reset(d)
	return t
}

// funcTimer cannot cancel a channel after gave it; Stop only forgets it.
type funcTimer struct {
	after func(time.Duration) <-chan time.Time
	c     <-chan time.Time
}

func (t *funcTimer) C() <-chan time.Time { return t.c }

func (t *funcTimer) Stop() bool {
	active := t.c != nil
	t.c = nil
	return active
}

func (t *funcTimer) Reset(d time.Duration) bool {
	active := t.c != nil
	t.c = t.after(d)
	return active
}
