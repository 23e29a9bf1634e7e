// Package lifecycle owns the life of a paid task, the same for submit, wait, result, rerun and batches:
//
//  1. Submit: the body goes to the API; the task id is journalled before anything else happens, so a
//     crash, a Ctrl-C or a full disk later never loses a task that was paid for.
//  2. Await: the wait engine races webhooks (signals only) against adaptive polling; the result that
//     counts is always read back from the API with our key.
//  3. Save: the outputs of a succeeded task are downloaded through the output template.
//  4. Journal: status changes, the outputs' URL expiry and the saved files are recorded as they become
//     known. A journal failure is a warning (Observer.Warn), never the end of a paid task.
//
// It knows nothing of the terminal: what happens is reported to an Observer, and commands decide how
// it looks.
package lifecycle

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Document is the --json output of a finished task (README "The JSON contract and exit codes").
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
	Clock     clock.Clock // every wait, timer and timestamp of the pipeline; nil = the real clock
	// Progress shows download progress (bars or lines); nil is silent.
	Progress download.Progress
	Observer Observer
	// Stdout receives the output of -o - (standard output); nil refuses that template.
	Stdout io.Writer
	// Buffers lends the downloads their copy buffers; RunBatch sets one for its downloads. nil: one
	// per file.
	Buffers *download.Buffers
	// Sandbox marks the tasks of an in-process simulator in the journal: they end with the command.
	Sandbox bool
	// ProvenanceNotes says once per format that a file got a metadata sidecar instead; nil says it
	// every time.
	ProvenanceNotes *ProvenanceNotes
}

func (r *Runner) observer() Observer {
	if r.Observer == nil {
		return NopObserver{}
	}
	return r.Observer
}

func (r *Runner) clock() clock.Clock { return clock.OrReal(r.Clock) }

func (r *Runner) now() time.Time { return r.clock().Now() }

// The journal writes below never end a paid task: a failure is a warning. They run with a context
// that a Ctrl-C does not cancel, because the task exists whatever happens to this process and
// recording it takes milliseconds.

// recordSubmitted journals a task the API just created, before anything waits for it.
func (r *Runner) recordSubmitted(s journal.Submitted) {
	if r.Journal == nil {
		return
	}
	if err := r.Journal.RecordSubmitted(context.Background(), s); err != nil {
		r.observer().Warn(err)
	}
}

// recordStatus journals a status seen for a task.
func (r *Runner) recordStatus(u journal.StatusUpdate) {
	if r.Journal == nil {
		return
	}
	if err := r.Journal.RecordStatus(context.Background(), u); err != nil {
		r.observer().Warn(err)
	}
}

// recordOutputs journals the outputs of a result that was just read, not yet downloaded: each one's
// URL and when that URL expires, so `novita tasks show` and the "not downloaded" warning know how long
// they stay fetchable. Inline outputs (synchronous endpoints) have no URL to expire.
func (r *Runner) recordOutputs(taskID string, outs []novita.Output) {
	var recs []journal.FileRecord
	readAt := r.now()
	for _, o := range outs {
		if o.URL != "" {
			recs = append(recs, journal.FileRecord{Kind: o.Kind, Index: o.Index, URLExpiresAt: urlExpiry(readAt, o.TTL)})
		}
	}
	r.writeFiles(taskID, recs)
}

// recordFiles journals the files a download saved (absolute paths), with the expiry of the URLs they
// came from (outs, the result's outputs).
func (r *Runner) recordFiles(taskID string, files []download.File, outs []novita.Output) {
	if len(files) == 0 {
		return
	}
	readAt := r.now()
	ttl := map[string]int64{}
	for _, o := range outs {
		ttl[o.Kind+"/"+strconv.Itoa(o.Index)] = o.TTL
	}
	recs := make([]journal.FileRecord, len(files))
	for i, f := range files {
		recs[i] = journal.FileRecord{Kind: f.Kind, Index: f.Index, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256,
			DeliveredSHA256: f.DeliveredSHA256, URLExpiresAt: urlExpiry(readAt, ttl[f.Kind+"/"+strconv.Itoa(f.Index)])}
	}
	r.writeFiles(taskID, recs)
}

func (r *Runner) writeFiles(taskID string, recs []journal.FileRecord) {
	if r.Journal == nil || len(recs) == 0 {
		return
	}
	if err := r.Journal.RecordFiles(context.Background(), taskID, recs); err != nil {
		r.observer().Warn(err)
	}
}

// urlExpiry is when a URL read at readAt with a TTL of ttl seconds stops working; zero when the API
// did not say.
func urlExpiry(readAt time.Time, ttl int64) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return readAt.Add(time.Duration(ttl) * time.Second).UTC()
}

// sourceOf names who reported a final status, in the journal's words.
func sourceOf(deliveredBy string) string {
	if deliveredBy == waiter.ByWebhook {
		return journal.SourceWebhook
	}
	return journal.SourcePoll
}

// resultSeed is the seed a result reports in extra.seed (a number or a numeric string; "" while the
// task runs), which is what a rerun needs when the request asked for a random one (-1).
func resultSeed(res *novita.TaskResult) *int64 {
	if len(res.Extra) == 0 {
		return nil
	}
	if seed, ok := journal.RequestSeed(res.Extra); ok {
		return &seed
	}
	return nil
}
