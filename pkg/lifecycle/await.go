package lifecycle

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Outputs says where and whether the outputs of a task are saved.
type Outputs struct {
	Template   *download.Template
	NoDownload bool
	Overwrite  bool
	// Metadata is --metadata: provenance embedded in each file ("embed"), beside it ("sidecar"), or
	// not at all ("none" or "").
	Metadata string
	// AnySaved counts an output saved intact at the path the journal recorded for it (by listen
	// --download, another -o) as saved: a resume with the journalled template never fetches it
	// again. An -o the user gives now asks for that copy, so it leaves this off.
	AnySaved bool
}

// Spec is one task to wait for.
type Spec struct {
	TaskID string
	Task   string // catalog name, for {task}
	Line   int
	// Webhooks is every result our receiver got, for any task (hooks.Router.Results): the engine
	// takes this task's as a signal to read it now. nil without a receiver.
	Webhooks <-chan *novita.TaskResult
	Timeout  time.Duration
	// Grace tolerates TASK_NOT_FOUND for a while right after a submit.
	Grace   time.Duration
	Outputs Outputs
	// AfterWait runs once the final state is known, before downloading: the receiver and tunnel
	// are no longer needed, and closing an ngrok session takes a moment, so it overlaps the download.
	AfterWait func()
}

// TaskFailedError is a task that ended with TASK_STATUS_FAILED (exit 3).
type TaskFailedError struct {
	TaskID, Reason string
}

func (e *TaskFailedError) Error() string {
	return fmt.Sprintf("task %s failed: %s", e.TaskID, OrUnknown(e.Reason))
}

// ExitKind maps a failed task to exit 3.
func (e *TaskFailedError) ExitKind() clierr.Kind { return clierr.KindTaskFailed }

// OrUnknown is the reason of a failure that came without one.
func OrUnknown(reason string) string {
	if reason == "" {
		return "no reason given"
	}
	return reason
}

// Await waits for one task, journals its final status, then saves its outputs. A FAILED task returns
// its document and a *TaskFailedError; a download error returns the document with the files that
// were saved.
func (r *Runner) Await(ctx context.Context, s Spec) (*Document, error) {
	start, wall := r.now(), time.Now()
	out, err := waiter.Wait(ctx, waiter.Config{
		TaskID: s.TaskID, Read: r.Client.TaskResult, Webhooks: s.Webhooks, Timeout: s.Timeout,
		Schedule: r.Schedule, NotFoundGrace: s.Grace, Clock: r.clock(),
		OnProgress: r.journalProgress(s.TaskID),
	})
	if s.AfterWait != nil {
		s.AfterWait()
	}
	if err != nil {
		return nil, err
	}
	fctx, cancel := downloadDeadline(ctx, s.Timeout, wall)
	defer cancel()
	doc, err := r.Finish(fctx, Finished{TaskID: s.TaskID, Task: s.Task, Line: s.Line, Result: out.Result,
		DeliveredBy: out.DeliveredBy, Outputs: s.Outputs, Elapsed: r.now().Sub(start)})
	doc.ElapsedMS = r.now().Sub(start).Milliseconds()
	return doc, downloadTimedOut(ctx, fctx, err, s.TaskID, s.Timeout)
}

// Finished is a task whose final result is known, on its way to the journal and the disk.
type Finished struct {
	TaskID, Task, BatchID string
	Line                  int
	Result                *novita.TaskResult
	DeliveredBy           string
	Outputs               Outputs
	Elapsed               time.Duration // waited so far, for the observer
}

// Finish journals a final result, tells the observer and saves the outputs of a succeeded task.
func (r *Runner) Finish(ctx context.Context, f Finished) (*Document, error) {
	res := f.Result
	doc := &Document{TaskID: f.TaskID, Task: f.Task, TaskType: res.Task.TaskType, Status: string(res.Task.Status),
		Reason: res.Task.Reason, DeliveredBy: f.DeliveredBy, BatchID: f.BatchID, Line: f.Line, Result: res.Raw,
		Files: []download.File{}}
	r.recordStatus(journal.StatusUpdate{TaskID: f.TaskID, Status: doc.Status, Reason: doc.Reason,
		TaskType: doc.TaskType, Source: sourceOf(f.DeliveredBy), Seed: resultSeed(res)})
	if res.Task.Status != novita.StatusFailed {
		r.recordOutputs(f.TaskID, res.Outputs()) // known before the download, which may never finish
	}
	r.observer().Ended(Ended{TaskID: f.TaskID, Status: res.Task.Status, Reason: res.Task.Reason,
		DeliveredBy: f.DeliveredBy, Elapsed: f.Elapsed})
	if res.Task.Status == novita.StatusFailed {
		return doc, &TaskFailedError{TaskID: f.TaskID, Reason: res.Task.Reason}
	}
	if f.Outputs.NoDownload {
		return doc, nil
	}
	files, err := r.Save(ctx, SaveSpec{TaskID: f.TaskID, Task: f.Task, Line: f.Line, Result: res, Outputs: f.Outputs})
	doc.Files = files
	return doc, err
}

// journalProgress tells the observer about progress and journals each change of a task's running
// status (QUEUED, PROCESSING), so its history shows when it started; the final status is journalled
// by Finish with the rest of the result.
func (r *Runner) journalProgress(taskID string) func(waiter.Progress) {
	var mu sync.Mutex
	last := novita.StatusQueued // journalled with the submit
	return func(p waiter.Progress) {
		if p.Err == nil && p.Status != "" && !journal.Final(string(p.Status)) {
			mu.Lock()
			changed := p.Status != last
			last = p.Status
			mu.Unlock()
			if changed {
				r.recordStatus(journal.StatusUpdate{TaskID: taskID, Status: string(p.Status), Source: sourceOf(p.Source)})
			}
		}
		r.observer().Progress(p)
	}
}
