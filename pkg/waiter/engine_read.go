package waiter

import (
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

type readJob struct {
	t      *task // owned by the loop: a reader only hands it back
	id     string
	byHook bool
}

type readResult struct {
	readJob
	res *novita.TaskResult
	err error
}

// reader is one of the Concurrency goroutines that run the reads the loop starts.
func (e *Engine) reader() {
	defer e.readers.Done()
	for j := range e.jobs {
		res, err := e.o.Read(e.ctx, j.id)
		e.results <- readResult{readJob: j, res: res, err: err} // buffered for Concurrency: never blocks
	}
}

// handle decides what a read means for its task. The result that counts is always this read's: a
// webhook only made it happen sooner.
func (e *Engine) handle(r readResult) {
	t, now := r.t, e.clk.Now()
	if e.ctx.Err() != nil {
		return // stopping: the task is delivered as stopped
	}
	source := ByPoll
	if r.byHook {
		source = ByWebhook
	}
	if r.err != nil {
		e.readFailed(t, r, source, now)
		return
	}
	st := r.res.Task
	e.progress(t, Progress{Status: st.Status, Percent: int64(st.ProgressPercent), ETA: int64(st.ETA), Source: source}, now)
	if st.Status.Final() {
		e.end(t, Outcome{Result: r.res, DeliveredBy: source})
		return
	}
	// Not final: the task is still running, or a webhook said final too early (or was forged).
	t.plan.observe(now, int64(st.ETA))
	if e.expired(t, now) {
		return
	}
	if t.recheck {
		t.recheck, t.hooked = false, true
		e.makeReady(t)
		return
	}
	e.schedule(t, now.Add(e.o.Schedule.next(&t.plan, e.webhook, now)))
}

func (e *Engine) readFailed(t *task, r readResult, source string, now time.Time) {
	switch ra, limited := RateLimited(r.err); {
	case IsAuth(r.err):
		e.stop(r.err) // no task can be read with this key
		return
	case permanent(r.err, now.Sub(t.added), e.o.NotFoundGrace):
		e.end(t, Outcome{Err: r.err})
		return
	case limited:
		// Everybody waits, then this task goes first (again on the webhook's account if it was).
		e.progress(t, Progress{Err: r.err, Source: source}, now)
		if ra <= 0 {
			ra = e.o.Schedule.next(&t.plan, e.webhook, now)
		}
		if e.o.Gate.Pause(ra) && e.o.OnPause != nil {
			e.o.OnPause(ra, r.err)
		}
		if !e.expired(t, now) {
			t.hooked = r.byHook || t.recheck
			t.recheck = false
			if t.hooked {
				e.makeReady(t)
			} else {
				e.schedule(t, now)
			}
		}
		return
	}
	e.progress(t, Progress{Err: r.err, Source: source}, now) // transient: ridden out until a timeout
	if e.expired(t, now) {
		return
	}
	if t.recheck {
		t.recheck, t.hooked = false, true
	}
	e.schedule(t, now.Add(e.o.Schedule.next(&t.plan, e.webhook, now)))
}

// expired ends a task whose own timeout passed while its read was in flight.
func (e *Engine) expired(t *task, now time.Time) bool {
	if t.deadline.IsZero() || now.Before(t.deadline) {
		return false
	}
	e.end(t, Outcome{Err: stopped(ErrTimeout, t.id, t.deadline.Sub(t.added))})
	return true
}

// signal takes a webhook delivery: a final status for one of our tasks makes it due at once.
func (e *Engine) signal(res *novita.TaskResult) {
	if res == nil || !res.Task.Status.Final() {
		return
	}
	id := res.Task.TaskID
	t := e.tasks[id]
	if t == nil {
		e.takeIncoming() // its Add may be on its way: a fast task's webhook can beat it
		t = e.tasks[id]
	}
	switch {
	case t == nil:
		e.rememberEarly(id)
	case t.state == reading:
		t.recheck = true
	case t.state == scheduled:
		t.hooked = true
		e.makeReady(t)
	}
}

func (e *Engine) progress(t *task, p Progress, now time.Time) {
	if e.o.OnProgress == nil {
		return
	}
	p.TaskID, p.Elapsed, p.Requests = t.id, now.Sub(t.added), int(t.reads)
	e.o.OnProgress(p)
}
