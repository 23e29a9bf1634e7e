package taskview

import (
	"context"
	"fmt"
	"github.com/novita-cli/novita/cmd/internal/words"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// Invalid is a batch line that could not become a request.
type Invalid struct {
	Line int
	Err  error
}

// Problems lists the problems of one line's error: each of a joined error, else the error itself, so
// that every one gets a line (or a "; ") of its own rather than an escaped newline.
func Problems(err error) []string { return words.Lines(err) }

// BatchView shows a batch: progress on stderr, each line's data on stdout as it ends (task ids in line
// order without --wait), then the summary table and the exit error.
type BatchView struct {
	IO   *iostreams.IOStreams
	JSON bool
	ID   string // the batch's id ("" for tasks of several batches, wait --pending)
	// Label names the run in progress and summary lines; default "batch ID".
	Label string
	// ResumeCommand picks the run up again after a stop; default "novita wait --batch ID".
	ResumeCommand string
	Wait          bool
	Timeout       time.Duration
	Every         time.Duration // period of the plain progress lines; 0 = 5 s
	Skipped       []Invalid     // lines left out with --skip-invalid
	Earlier       []Row         // lines already over before this run (a resume), or never submitted
	Advice        Advice        // how advice is worded, and what is scrubbed from messages

	mu     sync.Mutex
	order  *lineOrder
	meter  *iostreams.Meter
	counts batch.Counts
	outErr error
}

// Start begins showing a batch of items.
func (v *BatchView) Start(items []batch.Item) {
	if !v.Wait && !v.JSON {
		lines := make([]int, len(items))
		for i, it := range items {
			lines[i] = it.Line
		}
		v.order = newLineOrder(lines)
	}
	v.counts = batch.Counts{Total: len(items)}
	if v.JSON {
		// A resume prints every line of the batch, also those over before it: one document each.
		for _, r := range v.Earlier {
			if r.Doc != nil {
				v.write(r.Doc)
			}
		}
	}
	v.meter = v.IO.StartMeter(v.name(), len(items), v.Every, v.text)
}

// write prints one line document as NDJSON, remembering the first error.
func (v *BatchView) write(doc any) {
	if err := iostreams.WriteJSONLine(v.IO.DataOut(), doc); err != nil && v.outErr == nil {
		v.outErr = fmt.Errorf("write stdout: %w", err)
	}
}

// name is how the run is called: "batch b-1a2b3c4d5e", or the label.
func (v *BatchView) name() string {
	if v.Label != "" {
		return v.Label
	}
	return "batch " + v.ID
}

func (v *BatchView) resumeCommand() string {
	if v.ResumeCommand != "" {
		return v.ResumeCommand
	}
	return "novita wait --batch " + v.ID
}

// Progress takes the counts after each change.
func (v *BatchView) Progress(c batch.Counts) {
	v.mu.Lock()
	v.counts = c
	v.mu.Unlock()
	n := c.Submitted
	if v.Wait {
		n = c.Done()
	}
	v.meter.Set(n)
}

// Paused says once per burst that a 429 paused the batch.
func (v *BatchView) Paused(d time.Duration) {
	v.IO.Statusf("%s: rate limited (429): pausing all submits and reads for %s", v.name(), d.Round(time.Millisecond))
}

func (v *BatchView) text(long bool) string {
	v.mu.Lock()
	c := v.counts
	v.mu.Unlock()
	var s string
	if !v.Wait {
		s = fmt.Sprintf("%d/%d submitted", c.Submitted, c.Total)
		if c.Errored > 0 {
			s += fmt.Sprintf(", %d errors", c.Errored)
		}
	} else {
		s = fmt.Sprintf("%d/%d done (%d succeeded, %d failed", c.Done(), c.Total, c.Succeeded, c.Failed)
		if c.Errored > 0 {
			s += fmt.Sprintf(", %d errors", c.Errored)
		}
		s += fmt.Sprintf("), %d pending", c.Pending())
		if c.Submitted < c.Total {
			s += fmt.Sprintf(", %d submitted", c.Submitted)
		}
	}
	if long {
		return v.name() + ": " + s
	}
	return s
}

// Done prints a line that is over (or submitted, without --wait) on stdout, in completion order.
// Once printed, a line's document keeps only what the summary needs: a batch of thousands must not
// hold every raw result and URL until its end.
func (v *BatchView) Done(r batch.Result) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.IO.DataOut() // the meter may show on the same terminal
	var err error
	switch {
	case r.Outcome == batch.Submitted && v.JSON:
		err = iostreams.WriteJSONLine(out, map[string]any{"batch_id": v.ID, "line": r.Line, "task_id": r.TaskID})
	case r.Outcome == batch.Submitted:
		v.order.done(out, r.Line, r.TaskID)
	case v.order != nil:
		v.order.done(out, r.Line, "") // a submit error: nothing to print, but the lines after it may go
	case v.JSON:
		err = iostreams.WriteJSONLine(out, v.docOf(r))
	default:
		if doc, ok := r.Data.(*lifecycle.Document); ok {
			for _, f := range doc.Files {
				if _, err = fmt.Fprintln(out, f.Path); err != nil {
					break
				}
			}
		}
	}
	if doc, ok := r.Data.(*lifecycle.Document); ok {
		keepForSummary(doc)
	}
	if err != nil && v.outErr == nil {
		v.outErr = fmt.Errorf("write stdout: %w", err)
	}
}

