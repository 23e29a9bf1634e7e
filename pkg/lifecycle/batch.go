package lifecycle

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/novita"
)

// Batch is many tasks through one receiver and one shared poller: a submit --batch, a wait --batch
// resume or a wait of several ids.
type Batch struct {
	ID          string
	Endpoint    string // for items with a body
	Task        string // catalog name for {task}, unless TaskOf says otherwise
	Output      string // the -o template as given, journalled with each submit
	Concurrency int
	Wait        bool
	Timeout     time.Duration
	Outputs     Outputs
	// TaskOf and TemplateOf override Task and Outputs.Template per task id (a resume).
	TaskOf     map[string]string
	TemplateOf map[string]*download.Template
	Webhooks   func(taskID string) <-chan *novita.TaskResult // nil: polling only
	AfterWait  func()

	// Done receives every line that is over (and, without Wait, every submitted line) in completion
	// order; Result.Data holds its *Document when there is one. Progress gets the counts after each
	// change; Paused is told once per burst of 429s. All three are serialised.
	Done     func(batch.Result)
	Progress func(batch.Counts)
	Paused   func(d time.Duration)
}

// RunBatch runs a batch to its end and returns one result per item, in item order (see batch.Run).
func (r *Runner) RunBatch(ctx context.Context, b Batch, items []batch.Item) ([]batch.Result, error) {
	gate := batch.NewGate()
	pause := func(d time.Duration) {
		if gate.Pause(d) && b.Paused != nil {
			b.Paused(d)
		}
	}
	// The batch's client shares its 429 gate, so one rate-limited answer pauses every submit and read.
	c := *r.Client
	c.Sleep = gate.Sleep
	orig := r.Client.OnRetry
	c.OnRetry = func(op string, attempt int, wait time.Duration, err error) {
		var ae *novita.APIError
		if errors.As(err, &ae) && ae.HTTPStatus == http.StatusTooManyRequests {
			pause(wait) // one line per burst, not one per request
			return
		}
		if orig != nil {
			orig(op, attempt, wait, err)
		}
	}
	sub := *r
	sub.Client = &c
	cfg := batch.Config{
		Concurrency: b.Concurrency, Wait: b.Wait, Read: c.TaskResult, Gate: gate, Schedule: r.Schedule,
		Timeout: b.Timeout, Now: r.Now, Webhooks: b.Webhooks, AfterWait: b.AfterWait,
		Done: b.Done, Progress: b.Progress,
		OnPause: func(d time.Duration, _ error) {
			if b.Paused != nil {
				b.Paused(d)
			}
		},
		// The task is journalled here, as the submit answers, rather than in OnSubmitted: the body
		// (for the journal's request and prompt) is dropped from the item once it is sent.
		Submit: func(ctx context.Context, it batch.Item) (string, error) {
			id, err := c.Submit(ctx, b.Endpoint, it.Body)
			if err == nil {
				r.Journalled(id, Submission{Task: b.Task, Endpoint: b.Endpoint, Body: it.Body, Output: b.Output,
					BatchID: b.ID, Line: it.Line})
			}
			return id, err
		},
		Finish: func(ctx context.Context, res *batch.Result) error {
			start := r.now()
			task, tmpl := b.Task, b.Outputs.Template
			if t, ok := b.TaskOf[res.TaskID]; ok {
				task = t
			}
			if t, ok := b.TemplateOf[res.TaskID]; ok {
				tmpl = t
			}
			outs := b.Outputs
			outs.Template = tmpl
			doc, err := sub.finishQuiet(ctx, Finished{TaskID: res.TaskID, Task: task, BatchID: b.ID, Line: res.Line,
				Result: res.Result, DeliveredBy: res.DeliveredBy, Outputs: outs, Elapsed: res.Elapsed})
			doc.ElapsedMS = (res.Elapsed + r.now().Sub(start)).Milliseconds()
			res.Data = doc
			var failed *TaskFailedError
			if errors.As(err, &failed) {
				return nil // the batch engine already counts it as Failed
			}
			return err
		},
	}
	return batch.Run(ctx, cfg, items)
}

// finishQuiet is Finish without download progress: a batch shows its own.
func (r *Runner) finishQuiet(ctx context.Context, f Finished) (*Document, error) {
	q := *r
	q.Progress = nil
	return q.Finish(ctx, f)
}
