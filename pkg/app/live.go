package app

import (
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/waiter"
)

// liveStatus keeps the waiting line fresh. On a terminal it is redrawn every second, so the elapsed
// time moves even while only a webhook is awaited and no poll reports anything; elsewhere a line is
// printed only when the status changes, to keep logs short.
type liveStatus struct {
	e     *Env
	spec  awaitSpec
	start time.Time

	mu         sync.Mutex
	last       waiter.Progress
	lastStatus string
}

func newLiveStatus(e *Env, s awaitSpec, start time.Time) *liveStatus {
	l := &liveStatus{e: e, spec: s, start: start}
	l.last = waiter.Progress{TaskID: s.TaskID, Status: "SUBMITTED"}
	return l
}

func (l *liveStatus) update(p waiter.Progress) {
	if !l.spec.Live {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if p.Err == nil {
		l.last = p
	}
	if l.e.IO.ErrTTY {
		l.e.IO.Live(l.line(p))
		return
	}
	if key := string(p.Status) + errText(p.Err); key != l.lastStatus {
		l.lastStatus = key
		l.e.IO.Live(progressLine(p))
	}
}

func (l *liveStatus) line(p waiter.Progress) string {
	line := progressLine(p)
	if l.spec.Webhooks != nil && p.Err == nil {
		line += "  (webhook or polling)"
	}
	return line
}

// tick redraws the line every second on a terminal; it returns a stop function.
func (l *liveStatus) tick() func() {
	if !l.spec.Live || !l.e.IO.ErrTTY || l.e.IO.Quiet {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				l.mu.Lock()
				p := l.last
				p.Elapsed = l.e.Now().Sub(l.start)
				l.e.IO.Live(l.line(p))
				l.mu.Unlock()
			}
		}
	}()
	return func() { close(done); <-stopped }
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
