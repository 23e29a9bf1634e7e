package waiter

import (
	"testing"
	"time"
)

// planner drives one task's schedule as the engine does (first, observe, next), for the simulations.
type planner struct {
	s       Schedule
	webhook bool
	st      planState
}

func newPlanner(s Schedule, webhook bool) *planner { return &planner{s: s, webhook: webhook} }

func (p *planner) First() time.Duration                    { return p.s.first(p.webhook) }
func (p *planner) Observe(now time.Time, etaSeconds int64) { p.st.observe(now, etaSeconds) }
func (p *planner) Next(now time.Time) time.Duration        { return p.s.next(&p.st, p.webhook, now) }

// simulate runs the schedule against a task of the given duration whose eta is exact, as the API's
// is roughly, and returns how many reads it made and how late it saw the end.
func simulate(s Schedule, webhook bool, d time.Duration) (reads int, lag time.Duration) {
	p := newPlanner(s, webhook)
	start := time.Unix(0, 0)
	now := start.Add(p.First())
	end := start.Add(d)
	for {
		reads++
		if !now.Before(end) {
			return reads, now.Sub(end)
		}
		p.Observe(now, int64((end.Sub(now)+time.Second-1)/time.Second))
		now = now.Add(p.Next(now))
	}
}

// fixed is a poller with a constant interval, like the official SDKs.
func fixed(every, d time.Duration) (reads int, lag time.Duration) {
	for t := every; ; t += every {
		reads++
		if t >= d {
			return reads, t - d
		}
	}
}

// averaged runs f over task durations spread across one second, since a fixed poller's lag depends
// on where the end falls between two of its ticks.
func averaged(d time.Duration, f func(time.Duration) (int, time.Duration)) (reads float64, lag time.Duration) {
	const n = 20
	for i := 0; i < n; i++ {
		r, l := f(d + time.Duration(i)*time.Second/n)
		reads += float64(r)
		lag += l
	}
	return reads / n, lag / n
}

func TestAdaptivePollingBeatsAOneSecondPoller(t *testing.T) {
	for _, d := range []time.Duration{3 * time.Second, 10 * time.Second, 120 * time.Second} {
		reads, lag := averaged(d, func(d time.Duration) (int, time.Duration) { return simulate(DefaultSchedule(), false, d) })
		fReads, fLag := averaged(d, func(d time.Duration) (int, time.Duration) { return fixed(time.Second, d) })
		t.Logf("%s task: adaptive %.1f reads, lag %s; fixed 1s %.1f reads, lag %s", d, reads, lag, fReads, fLag)
		if reads > fReads || lag >= fLag {
			t.Errorf("%s task: adaptive %.1f reads, lag %s; fixed 1s %.1f reads, lag %s", d, reads, lag, fReads, fLag)
		}
	}
}

func TestWithoutAnETAPollingBacksOffToTheCap(t *testing.T) {
	s := DefaultSchedule()
	p := newPlanner(s, false)
	now := time.Unix(0, 0)
	var last time.Duration
	for i := 0; i < 40; i++ {
		d := p.Next(now)
		if d < last || d > s.Max {
			t.Fatalf("step %d: %s after %s (cap %s)", i, d, last, s.Max)
		}
		last = d
		now = now.Add(d)
	}
	if last != s.Max {
		t.Fatalf("long tasks should settle at the cap, got %s", last)
	}
}

func TestSafetyNetNoticesALostWebhookWithinTheCap(t *testing.T) {
	s := DefaultSchedule()
	for _, d := range []time.Duration{time.Second, 3 * time.Second, 20 * time.Second, 5 * time.Minute} {
		reads, lag := simulate(s, true, d)
		if lag > s.SafetyMax+time.Second {
			t.Errorf("%s task: a lost webhook noticed %s late", d, lag)
		}
		if fr, _ := fixed(time.Second, d); reads > fr && d > 3*time.Second {
			t.Errorf("%s task: the safety net read %d times, more than a 1 s poller (%d)", d, reads, fr)
		}
	}
}
