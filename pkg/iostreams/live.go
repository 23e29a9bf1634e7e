package iostreams

import (
	"sync"
	"time"
)

// LiveLine is a status line that stays fresh. On a terminal it is redrawn in place every tick, so an
// elapsed time keeps moving even when nothing new is known; elsewhere a line is printed only when its
// key changes, to keep logs short. Nothing is shown with -q.
type LiveLine struct {
	s       *IOStreams
	mu      sync.Mutex
	render  func() string
	lastKey string
	done    chan struct{}
	stopped chan struct{}
}

// StartLive starts a live line redrawn every tick on a terminal (tick 0 = one second).
func (s *IOStreams) StartLive(tick time.Duration) *LiveLine {
	l := &LiveLine{s: s}
	if !s.ErrTTY || s.Quiet {
		return l
	}
	if tick <= 0 {
		tick = time.Second
	}
	l.done, l.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.stopped)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-l.done:
				return
			case <-t.C:
				l.mu.Lock()
				if l.render != nil {
					s.Live(l.render())
				}
				l.mu.Unlock()
			}
		}
	}()
	return l
}

// Set shows render's line now (on a terminal, and again at every tick) or, off a terminal, prints it
// when key differs from the last one printed.
func (l *LiveLine) Set(render func() string, key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.s.ErrTTY {
		l.render = render
		l.s.Live(render())
		return
	}
	if key != l.lastKey {
		l.lastKey = key
		l.s.Live(render())
	}
}

// Stop ends the ticking and clears the line on a terminal, so later output starts on a fresh line.
func (l *LiveLine) Stop() {
	if l.done != nil {
		close(l.done)
		<-l.stopped
		l.done = nil
	}
	l.s.EndLive()
}
