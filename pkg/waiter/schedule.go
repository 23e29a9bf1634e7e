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

// planState is what a schedule remembers of one task; the engine keeps one per pending task, so it
// stays small and shares the Schedule.
type planState struct {
	deadline time.Time // expected end from the last eta, zero when unknown
	overdue  int32     // reads since the deadline passed (or since the start, without an eta)
}

func (s *Schedule) first(webhook bool) time.Duration {
	if webhook {
		return s.FirstSafe
	}
	return s.First
}

func (st *planState) observe(now time.Time, etaSeconds int64) {
	if etaSeconds > 0 {
		st.deadline = now.Add(time.Duration(etaSeconds) * time.Second)
		st.overdue = 0
	}
}

func (s *Schedule) next(st *planState, webhook bool, now time.Time) time.Duration {
	lo, hi := s.Min, s.Max
	if webhook {
		lo, hi = s.SafetyMin, s.SafetyMax
	}
	var d time.Duration
	if left := st.deadline.Sub(now); !st.deadline.IsZero() && left > 0 {
		// The eta comes in whole seconds, so it is only a coarse guide: sleep most of a long wait,
		// halve the last two seconds, and check often in the final one.
		switch {
		case webhook:
			d = left + s.SafetyMin // the webhook should come first; check a little after it was due
		case left > 2*time.Second:
			d = left * 8 / 10
		case left > time.Second:
			d = left / 2
		default:
			d = lo
		}
	} else {
		d = lo
		for i := int32(0); i < st.overdue && d < hi; i++ {
			d = time.Duration(float64(d) * s.Growth)
		}
		st.overdue++
	}
	return min(max(d, lo), hi)
}
