// Package lifecycle owns the life of a paid task, the same for submit, wait, result, rerun and batches:
//
//  1. Submit: the body goes to the API; the task id is journalled before anything else happens, so a
//     crash, a Ctrl-C or a full disk later never loses a task that was paid for.
//  2. Await: the wait engine races webhooks (signals only) against adaptive polling; the result that
//     counts is always read back from the API with our key.
//  3. Save: the outputs of a succeeded task are downloaded through the output template.
//  4. Journal: the final status and the saved files are recorded as they become known.
//
// It knows nothing of the terminal: what happens is reported to an Observer, and commands decide how
// it looks.
package lifecycle

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Document is the --json output of a finished task (README "Waiting, downloads and the JSON document").
type Document struct {
	TaskID      string          `json:"task_id"`
	Task        string          `json:"task,omitempty"`
	TaskType    string          `json:"task_type"`
	Status      string          `json:"status"`
	Reason      string          `json:"reason"`
	DeliveredBy string          `json:"delivered_by,omitempty"`
	ElapsedMS   int64           `json:"elapsed_ms"`
	BatchID     string          `json:"batch_id,omitempty"`
	Line        int             `json:"line,omitempty"`
	Result      json.RawMessage `json:"result"`
	Files       []download.File `json:"files"`
}

// Observer is told what the pipeline does, for a command to show. It may be called from several
// goroutines at once. Every method is optional: embed NopObserver.
type Observer interface {
	// Progress reports a task being waited for (status, percent, eta, a transient read error).
	Progress(p waiter.Progress)
	// Ended reports a task that reached its final status.
	Ended(e Ended)
	// Warn reports a problem that does not stop the task (a journal write failed).
	Warn(err error)
}

// Ended is a task's final status as the API reported it.
type Ended struct {
	TaskID      string
	Status      novita.Status
	Reason      string
	DeliveredBy string
	Elapsed     time.Duration
}

// NopObserver ignores everything; embed it to implement only some methods.
type NopObserver struct{}

func (NopObserver) Progress(waiter.Progress) {}
func (NopObserver) Ended(Ended)              {}
func (NopObserver) Warn(error)               {}

// Runner carries what every step of the pipeline needs.
type Runner struct {
	Client    *novita.Client
	BaseURL   string
	Journal   *journal.Journal // nil: nothing is recorded (tests)
	HTTP      *http.Client     // downloads
	UserAgent string
	Schedule  waiter.Schedule
	Now       func() time.Time
	After     func(time.Duration) <-chan time.Time
	// Progress receives download progress; nil is silent. ProgressTTY selects bars over plain lines.
	Progress    io.Writer
	ProgressTTY bool
	Observer    Observer
}

func (r *Runner) observer() Observer {
	if r.Observer == nil {
		return NopObserver{}
	}
	return r.Observer
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// record appends to the journal; a journal failure is a warning, never the end of a paid task.
func (r *Runner) record(rec journal.Record) {
	if r.Journal == nil {
		return
	}
	if err := r.Journal.Append(rec); err != nil {
		r.observer().Warn(err)
	}
}
