package batch

import (
	"context"
	"errors"
	"time"

	"github.com/novita-cli/novita/pkg/waiter"
)

func (r *run) submitter(idx <-chan int) {
	for i := range idx {
		r.submitOne(i)
	}
}

// submitOne sends one line until it is created, refused for good, or the run stops before it is sent.
func (r *run) submitOne(i int) {
	it := r.items[i]
	for {
		if err := r.cfg.Gate.Wait(r.ctx); err != nil {
			return // stopped before sending: NotSubmitted
		}
		// Not cancellable: once on the wire, the request completes so a created task is never forgotten.
		id, err := r.cfg.Submit(context.WithoutCancel(r.ctx), it)
		if err == nil {
			r.items[i].Body = nil // sent for good: the body is not needed any more
			r.submitted(i, id)
			return
		}
		if ra, ok := waiter.RateLimited(err); ok {
			r.pause(ra, err) // the API created nothing: send the same line again once the gate opens
			continue
		}
		if r.ctx.Err() != nil && errors.Is(err, ErrStopped) {
			return // stopped while the client waited to retry: nothing was created
		}
		if waiter.IsAuth(err) {
			r.cancel(err)
		}
		r.items[i].Body = nil
		r.over(&Result{Line: it.Line, Outcome: Errored, Err: err}, i)
		return
	}
}

func (r *run) submitted(i int, id string) {
	r.mu.Lock()
	r.results[i].TaskID = id
	r.counts.Submitted++
	if r.cfg.OnSubmitted != nil {
		r.cfg.OnSubmitted(r.items[i], id)
	}
	if !r.cfg.Wait {
		r.results[i].Outcome = Submitted
		if r.cfg.Done != nil {
			r.cfg.Done(r.results[i])
		}
	} else {
		r.results[i].Outcome = Pending
	}
	r.progressLocked()
	r.mu.Unlock()
	if r.eng != nil {
		r.wait(i, id)
	}
}

func (r *run) finisher() {
	for res := range r.finish {
		i := res.index
		err := r.cfg.Finish(r.ctx, &res.Result)
		r.eng.Release()
		if err != nil {
			if r.ctx.Err() != nil {
				res.Outcome, res.Err = Pending, err // final, but its files are not here: resumable
				r.park(res.Result, i)
				continue
			}
			res.Outcome, res.Err = Errored, err
		}
		r.over(&res.Result, i)
	}
}

// over records a line that is over and tells the caller. The raw result goes to Done, not into the
// results kept to the end.
func (r *run) over(res *Result, i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res.TaskID == "" {
		res.TaskID = r.results[i].TaskID
	}
	switch res.Outcome {
	case Succeeded:
		r.counts.Succeeded++
	case Failed:
		r.counts.Failed++
	case Errored:
		r.counts.Errored++
	}
	if r.cfg.Done != nil {
		r.cfg.Done(*res)
	}
	r.results[i] = *res
	r.results[i].Result = nil
	r.progressLocked()
}

// park records a line that is not over (Pending) without telling Done.
func (r *run) park(res Result, i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res.Result = nil
	r.results[i] = res
}

func (r *run) progress() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progressLocked()
}

func (r *run) progressLocked() {
	if r.cfg.Progress != nil {
		r.cfg.Progress(r.counts)
	}
}

func (r *run) pause(d time.Duration, cause error) {
	if d <= 0 {
		d = time.Second
	}
	if r.cfg.Gate.Pause(d) && r.cfg.OnPause != nil {
		r.cfg.OnPause(d, cause)
	}
}
