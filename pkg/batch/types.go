package batch

import (
	"context"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Item is one task of a batch: a body to submit, or (when resuming) a task submitted earlier.
type Item struct {
	Line   int
	Body   []byte // request body; ignored when TaskID is set
	TaskID string // already submitted: only wait for it
}

// Outcome is where a line ended up.
type Outcome string

const (
	Succeeded    Outcome = "succeeded"     // final TASK_STATUS_SUCCEED and Finish went well
	Failed       Outcome = "failed"        // final TASK_STATUS_FAILED
	Errored      Outcome = "error"         // the submit, a read or Finish (a download) failed
	Submitted    Outcome = "submitted"     // submitted, not waited for (Config.Wait false)
	Pending      Outcome = "pending"       // submitted, not finished when the run stopped: resumable
	NotSubmitted Outcome = "not submitted" // never sent because the run stopped first
)

// Result is what became of one line.
type Result struct {
	Line        int
	TaskID      string
	Outcome     Outcome
	Result      *novita.TaskResult // the final result as read from the API, when there is one
	DeliveredBy string             // waiter.ByWebhook or waiter.ByPoll
	Err         error              // why, for Errored (and Pending after an interrupted Finish)
	Data        any                // whatever Finish stored (the caller's output document)
	Reads       int                // task-result reads the poller made for this task
	Elapsed     time.Duration      // from submit (or the start of a resume) to the end
}

// Counts is the batch's progress.
type Counts struct {
	Total, Submitted, Succeeded, Failed, Errored int
}

// Done is how many lines are over, one way or another.
func (c Counts) Done() int { return c.Succeeded + c.Failed + c.Errored }

// Pending is how many lines are not over yet.
func (c Counts) Pending() int { return c.Total - c.Done() }

// Config describes one batch run. Submit, Read and the callbacks are called from several goroutines;
// OnSubmitted, Done and Progress are serialised.
type Config struct {
	Concurrency int // submits in flight, reads in flight, finishers; default 4
	Wait        bool

	// Submit sends one body and returns the task id. It gets a context that is NOT cancelled when the run
	// stops, so a request on the wire completes and its task is reported; bound it with a timeout.
	Submit func(ctx context.Context, it Item) (string, error)
	// OnSubmitted is told about every created task right after its submit (journal it here).
	OnSubmitted func(it Item, taskID string)
	// Read fetches a task's current result.
	Read func(ctx context.Context, taskID string) (*novita.TaskResult, error)
	// Webhooks returns the channel on which our receiver delivers results for a task; nil: polling only.
	Webhooks func(taskID string) <-chan *novita.TaskResult
	// Finish runs for every task that reached a final status (download its outputs; set r.Data).
	// An error makes the line Errored (or Pending when the run was stopped meanwhile).
	Finish func(ctx context.Context, r *Result) error
	// Done receives every line that is over (and, without Wait, every submitted line) in completion order.
	Done func(r Result)
	// AfterWait runs once no task is left to wait for (all final or over), while downloads may still
	// run: the webhook receiver can be closed then.
	AfterWait func()
	// Progress receives the counts after each change.
	Progress func(c Counts)

	Gate          *Gate                              // shared 429 back-off; default a new one
	OnPause       func(d time.Duration, cause error) // a 429 closed the gate (once per burst)
	Schedule      waiter.Schedule                    // safety-net polling; default waiter.DefaultSchedule()
	NotFoundGrace time.Duration                      // tolerate TASK_NOT_FOUND this long after a submit; default 30s
	Timeout       time.Duration                      // for the whole run; 0 = none
	Now           func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.Gate == nil {
		c.Gate = NewGate()
	}
	if c.Schedule == (waiter.Schedule{}) {
		c.Schedule = waiter.DefaultSchedule()
	}
	if c.NotFoundGrace <= 0 {
		c.NotFoundGrace = 30 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Finish == nil {
		c.Finish = func(context.Context, *Result) error { return nil }
	}
	return c
}
