package batch

import (
	"context"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Item is one task of a batch: a body to submit, or (when resuming) a task submitted earlier.
type Item struct {
	Line int
	// Body is the request body; ignored when TaskID is set. Run sets it to nil in the caller's slice
	// once the line is sent, so a large batch does not hold every body (some embed whole images).
	Body   []byte
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
	Line    int
	TaskID  string
	Outcome Outcome
	// Result is the final result as read from the API, when there is one. Finish and Done get it; the
	// slice Run returns does not keep it (a large batch would hold every raw result to the end).
	Result      *novita.TaskResult
	DeliveredBy string        // waiter.ByWebhook or waiter.ByPoll
	Err         error         // why, for Errored (and Pending after an interrupted Finish)
	Data        any           // whatever Finish stored (the caller's output document)
	Reads       int           // task-result reads the poller made for this task
	Elapsed     time.Duration // from submit (or the start of a resume) to the end
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
	// Deliveries carries every result our receiver got (any task): the engine picks the batch's own, as
	// signals to read those tasks now; it costs nothing per task. nil: polling only.
	Deliveries <-chan *novita.TaskResult
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

	Gate          *Gate                              // shared 429 back-off; default a new one on Clock
	OnPause       func(d time.Duration, cause error) // a 429 closed the gate (once per burst)
	Schedule      waiter.Schedule                    // safety-net polling; default waiter.DefaultSchedule()
	NotFoundGrace time.Duration                      // tolerate TASK_NOT_FOUND this long after a submit; default 30s
	Timeout       time.Duration                      // for the whole run; 0 = none
	// Clock drives every wait of the run (reads, the gate, the timeout); default the real clock.
	Clock clock.Clock
}

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Gate == nil {
		c.Gate = waiter.NewGate(c.Clock)
	}
	if c.Schedule == (waiter.Schedule{}) {
		c.Schedule = waiter.DefaultSchedule()
	}
	if c.NotFoundGrace <= 0 {
		c.NotFoundGrace = 30 * time.Second
	}
	if c.Finish == nil {
		c.Finish = func(context.Context, *Result) error { return nil }
	}
	return c
}

// Gate is the 429 back-off shared by a batch's submits and reads (see waiter.Gate).
type Gate = waiter.Gate

// ErrStopped is returned by a Gate's waits once the run it guards has stopped.
var ErrStopped = waiter.ErrStopped

// NewGate returns an open gate on the real clock.
func NewGate() *Gate { return waiter.NewGate(nil) }
