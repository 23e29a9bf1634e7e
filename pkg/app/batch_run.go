package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// batchRun is one batch (a submit --batch or a wait --batch) between the engine and the terminal.
type batchRun struct {
	e           *Env
	id          string
	dl          DownloadFlags
	timeout     time.Duration
	concurrency int
	every       time.Duration
	wait        bool
	gate        *batch.Gate
	client      *novita.Client // e.Client sharing the batch's 429 gate

	task    string             // catalog name for {task}, unless perTask says otherwise
	tmpl    *download.Template // unless perTmpl says otherwise
	perTask map[string]string  // task id -> task name (resume)
	perTmpl map[string]*download.Template

	skipped []invalidLine // invalid lines left out with --skip-invalid
	earlier []batchRow    // lines already over before this run (resume)

	outMu   sync.Mutex
	order   *lineOrder // prints task ids in line order without --json
	outErr  error
	progres *batchProgress
}

// batchDoc is a batch line's --json document: the submit --wait document, with line, plus the error
// that kept it from succeeding when it is not the task's own failure.
type batchDoc struct {
	*Document
	Error string `json:"error,omitempty"`
}

func (e *Env) newBatchRun(id string, dl DownloadFlags, timeout time.Duration, conc int, every time.Duration, wait bool) *batchRun {
	rn := &batchRun{e: e, id: id, dl: dl, timeout: timeout, concurrency: conc, every: every, wait: wait,
		gate: batch.NewGate(), perTask: map[string]string{}, perTmpl: map[string]*download.Template{}}
	c := *e.Client
	c.Sleep = rn.gate.Sleep
	orig := e.Client.OnRetry
	c.OnRetry = func(op string, attempt int, wait time.Duration, err error) {
		var ae *novita.APIError
		if errors.As(err, &ae) && ae.HTTPStatus == http.StatusTooManyRequests {
			rn.paused(wait, err) // one line per burst, not one per request
			return
		}
		if orig != nil {
			orig(op, attempt, wait, err)
		}
	}
	rn.client = &c
	return rn
}

func (rn *batchRun) defaultTask(name string, tmpl *download.Template) { rn.task, rn.tmpl = name, tmpl }

func (rn *batchRun) paused(d time.Duration, _ error) {
	if rn.gate.Pause(d) {
		rn.e.IO.Statusf("batch %s: rate limited (429): pausing all submits and reads for %s", rn.id, d.Round(time.Millisecond))
	}
}

func (rn *batchRun) config() batch.Config {
	return batch.Config{
		Concurrency: rn.concurrency, Wait: rn.wait, Read: rn.client.TaskResult, Finish: rn.finish, Done: rn.done,
		Gate: rn.gate, Schedule: rn.e.Schedule, Timeout: rn.timeout, Now: rn.e.Now,
		OnPause: func(d time.Duration, _ error) {
			rn.e.IO.Statusf("batch %s: rate limited (429): pausing all submits and reads for %s", rn.id, d.Round(time.Millisecond))
		},
	}
}

// run drives the engine with progress on stderr, data on stdout, then the summary and the exit error.
func (rn *batchRun) run(ctx context.Context, cfg batch.Config, items []batch.Item) error {
	if !rn.wait && !rn.e.JSON {
		lines := make([]int, len(items))
		for i, it := range items {
			lines[i] = it.Line
		}
		rn.order = newLineOrder(lines)
	}
	rn.progres = rn.e.startBatchProgress(rn.id, len(items), rn.every, rn.wait)
	cfg.Progress = rn.progres.update
	results, err := batch.Run(ctx, cfg, items)
	rn.progres.stop()
	if rn.order != nil {
		rn.order.flush(rn.e.IO.Out)
	}
	rows := rn.rows(results)
	if !rn.e.IO.Quiet {
		writeSummary(rn.e.IO.ErrOut, rn.id, rows)
	}
	if rn.outErr != nil {
		return rn.outErr
	}
	return rn.exitError(ctx, rows, err)
}

// finish handles a task that reached a final status: journal, then download its outputs.
func (rn *batchRun) finish(ctx context.Context, r *batch.Result) error {
	start := rn.e.Now()
	res := r.Result
	task, tmpl := rn.taskOf(r.TaskID)
	doc := &Document{TaskID: r.TaskID, Task: task, TaskType: res.Task.TaskType, Status: string(res.Task.Status),
		Reason: res.Task.Reason, DeliveredBy: r.DeliveredBy, Line: r.Line, Result: res.Raw, Files: []download.File{}}
	r.Data = doc
	rn.e.record(journal.Record{Event: journal.EventStatus, TaskID: r.TaskID, Status: doc.Status, Reason: doc.Reason})
	var err error
	if res.Task.Status == novita.StatusSucceed && !rn.dl.NoDownload {
		doc.Files, err = rn.download(ctx, r.TaskID, task, r.Line, res, tmpl)
	}
	doc.ElapsedMS = (r.Elapsed + rn.e.Now().Sub(start)).Milliseconds()
	return err
}

