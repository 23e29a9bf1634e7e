package waiter

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

// Options configure an Engine. Zero values get the defaults noted per field.
type Options struct {
	// Read fetches a task's current result (the client's TaskResult). At most Concurrency run at once.
	Read func(ctx context.Context, id string) (*novita.TaskResult, error)
	// Webhooks carries every result our receiver got, for any task: the engine picks its own tasks'
	// and takes a final one as a signal to read that task now. nil: polling alone (the schedule is then
	// not a safety net). When it is closed, polling carries on alone.
	Webhooks <-chan *novita.TaskResult
	// Concurrency bounds the reads in flight; default 4.
	Concurrency int
	// Schedule paces the reads of each task; default DefaultSchedule().
	Schedule Schedule
	// NotFoundGrace tolerates TASK_NOT_FOUND this long after a task is added (a fresh task may not be
	// readable at once); 0 = none.
	NotFoundGrace time.Duration
	// Timeout bounds the whole run; 0 = none. Tasks still waiting then end with a timeout error.
	Timeout time.Duration
	// Gate is the 429 back-off shared with whatever else calls the API (a batch's submits); default a
	// new one on Clock. It must use the same clock as the engine.
	Gate *Gate
	// Clock tells the time and makes the timers; default the real clock.
	Clock clock.Clock
	// OnPause is told when a read's 429 closes the gate (once per burst).
	OnPause func(d time.Duration, cause error)
	// OnProgress is told what each read found, transient errors included.
	OnProgress func(Progress)
	// OnDone receives each task's outcome exactly once, in completion order. It runs on the engine's
	// goroutine, so it must hand the outcome over quickly (downloads happen elsewhere).
	OnDone func(Outcome)
	// Backlog bounds the outcomes handed to OnDone and not yet given back with Release: while that
	// many are out, no read starts, since its result could only queue up behind the slow consumer
	// (downloads), each holding a whole task result. Webhooks are still taken (as cheap flags) and
	// timeouts still end tasks. 0 = no bound (Release is then not needed).
	Backlog int
	// Tasks are waited for from the start (a resume), as if added before any webhook was looked at.
	Tasks []Task
}

// Task is one task to wait for.
type Task struct {
	ID  string
	Ref int // the caller's reference (a line's index), handed back in the task's Outcome
	// Timeout bounds this task's wait from when it is added; 0 = only Options.Timeout.
	Timeout time.Duration
}

// Engine waits for any number of tasks with one loop: it keeps every pending task with the time of
// its next read (a heap, so each event costs O(log n)), starts the reads that are due on a fixed
// pool of Concurrency readers (none while the gate is closed), and moves a task to the front when a
// webhook says it is final. Tasks can be added while it runs. It starts no goroutine per task.
type Engine struct {
	o       Options
	clk     clock.Clock
	ctx     context.Context
	stop    context.CancelCauseFunc
	webhook bool // a receiver is up: polling is a safety net

	mu       sync.Mutex // guards incoming, closed and stopped
	incoming []*task
	closed   bool
	stopped  bool
	wake     chan struct{} // an Add or Close happened

	out     atomic.Int64 // outcomes delivered and not released (Backlog)
	jobs    chan readJob
	results chan readResult
	readers sync.WaitGroup
	done    chan struct{}
	err     error

	loopState // owned by the loop goroutine
}

// ErrClosed is returned by Add after Close.
var ErrClosed = errors.New("waiter: task added after Close")

// Start starts an engine; it runs until Close was called and every task is over, or until ctx ends,
// Options.Timeout passes or the API rejects the key. Call Wait (or read Done) to learn the end.
func Start(ctx context.Context, o Options) *Engine {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Schedule == (Schedule{}) {
		o.Schedule = DefaultSchedule()
	}
	clk := clock.OrReal(o.Clock)
	if o.Gate == nil {
		o.Gate = NewGate(clk)
	}
	e := &Engine{o: o, clk: clk, webhook: o.Webhooks != nil, wake: make(chan struct{}, 1),
		jobs: make(chan readJob, o.Concurrency), results: make(chan readResult, o.Concurrency),
		done: make(chan struct{})}
	e.ctx, e.stop = context.WithCancelCause(ctx)
	e.loopState = newLoopState()
	for _, t := range o.Tasks {
		e.admit(e.newTask(t))
	}
	e.o.Tasks = nil
	for range o.Concurrency {
		e.readers.Add(1)
		go e.reader()
	}
	go e.loop()
	return e
}