// keepForSummary drops from a printed document what the summary does not show: the raw result, the
// output URLs and checksums (the reason and the paths stay).
func keepForSummary(doc *lifecycle.Document) {
	doc.Result, doc.TaskType, doc.DeliveredBy = nil, "", ""
	for i := range doc.Files {
		doc.Files[i].URL, doc.Files[i].SHA256 = "", ""
	}
}

// LineDoc is a batch line's --json document: the task's document, plus the error that kept the line
// from succeeding (the task's failure, a submit, read or download error) in the shape of the top-level
// error document.
type LineDoc struct {
	*lifecycle.Document
	Error *ErrorDoc `json:"error,omitempty"`
}

// docOf is the --json document of a line; lines without a final result get status "ERROR".
func (v *BatchView) docOf(r batch.Result) LineDoc {
	d := LineDoc{}
	if doc, ok := r.Data.(*lifecycle.Document); ok {
		d.Document = doc
	} else {
		d.Document = &lifecycle.Document{TaskID: r.TaskID, Status: "ERROR", BatchID: v.ID, Line: r.Line,
			ElapsedMS: r.Elapsed.Milliseconds(), Result: []byte("null"), Files: []download.File{}}
	}
	if d.BatchID == "" {
		d.BatchID = v.ID
	}
	err := r.Err
	if err == nil && r.Outcome == batch.Failed {
		err = &lifecycle.TaskFailedError{TaskID: d.TaskID, Reason: d.Reason}
	}
	if err != nil {
		e := NewErrorDoc(err, "", v.Advice.Scrub)
		d.Error = e.about(d.TaskID, d.BatchID)
		if d.Reason == "" {
			d.Reason = e.Message
		}
	}
	return d
}

// Finish stops the progress, prints what is left and the summary, and returns the exit error.
func (v *BatchView) Finish(ctx context.Context, results []batch.Result, runErr error) error {
	v.mu.Lock()
	c := v.counts
	v.mu.Unlock()
	v.meter.Stop(c.Done() == c.Total || (!v.Wait && c.Submitted == c.Total))
	if v.order != nil {
		v.order.flush(v.IO.Out)
	}
	rows := v.rows(results)
	if !v.IO.Quiet {
		writeSummary(v.IO.ErrOut, v.name(), rows)
	}
	if v.outErr != nil {
		return v.outErr
	}
	err := v.exitError(ctx, rows, runErr)
	if v.JSON && err != nil && !clierr.IsReported(err) {
		// stdout is NDJSON: the run's own error is one more line of it, not an indented document.
		if werr := iostreams.WriteJSONLine(v.IO.Out, map[string]any{"error": NewErrorDoc(err, clierr.HintOf(err), v.Advice.Scrub)}); werr != nil {
			return werr
		}
		err = clierr.Reported(err)
	}
	return err
}
