package lifecycle

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// Batch is many tasks through one receiver and one shared poller: a submit --batch, a wait --batch
// resume, a wait --pending or a wait of several ids.
type Batch struct {
	ID          string
	File        string // the batch file, recorded with the batch's plan before the first submit
	Endpoint    string // for items with a body
	Task        string // catalog name for {task}, unless Resumed says otherwise
	Output      string // the -o template as given, journalled with each submit
	Concurrency int
	Wait        bool
	Timeout     time.Duration
	Outputs     Outputs
	// WebhookURL is set as extra.webhook.url on each body as it is sent (our receiver's, or the
	// user's --webhook-url); "" sends the bodies as they are.
	WebhookURL string
	// WebhookPath is where WebhookURL goes in each body (catalog.Task.WebhookPath; "" extra.webhook.url).
	WebhookPath string
	// Resumed says, by task id, what the journal knows of tasks submitted earlier.
	Resumed map[string]Resumed
	// Deliveries is every result our receiver got, for any task (hooks.Router.Results); nil: polling only.
	Deliveries <-chan *novita.TaskResult
	AfterWait  func()

	// Done receives every line that is over (and, without Wait, every submitted line) in completion
	// order; Result.Data holds its *Document when there is one. Progress gets the counts after each
	// change; Paused is told once per burst of 429s. All three are serialised.
	Done     func(batch.Result)
	Progress func(batch.Counts)
	Paused   func(d time.Duration)
}

// Resumed is a task submitted earlier, as the journal recorded it: where its outputs go.
type Resumed struct {
	Task     string             // catalog name for {task}; "" = Batch.Task
	Template *download.Template // nil = Batch.Outputs.Template
	BatchID  string             // its batch, for its document; "" = Batch.ID
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
	if sub.Buffers == nil {
		sub.Buffers = &download.Buffers{} // the batch's downloads reuse a few buffers, not one per file
	}
	var ids taskIDs
	cfg := batch.Config{
		Concurrency: b.Concurrency, Wait: b.Wait, Read: c.TaskResult, Gate: gate, Schedule: r.Schedule,
		Timeout: b.Timeout, Clock: r.clock(), Deliveries: b.Deliveries, AfterWait: b.AfterWait,
		Done: b.Done, Progress: b.Progress,
		OnPause: func(d time.Duration, _ error) {
			if b.Paused != nil {
				b.Paused(d)
			}
		},
		// The task is journalled here, as the submit answers, rather than in OnSubmitted: the body
		// (for the journal's request and prompt) is dropped from the item once it is sent.
		Submit: func(ctx context.Context, it batch.Item) (string, error) {
			sent, err := body.WithWebhook(it.Body, b.WebhookPath, b.WebhookURL) // the line's body stays small until now
			if err != nil {
				return "", err
			}
			hookAt := ""
			if b.WebhookURL != "" {
				hookAt = cmp.Or(b.WebhookPath, catalog.DefaultWebhookPath)
			}
			id, sent, err := r.submitBody(ctx, &c, b.Endpoint, sent, hookAt)
			if err == nil {
				if err := ids.claim(id, it.Line); err != nil {
					r.dropLine(b.ID, it.Line)
					return "", err
				}
				r.Journalled(id, Submission{Task: b.Task, Endpoint: b.Endpoint, Body: sent, Output: b.Output,
					BatchID: b.ID, Line: it.Line})
			}
			return id, err
		},
		Finish: func(ctx context.Context, res *batch.Result) error {
			start := r.now()
			task, outs, batchID := b.Task, b.Outputs, b.ID
			if k, ok := b.Resumed[res.TaskID]; ok {
				task, batchID = cmp.Or(k.Task, task), cmp.Or(k.BatchID, batchID)
				if k.Template != nil {
					outs.Template = k.Template
				}
			}
			doc, err := sub.finishQuiet(ctx, Finished{TaskID: res.TaskID, Task: task, BatchID: batchID, Line: res.Line,
				Result: res.Result, DeliveredBy: res.DeliveredBy, Outputs: outs, Elapsed: res.Elapsed})
			err = batchDownloadTimedOut(ctx, err, res.TaskID, b.Timeout)
			doc.ElapsedMS = (res.Elapsed + r.now().Sub(start)).Milliseconds()
			res.Data = doc
			var failed *TaskFailedError
			if errors.As(err, &failed) {
				return nil // the batch engine already counts it as Failed
			}
			return err
		},
	}
	r.recordPlan(b, items)
	return batch.Run(ctx, cfg, items)
}

// recordPlan journals the lines a batch is about to submit, before the first is sent, so a resume can
// tell the lines that never became tasks (a stop, a refusal, a kill) from the tasks to wait for.
func (r *Runner) recordPlan(b Batch, items []batch.Item) {
	if r.Journal == nil || b.ID == "" {
		return
	}
	var lines []int
	for _, it := range items {
		if it.TaskID == "" {
			lines = append(lines, it.Line)
		}
	}
	if len(lines) == 0 {
		return // a resume: the plan was recorded when the batch started
	}
	if err := r.Journal.RecordBatchPlan(context.Background(), journal.BatchPlan{ID: b.ID, File: b.File, Lines: lines}); err != nil {
		r.observer().Warn(err)
	}
}

// finishQuiet is Finish without download progress: a batch shows its own.
func (r *Runner) finishQuiet(ctx context.Context, f Finished) (*Document, error) {
	q := *r
	q.Progress = nil
	return q.Finish(ctx, f)
}
