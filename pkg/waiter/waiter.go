// Package waiter owns the race to a task's final state, for one task or ten thousand: one Engine
// keeps every pending task on an adaptive read schedule (Schedule), runs the reads on a bounded pool,
// pauses them all behind a shared 429 Gate, and takes webhook deliveries as signals to read a task
// now. A webhook is only a signal: the result that counts is re-read from the task-result API with
// our key, so a forged or early delivery cannot end a wait or redirect downloads. Wait is the engine
// with one task; pkg/batch drives it for many.
package waiter

import (
	"context"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

// Delivery sources.
const (
	ByWebhook = "webhook"
	ByPoll    = "poll"
)

// Progress is what the waiter knows after each read.
type Progress struct {
	TaskID   string
	Status   novita.Status
	Percent  int64
	ETA      int64 // seconds, 0 when unknown
	Elapsed  time.Duration
	Source   string
	Err      error // a transient read error being ridden out
	Requests int   // task-result reads so far
}

// Config describes one wait.
type Config struct {
	TaskID string
	// Read fetches the task result (the client's TaskResult).
	Read func(ctx context.Context, id string) (*novita.TaskResult, error)
	// Webhooks carries the results our receiver got, for this task or any other (the engine picks
	// this task's); nil when there is no receiver.
	Webhooks <-chan *novita.TaskResult
	Timeout  time.Duration // 0 = no limit
	Schedule Schedule
	// NotFoundGrace tolerates TASK_NOT_FOUND for a while right after a submit.
	NotFoundGrace time.Duration
	Clock         clock.Clock // default the real clock
	OnProgress    func(Progress)
}

// Outcome is how a task's wait ended: with its final result, or with Err.
type Outcome struct {
	TaskID      string
	Ref         int                // the Task's Ref (engine)
	Result      *novita.TaskResult // the final result as read from the API; nil when Err is set
	DeliveredBy string             // ByWebhook when a webhook prompted the read that saw the end
	Elapsed     time.Duration      // since the task was added
	Requests    int                // task-result reads for this task
	// Err is why the wait ended without a final result: an error the API will keep giving (an unknown
	// task id after the grace, another 4xx), or, when errors.Is(Err, ErrStopped), a wait cut short
	// (interrupt, timeout, rejected key) whose task may still be running.
	Err error
}

// Wait blocks until the task ends, the timeout passes or ctx is cancelled: an engine with one task.
// A FAILED task is returned as an Outcome, not an error: the caller decides what it means.
func Wait(ctx context.Context, cfg Config) (Outcome, error) {
	var out Outcome
	e := Start(ctx, Options{Read: cfg.Read, Webhooks: cfg.Webhooks, Concurrency: 1, Schedule: cfg.Schedule,
		NotFoundGrace: cfg.NotFoundGrace, Timeout: cfg.Timeout, Clock: clock.OrReal(cfg.Clock),
		OnProgress: cfg.OnProgress, OnDone: func(o Outcome) { out = o }})
	if err := e.Add(Task{ID: cfg.TaskID}); err != nil { // ctx was over before the wait began
		_ = e.Wait()
		return Outcome{}, stopped(e.Err(), cfg.TaskID, cfg.Timeout)
	}
	e.Close()
	_ = e.Wait()
	if out.Err != nil {
		return Outcome{}, out.Err
	}
	return out, nil
}
