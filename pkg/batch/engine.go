package batch

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// ErrTimeout ends a run whose Config.Timeout passed.
var ErrTimeout = errors.New("batch timed out")

// Run submits the items that have a body (at most Concurrency at once), waits for every task when
// cfg.Wait is set, and returns one Result per item, in item order. The error is nil when the run went to
// its end (whatever the tasks' outcomes); otherwise ctx's error (interrupted), ErrTimeout, or the error
// that made going on pointless (a rejected API key). Lines still running are then Pending, lines never
// sent NotSubmitted.
func Run(ctx context.Context, cfg Config, items []Item) ([]Result, error) {
	cfg = cfg.withDefaults()
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if cfg.Timeout > 0 {
		t := time.AfterFunc(cfg.Timeout, func() { cancel(ErrTimeout) })
		defer t.Stop()
	}
	stopGate := context.AfterFunc(runCtx, cfg.Gate.Stop)
	defer stopGate()

	r := &run{cfg: cfg, ctx: runCtx, cancel: cancel, items: items,
		results: make([]Result, len(items)), finish: make(chan *finished, len(items))}
	r.counts.Total = len(items)
	var toSubmit []int
	for i, it := range items {
		r.results[i] = Result{Line: it.Line, TaskID: it.TaskID, Outcome: NotSubmitted}
		if it.TaskID != "" {
			r.results[i].Outcome = Pending
			r.counts.Submitted++
		} else {
			toSubmit = append(toSubmit, i)
		}
	}
	r.progress()

	var pollDone chan struct{}
	if cfg.Wait {
		r.poll = newPoller(r)
		pollDone = make(chan struct{})
		go func() { defer close(pollDone); r.poll.loop() }()
		for i, it := range items {
			if it.TaskID != "" {
				r.poll.add(i, it.TaskID)
			}
		}
	}
	var finishers sync.WaitGroup
	for range cfg.Concurrency {
		finishers.Add(1)
		go func() { defer finishers.Done(); r.finisher() }()
	}

	idx := make(chan int)
	var submitters sync.WaitGroup
	for range min(cfg.Concurrency, max(len(toSubmit), 1)) {
		submitters.Add(1)
		go func() { defer submitters.Done(); r.submitter(idx) }()
	}
	for _, i := range toSubmit {
		idx <- i // after a stop, submitters drain the rest without sending anything
	}
	close(idx)
	submitters.Wait()
	if r.poll != nil {
		r.poll.noMoreAdds()
		<-pollDone
		r.poll.forwarders.Wait()
	}
	close(r.finish)
	finishers.Wait()

	var err error
	if runCtx.Err() != nil {
		err = context.Cause(runCtx)
		if ctx.Err() != nil {
			err = ctx.Err()
		}
	}
	return r.results, err
}

type run struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelCauseFunc
	items  []Item
	poll   *poller
	finish chan *finished // tasks that reached a final status; buffered for every item, never blocks

	mu      sync.Mutex // guards results and counts, and serialises the callbacks
	results []Result
	counts  Counts
}

// finished is a task that reached a final status, on its way to Finish.
type finished struct {
	Result
	index int
}

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
			r.submitted(i, id)
			return
		}
		if ra, ok := rateLimited(err); ok {
			r.pause(ra, err) // the API created nothing: send the same line again once the gate opens
			continue
		}
		if r.ctx.Err() != nil && errors.Is(err, ErrStopped) {
			return // stopped while the client waited to retry: nothing was created
		}
		if isAuth(err) {
			r.cancel(err)
		}
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
	if r.poll != nil {
		r.poll.add(i, id)
	}
}

func (r *run) finisher() {
	for res := range r.finish {
		i := res.index
		err := r.cfg.Finish(r.ctx, &res.Result)
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

// over records a line that is over and tells the caller.
func (r *run) over(res *Result, i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res.TaskID == "" {
		res.TaskID = r.results[i].TaskID
	}
	r.results[i] = *res
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
	r.progressLocked()
}

// park records a line that is not over (Pending) without telling Done.
func (r *run) park(res Result, i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
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

// rateLimited reports a 429 and the Retry-After it asked for.
func rateLimited(err error) (time.Duration, bool) {
	var ae *novita.APIError
	if errors.As(err, &ae) && ae.HTTPStatus == http.StatusTooManyRequests {
		return ae.RetryAfter, true
	}
	return 0, false
}

func isAuth(err error) bool {
	var ae *novita.APIError
	return errors.As(err, &ae) && ae.IsAuth()
}

// permanentRead decides which read errors end a task's wait: a task the API does not know (after a
// grace period: a fresh task may not be readable at once) or another 4xx that retrying cannot fix.
func permanentRead(err error, elapsed, grace time.Duration) bool {
	var ae *novita.APIError
	if !errors.As(err, &ae) {
		return false
	}
	if ae.HTTPStatus == http.StatusNotFound {
		return elapsed >= grace
	}
	return ae.HTTPStatus >= 400 && ae.HTTPStatus < 500 && ae.HTTPStatus != http.StatusTooManyRequests &&
		ae.HTTPStatus != http.StatusRequestTimeout
}