func (rn *batchRun) taskOf(id string) (string, *download.Template) {
	task, tmpl := rn.task, rn.tmpl
	if t, ok := rn.perTask[id]; ok {
		task = t
	}
	if t, ok := rn.perTmpl[id]; ok {
		tmpl = t
	}
	return task, tmpl
}

// download saves one task's outputs quietly (the batch has its own progress) and journals them.
func (rn *batchRun) download(ctx context.Context, id, task string, line int, res *novita.TaskResult, tmpl *download.Template) ([]download.File, error) {
	outs := res.Outputs()
	if len(outs) == 0 {
		return []download.File{}, nil
	}
	files, err := download.Download(ctx, download.Options{
		HTTPClient: rn.e.HTTP, Overwrite: rn.dl.Overwrite, UserAgent: "novita-cli/" + rn.e.Version, Sleep: rn.e.DownloadSleep,
		Refresh: func(ctx context.Context) (*novita.TaskResult, error) { return rn.client.TaskResult(ctx, id) },
	}, tmpl, download.Vars{TaskID: id, Task: task, Line: line}, outs)
	if len(files) > 0 {
		recs := make([]journal.FileRecord, len(files))
		for i, f := range files {
			recs[i] = journal.FileRecord{Kind: f.Kind, Index: f.Index, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256}
		}
		rn.e.record(journal.Record{Event: journal.EventFiles, TaskID: id, Files: recs})
	}
	if files == nil {
		files = []download.File{}
	}
	return files, err
}

// done prints a line that is over (or submitted, without --wait) on stdout, in completion order.
func (rn *batchRun) done(r batch.Result) {
	rn.outMu.Lock()
	defer rn.outMu.Unlock()
	out := rn.e.IO.Out
	var err error
	switch {
	case r.Outcome == batch.Submitted && rn.e.JSON:
		err = writeJSONLine(out, map[string]any{"line": r.Line, "task_id": r.TaskID})
	case r.Outcome == batch.Submitted:
		rn.order.done(out, r.Line, r.TaskID)
	case rn.order != nil:
		rn.order.done(out, r.Line, "") // a submit error: nothing to print, but the lines after it may go
	case rn.e.JSON:
		err = writeJSONLine(out, docOf(r))
	default:
		if doc, ok := r.Data.(*Document); ok {
			for _, f := range doc.Files {
				if _, err = fmt.Fprintln(out, f.Path); err != nil {
					break
				}
			}
		}
	}
	if err != nil && rn.outErr == nil {
		rn.outErr = fmt.Errorf("write stdout: %w", err)
	}
}

// docOf is the --json document of a line; lines without a final result get status "ERROR".
func docOf(r batch.Result) batchDoc {
	d := batchDoc{}
	if doc, ok := r.Data.(*Document); ok {
		d.Document = doc
	} else {
		d.Document = &Document{TaskID: r.TaskID, Status: "ERROR", Line: r.Line, ElapsedMS: r.Elapsed.Milliseconds(),
			Result: []byte("null"), Files: []download.File{}}
	}
	if r.Err != nil {
		d.Error = r.Err.Error()
		if d.Reason == "" {
			d.Reason = d.Error
		}
	}
	return d
}

func newBatchID() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "b-" + hex.EncodeToString(b)
}

// lineOrder prints task ids in line order as soon as every line before them is settled.
type lineOrder struct {
	lines []int // ascending
	ids   map[int]string
	seen  map[int]bool
	next  int
}

func newLineOrder(lines []int) *lineOrder {
	sort.Ints(lines)
	return &lineOrder{lines: lines, ids: map[int]string{}, seen: map[int]bool{}}
}

func (o *lineOrder) done(w interface{ Write([]byte) (int, error) }, line int, id string) {
	o.seen[line], o.ids[line] = true, id
	for o.next < len(o.lines) && o.seen[o.lines[o.next]] {
		if id := o.ids[o.lines[o.next]]; id != "" {
			fmt.Fprintln(w, id)
		}
		o.next++
	}
}

// flush prints what is left after a stop (lines after one that was never sent).
func (o *lineOrder) flush(w interface{ Write([]byte) (int, error) }) {
	for ; o.next < len(o.lines); o.next++ {
		if id := o.ids[o.lines[o.next]]; id != "" {
			fmt.Fprintln(w, id)
		}
	}
}

// lineList renders line numbers compactly: "3, 7, 10-15".
func lineList(lines []int) string {
	sort.Ints(lines)
	var parts []string
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(lines[i])+"-"+strconv.Itoa(lines[j]))
		} else {
			parts = append(parts, strconv.Itoa(lines[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
