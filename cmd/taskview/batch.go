package taskview

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// Invalid is a batch line that could not become a request.
type Invalid struct {
	Line int
	Err  error
}

// BatchView shows a batch: progress on stderr, each line's data on stdout as it ends (task ids in line
// order without --wait), then the summary table and the exit error.
type BatchView struct {
	IO      *iostreams.IOStreams
	JSON    bool
	ID      string
	Wait    bool
	Timeout time.Duration
	Every   time.Duration // period of the plain progress lines; 0 = 5 s
	Skipped []Invalid     // lines left out with --skip-invalid
	Earlier []Row         // lines already over before this run (a resume)

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
	v.meter = v.IO.StartMeter("batch "+v.ID, len(items), v.Every, v.text)
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
	v.IO.Statusf("batch %s: rate limited (429): pausing all submits and reads for %s", v.ID, d.Round(time.Millisecond))
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
		return "batch " + v.ID + ": " + s
	}
	return s
}

// Done prints a line that is over (or submitted, without --wait) on stdout, in completion order.
func (v *BatchView) Done(r batch.Result) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.IO.Out
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
	if err != nil && v.outErr == nil {
		v.outErr = fmt.Errorf("write stdout: %w", err)
	}
}

// lineDoc is a batch line's --json document: the submit --wait document plus the error that kept it
// from succeeding when it is not the task's own failure.
type lineDoc struct {
	*lifecycle.Document
	Error string `json:"error,omitempty"`
}

// docOf is the --json document of a line; lines without a final result get status "ERROR".
func (v *BatchView) docOf(r batch.Result) lineDoc {
	d := lineDoc{}
	if doc, ok := r.Data.(*lifecycle.Document); ok {
		d.Document = doc
	} else {
		d.Document = &lifecycle.Document{TaskID: r.TaskID, Status: "ERROR", BatchID: v.ID, Line: r.Line,
			ElapsedMS: r.Elapsed.Milliseconds(), Result: []byte("null"), Files: []download.File{}}
	}
	if r.Err != nil {
		d.Error = r.Err.Error()
		if d.Reason == "" {
			d.Reason = d.Error
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
		writeSummary(v.IO.ErrOut, v.ID, rows)
	}
	if v.outErr != nil {
		return v.outErr
	}
	return v.exitError(ctx, rows, runErr)
}