// Add hands the engine a task to wait for; it may be called from any goroutine while the engine runs.
// A task whose id is already being waited for shares that wait, and each Add gets its own Outcome.
// After the engine has stopped, Add returns ErrStopped (and no Outcome will come); after Close,
// ErrClosed.
func (e *Engine) Add(t Task) error {
	nt := e.newTask(t)
	e.mu.Lock()
	switch {
	case e.stopped:
		e.mu.Unlock()
		return ErrStopped
	case e.closed:
		e.mu.Unlock()
		return ErrClosed
	}
	e.incoming = append(e.incoming, nt)
	e.mu.Unlock()
	e.poke()
	return nil
}

func (e *Engine) newTask(t Task) *task {
	nt := &task{id: t.ID, ref: t.Ref, added: e.clk.Now(), heapAt: [2]int32{-1, -1}}
	if t.Timeout > 0 {
		nt.deadline = nt.added.Add(t.Timeout)
	}
	return nt
}

// Release gives back one outcome of the Backlog once the consumer is through with it.
func (e *Engine) Release() {
	e.out.Add(-1)
	e.poke()
}

// Close says no more tasks will be added: the engine ends once the last one is over.
func (e *Engine) Close() {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	e.poke()
}

// Done is closed once the engine has ended and every Outcome was delivered.
func (e *Engine) Done() <-chan struct{} { return e.done }

// Err is, once Done is closed, nil when every task was over, or why the run stopped early: the cause
// of ctx's end (context.Canceled on an interrupt), ErrTimeout, or the API's rejection of the key.
func (e *Engine) Err() error {
	select {
	case <-e.done:
		return e.err
	default:
		return nil
	}
}

// Wait blocks until the engine has ended and returns Err.
func (e *Engine) Wait() error {
	<-e.done
	return e.err
}

func (e *Engine) poke() {
	select {
	case e.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// takeIncoming moves the tasks added since the last look into the loop's state; it reports whether
// Close was called.
func (e *Engine) takeIncoming() bool {
	e.mu.Lock()
	in, closed := e.incoming, e.closed
	e.incoming = nil
	e.mu.Unlock()
	for _, t := range in {
		e.admit(t)
	}
	return closed
}

func (e *Engine) loop() {
	timer := e.clk.NewTimer(time.Hour)
	defer timer.Stop()
	var armed time.Time // when timer fires; zero when it is not armed
	var runOut <-chan time.Time
	if e.o.Timeout > 0 {
		t := e.clk.NewTimer(e.o.Timeout)
		defer t.Stop()
		runOut = t.C()
	}
	hooks := e.o.Webhooks
	for {
		now := e.clk.Now()
		closed := e.takeIncoming()
		if e.ctx.Err() != nil {
			break
		}
		if closed && len(e.tasks) == 0 && e.inflight == 0 {
			break
		}
		wake := e.launch(now)
		if !wake.Equal(armed) {
			timer.Stop()
			armed = wake
			if !wake.IsZero() {
				timer.Reset(wake.Sub(e.clk.Now()))
			}
		}
		select {
		case <-e.ctx.Done():
		case <-runOut:
			e.stop(ErrTimeout)
		case <-e.wake:
		case res, ok := <-hooks:
			if !ok {
				hooks = nil // receiver gone: polling carries on alone
				continue
			}
			e.signal(res)
		case r := <-e.results:
			e.inflight--
			e.handle(r)
		case <-timer.C():
			armed = time.Time{}
		}
	}
	e.shutdown()
}

// shutdown ends the readers, then delivers every task still waiting (or added meanwhile) as stopped.
func (e *Engine) shutdown() {
	close(e.jobs)
	for e.inflight > 0 {
		<-e.results // a read that ends after the stop changes nothing
		e.inflight--
	}
	e.readers.Wait()
	e.mu.Lock()
	e.stopped = true
	in := e.incoming
	e.incoming = nil
	e.mu.Unlock()
	cause := context.Cause(e.ctx)
	if e.ctx.Err() == nil {
		cause = nil
	}
	for _, t := range in {
		e.admit(t)
	}
	for _, t := range e.pendingTasks() {
		e.end(t, Outcome{Err: stopped(cause, t.id, e.o.Timeout)})
	}
	e.err = cause
	e.stop(nil)
	close(e.done)
}
