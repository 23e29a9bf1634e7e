package batch

import (
	"time"

	"github.com/novita-cli/novita/pkg/waiter"
)

// plan decides when the shared poller next reads one task, with the waiter's schedule: with a receiver
// up, polling is a slow safety net (first read late, then no more often than SafetyMin, at most SafetyMax
// apart); without one it is adaptive (quick first reads, guided by the eta, then backing off).
type plan struct {
	s        waiter.Schedule
	webhook  bool
	deadline time.Time // expected end from the last eta
	overdue  int
}

func (p *plan) first() time.Duration {
	if p.webhook {
		return p.s.FirstSafe
	}
	return p.s.First
}

func (p *plan) observe(now time.Time, etaSeconds int64) {
	if etaSeconds > 0 {
		p.deadline = now.Add(time.Duration(etaSeconds) * time.Second)
		p.overdue = 0
	}
}

func (p *plan) next(now time.Time) time.Duration {
	lo, hi := p.s.Min, p.s.Max
	if p.webhook {
		lo, hi = p.s.SafetyMin, p.s.SafetyMax
	}
	var d time.Duration
	if left := p.deadline.Sub(now); !p.deadline.IsZero() && left > 0 {
		d = left * 8 / 10
		if p.webhook {
			d = left + p.s.SafetyMin // the webhook should come first; check a little after it was due
		}
	} else {
		d = lo
		for i := 0; i < p.overdue && d < hi; i++ {
			d = time.Duration(float64(d) * p.s.Growth)
		}
		p.overdue++
	}
	return min(max(d, lo), hi)
}
