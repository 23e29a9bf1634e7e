package clock

import (
	"sync"
	"time"
)

// Fake is a clock for tests: time moves only when the test calls Advance, and a timer fires when the
// time reaches it (at once when armed for a time already past). WaitArmed lets a test wait until the
// code under test is asleep until a given instant, without sleeping itself.
type Fake struct {
	mu     sync.Mutex
	cond   *sync.Cond
	now    time.Time
	timers map[*fakeTimer]struct{} // armed
}

// NewFake returns a fake clock showing start.
func NewFake(start time.Time) *Fake {
	f := &Fake{now: start, timers: map[*fakeTimer]struct{}{}}
	f.cond = sync.NewCond(&f.mu)
	return f
}

// Now is the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the time forward by d and fires every timer that is due.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	for t := range f.timers {
		if !t.when.After(f.now) {
			f.fireLocked(t)
		}
	}
	f.cond.Broadcast()
}

// NewTimer arms a timer d from now.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// Armed lists the instants at which armed timers will fire.
func (f *Fake) Armed() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	var at []time.Time
	for t := range f.timers {
		at = append(at, t.when)
	}
	return at
}

// WaitArmed blocks until a timer is armed to fire at exactly at, or until real time limit has passed;
// it reports which. Tests use it to know the code under test has gone to sleep until at.
func (f *Fake) WaitArmed(at time.Time, limit time.Duration) bool {
	return f.WaitFor(func(armed []time.Time) bool {
		for _, a := range armed {
			if a.Equal(at) {
				return true
			}
		}
		return false
	}, limit)
}

// WaitFor blocks until cond holds for the instants of the armed timers, or until real time limit has
// passed; it reports which. cond runs with the clock locked: it must not call the clock.
func (f *Fake) WaitFor(cond func(armed []time.Time) bool, limit time.Duration) bool {
	expired := false
	stop := time.AfterFunc(limit, func() {
		f.mu.Lock()
		expired = true
		f.cond.Broadcast()
		f.mu.Unlock()
	})
	defer stop.Stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		armed := make([]time.Time, 0, len(f.timers))
		for t := range f.timers {
			armed = append(armed, t.when)
		}
		if cond(armed) {
			return true
		}
		if expired {
			return false
		}
		f.cond.Wait()
	}
}

func (f *Fake) fireLocked(t *fakeTimer) {
	delete(f.timers, t)
	select {
	case t.c <- f.now:
	default: // an unread tick is still pending, as with time.Timer
	}
}

type fakeTimer struct {
	f    *Fake
	c    chan time.Time
	when time.Time
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	_, armed := t.f.timers[t]
	delete(t.f.timers, t)
	t.f.cond.Broadcast()
	return armed
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	_, armed := t.f.timers[t]
	// As time.Timer since Go 1.23: a Reset drops a tick that was not read yet.
	select {
	case <-t.c:
	default:
	}
	t.when = t.f.now.Add(d)
	if d <= 0 {
		delete(t.f.timers, t)
		t.c <- t.f.now
	} else {
		t.f.timers[t] = struct{}{}
	}
	t.f.cond.Broadcast()
	return armed
}
