package batch

import (
	"context"
	"errors"
	"sync"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
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
	start := cfg.Clock.Now()
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timedOut := startTimeout(runCtx, cancel, cfg)
	defer func() { <-timedOut }()
	defer cancel(nil) // runs first: ends the timeout's goroutine
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
	if cfg.Wait {
		var resumed []waiter.Task // waited for from the engine's start, before any webhook is looked at
		for i, it := range items {
			if it.TaskID != "" {
				resumed = append(resumed, waiter.Task{ID: it.TaskID, Ref: i})
			}
		}
		r.startWaiting(resumed)
	}
	var finishers sync.WaitGroup
	for range cfg.Concurrency {
		finishers.Go(r.finisher)
	}

	idx := make(chan int)
	var submitters sync.WaitGroup
	for range min(cfg.Concurrency, max(len(toSubmit), 1)) {
		submitters.Go(func() { r.submitter(idx) })
	}
	for _, i := range toSubmit {
		idx <- i // after a stop, submitters drain the rest without sending anything
	}
	close(idx)
	submitters.Wait()
	if r.eng != nil {
		r.eng.Close()
		if r.eng.Wait() == nil && cfg.AfterWait != nil {
			cfg.AfterWait() // nothing left to wait for: the receiver can go while downloads finish
		}
	}
	close(r.finish)
	finishers.Wait()

	var err error
	if runCtx.Err() != nil {
		err = context.Cause(runCtx)
		if ctx.Err() != nil {
			err = ctx.Err()
		}
	} else if cfg.Timeout > 0 && cfg.Clock.Now().Sub(start) >= cfg.Timeout && r.anyPending() {
		// The waits gave up at the deadline before the timeout's goroutine said so: still a timeout,
		// or a run whose lines are left pending would look complete.
		err = ErrTimeout
	}
	return r.results, err
}

// startTimeout cancels the run with ErrTimeout once cfg.Timeout has passed on the run's clock; the
// returned channel is closed when its goroutine is gone.
func startTimeout(ctx context.Context, cancel context.CancelCauseFunc, cfg Config) <-chan struct{} {
	done := make(chan struct{})
	if cfg.Timeout <= 0 {
		close(done)
		return done
	}
	t := cfg.Clock.NewTimer(cfg.Timeout)
	go func() {
		defer close(done)
		defer t.Stop()
		select {
		case <-t.C():
			cancel(ErrTimeout)
		case <-ctx.Done():
		}
	}()
	return done
}

type run struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelCauseFunc
	items  []Item
	// eng waits for every task; nil without Wait. At most its Backlog of final results wait for a
	// finisher (each holds a whole result), so a slow download does not pile them up in memory.
	eng    *waiter.Engine
	engMu  sync.Mutex     // held while eng is being set: the engine may deliver before Start returns
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

// startWaiting starts the one engine that waits for every task of the batch. A rejected key seen by
// a read stops the submits too.
func (r *run) startWaiting(resumed []waiter.Task) {
	r.engMu.Lock()
	defer r.engMu.Unlock()
	r.eng = waiter.Start(r.ctx, waiter.Options{Read: r.cfg.Read, Webhooks: r.cfg.Deliveries, Concurrency: r.cfg.Concurrency,
		Schedule: r.cfg.Schedule, NotFoundGrace: r.cfg.NotFoundGrace, Gate: r.cfg.Gate, Clock: r.cfg.Clock,
		OnPause: r.cfg.OnPause, OnDone: r.waited, Backlog: 2 * r.cfg.Concurrency, Tasks: resumed})
}

// wait hands a created task to the engine; after the run has stopped, it stays Pending.
func (r *run) wait(i int, id string) {
	_ = r.eng.Add(waiter.Task{ID: id, Ref: i})
}

// waited takes a task's outcome from the engine (on its goroutine: it must not block).
func (r *run) waited(out waiter.Outcome) {
	r.engMu.Lock() // the resumed tasks' outcomes can come (a stop) before startWaiting has set eng
	eng := r.eng
	r.engMu.Unlock()
	i := out.Ref
	res := Result{Line: r.items[i].Line, TaskID: out.TaskID, Result: out.Result, DeliveredBy: out.DeliveredBy,
		Reads: out.Requests, Elapsed: out.Elapsed}
	switch {
	case errors.Is(out.Err, waiter.ErrStopped):
		eng.Release()
		if waiter.IsAuth(out.Err) {
			r.cancel(out.Err) // a read found the key refused: stop the submits too
		}
		return // the line stays Pending, resumable
	case out.Err != nil:
		eng.Release()
		res.Outcome, res.Err = Errored, out.Err
		r.over(&res, i)
		return
	}
	res.Outcome = Succeeded
	if out.Result.Task.Status == novita.StatusFailed {
		res.Outcome = Failed
	}
	r.finish <- &finished{Result: res, index: i}
}

func (r *run) anyPending() bool {
	for _, res := range r.results {
		if res.Outcome == Pending {
			return true
		}
	}
	return false
}
