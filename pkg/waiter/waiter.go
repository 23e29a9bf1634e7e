// Package waiter owns the race to a task's final state: task-result polling and webhook signals are
// sources, and the first terminal status wins. A webhook is only a signal: the result that counts is
// re-read from the task-result API with our key, so a forged delivery cannot redirect downloads.
package waiter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
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
	// Webhooks carries results delivered to our receiver for this task; nil when there is no receiver.
	Webhooks <-chan *novita.TaskResult
	Timeout  time.Duration // 0 = no limit
	Schedule Schedule
	// NotFoundGrace tolerates TASK_NOT_FOUND for a while right after a submit.
	NotFoundGrace time.Duration
	Now           func() time.Time
	After         func(time.Duration) <-chan time.Time
	OnProgress    func(Progress)
}

// Outcome is a task's final state.
type Outcome struct {
	Result      *novita.TaskResult
	DeliveredBy string
	Elapsed     time.Duration
	Requests    int
}

// Wait blocks until the task ends, the timeout passes or ctx is cancelled.
// A FAILED task is returned as an Outcome, not an error: the caller decides what it means.
func Wait(ctx context.Context, cfg Config) (Outcome, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Schedule == (Schedule{}) {
		cfg.Schedule = DefaultSchedule()
	}
	start := cfg.Now()
	var timeout <-chan time.Time
	if cfg.Timeout > 0 {
		timeout = cfg.After(cfg.Timeout)
	}
	p := NewPlanner(cfg.Schedule, cfg.Webhooks != nil)
	w := &run{cfg: cfg, start: start}
	tick := cfg.After(p.First())
	hooks := cfg.Webhooks
	for {
		var source string
		select {
		case <-ctx.Done():
			return Outcome{}, clierr.WithHint(clierr.KindInterrupted,
				fmt.Errorf("interrupted while waiting for task %s; it may still be running", cfg.TaskID),
				"resume with: novita wait "+cfg.TaskID)
		case <-timeout:
			return Outcome{}, clierr.WithHint(clierr.KindTimeout,
				fmt.Errorf("timed out after %s waiting for task %s; it may still be running", cfg.Timeout, cfg.TaskID),
				"resume with: novita wait "+cfg.TaskID)
		case res, ok := <-hooks:
			if !ok {
				hooks = nil // receiver gone: polling carries on alone
				continue
			}
			if res == nil || res.Task.TaskID != cfg.TaskID || !res.Task.Status.Final() {
				continue
			}
			source = ByWebhook
		case <-tick:
			source = ByPoll
		}
		res, err := w.read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				continue // reported by the ctx case above
			}
			if fatal(err, cfg.Now().Sub(start), cfg.NotFoundGrace) {
				return Outcome{}, err
			}
			w.report(Progress{Status: "", Err: err, Source: source})
			tick = cfg.After(p.Next(cfg.Now()))
			continue
		}
		w.report(Progress{Status: res.Task.Status, Percent: int64(res.Task.ProgressPercent), ETA: int64(res.Task.ETA), Source: source})
		if res.Task.Status.Final() {
			return Outcome{Result: res, DeliveredBy: source, Elapsed: cfg.Now().Sub(start), Requests: w.requests}, nil
		}
		// A webhook said final but the API does not agree yet (or the body was forged): keep polling.
		p.Observe(cfg.Now(), int64(res.Task.ETA))
		tick = cfg.After(p.Next(cfg.Now()))
	}
}

type run struct {
	cfg      Config
	start    time.Time
	requests int
}

func (w *run) read(ctx context.Context) (*novita.TaskResult, error) {
	w.requests++
	return w.cfg.Read(ctx, w.cfg.TaskID)
}

func (w *run) report(p Progress) {
	if w.cfg.OnProgress == nil {
		return
	}
	p.TaskID = w.cfg.TaskID
	p.Elapsed = w.cfg.Now().Sub(w.start)
	p.Requests = w.requests
	w.cfg.OnProgress(p)
}

// fatal decides which read errors end the wait: a rejected key, or a task the API does not know
// (after a grace period, since a fresh task may not be readable at once). Everything else -- 429, 5xx,
// network trouble -- is ridden out until the timeout.
func fatal(err error, elapsed, grace time.Duration) bool {
	var ae *novita.APIError
	if !errors.As(err, &ae) {
		return false
	}
	if ae.IsAuth() {
		return true
	}
	if ae.HTTPStatus == http.StatusNotFound {
		return elapsed >= grace
	}
	return ae.HTTPStatus >= 400 && ae.HTTPStatus < 500 && ae.HTTPStatus != http.StatusTooManyRequests && ae.HTTPStatus != http.StatusRequestTimeout
}
