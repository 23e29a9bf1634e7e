package waiter

import "time"

// Schedule decides how long to sleep between task-result reads. Polling alone is adaptive: quick first
// checks, then guided by the task's eta (sleep until just before the expected end, then check often),
// backing off exponentially once the eta has passed or when none is given, up to a cap. With a webhook
// receiver up, polling is only a safety net: it starts later and never checks more often than SafetyMin,
// but the cap still bounds how late a lost webhook is noticed.
type Schedule struct {
	Min       time.Duration // shortest sleep (polling alone)
	Max       time.Duration // cap for long tasks (polling alone)
	Growth    float64       // backoff factor once past the eta or without one
	SafetyMin time.Duration // shortest sleep while a receiver is up
	SafetyMax time.Duration // cap while a receiver is up: bounds how late a lost webhook is noticed
	First     time.Duration // first read, polling alone
	FirstSafe time.Duration // first read while a receiver is up
}

// DefaultSchedule is tuned to beat a fixed 1 s poller on lag without sending more requests.
func DefaultSchedule() Schedule {
	return Schedule{
		Min: 200 * time.Millisecond, Max: 10 * time.Second, Growth: 1.5,
		SafetyMin: 2 * time.Second, SafetyMax: 10 * time.Second,
		First: 300 * time.Millisecond, FirstSafe: 5 * time.Second,
	}
}

// Planner keeps the state the schedule needs between reads of one task. The waiter uses one per
// wait; a batch's shared poller keeps one per pending task.
type Planner struct {
	s        Schedule
	webhook  bool
	deadline time.Time // expected end from the last eta, zero when unknown
	overdue  int       // reads since the deadline passed (or since the start, without an eta)
}

// NewPlanner starts a plan; webhook says whether a receiver is up (polling is then a safety net).
func NewPlanner(s Schedule, webhook bool) *Planner { return &Planner{s: s, webhook: webhook} }

// First is the pause before the first read.
func (p *Planner) First() time.Duration {
	if p.webhook {
		return p.s.FirstSafe
	}
	return p.s.First
}

// Observe records a non-final read and the eta it reported.
func (p *Planner) Observe(now time.Time, etaSeconds int64) {
	if etaSeconds > 0 {
		p.deadline = now.Add(time.Duration(etaSeconds) * time.Second)
		p.overdue = 0
	}
}

// Next returns the pause before the next read.
func (p *Planner) Next(now time.Time) time.Duration {
	lo, hi := p.s.Min, p.s.Max
	if p.webhook {
		lo, hi = p.s.SafetyMin, p.s.SafetyMax
	}
	var d time.Duration
	if left := p.deadline.Sub(now); !p.deadline.IsZero() && left > 0 {
		// The eta comes in whole seconds, so it is only a coarse guide: sleep most of a long wait,
		// halve the last two seconds, and check often in the final one.
		switch {
		case p.webhook:
			d = left + p.s.SafetyMin // the webhook should come first; check a little after it was due
		case left > 2*time.Second:
			d = left * 8 / 10
		case left > time.Second:
			d = left / 2
		default:
			d = lo
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
