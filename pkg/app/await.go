package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Document is the --json output of a finished task (design.md "Output, errors, exit codes").
type Document struct {
	TaskID      string          `json:"task_id"`
	Task        string          `json:"task,omitempty"`
	TaskType    string          `json:"task_type"`
	Status      string          `json:"status"`
	Reason      string          `json:"reason"`
	DeliveredBy string          `json:"delivered_by,omitempty"`
	ElapsedMS   int64           `json:"elapsed_ms"`
	Line        int             `json:"line,omitempty"`
	Result      json.RawMessage `json:"result"`
	Files       []download.File `json:"files"`
}

// DownloadFlags are the output flags of every command that saves results.
type DownloadFlags struct {
	Output     string
	NoDownload bool
	Overwrite  bool
}

// template parses the -o template (or the configured default); errors are usage errors.
func (e *Env) template(output string) (*download.Template, error) {
	if output == "" && e.Config != nil && e.Getenv != nil {
		output, _ = e.Config.Resolve(e.Getenv, "output", "", false)
	}
	if output == "" {
		output = download.DefaultTemplate
	}
	return download.ParseTemplate(output)
}

// awaitTask waits for one task, then downloads its outputs. A FAILED task returns the document and a
// task-failed error; the journal learns the final status and files either way.
type awaitSpec struct {
	TaskID   string
	Task     string // catalog name, for {task}
	Line     int
	Webhooks <-chan *novita.TaskResult
	Timeout  time.Duration
	Grace    time.Duration
	Download DownloadFlags
	Tmpl     *download.Template
	Live     bool // show a live status line
	// AfterWait runs once the final state is known, before downloading: the receiver and tunnel
	// are no longer needed, and closing an ngrok session takes a moment, so it overlaps the download.
	AfterWait func()
}

func (e *Env) awaitTask(ctx context.Context, s awaitSpec) (*Document, error) {
	start := e.Now()
	live := newLiveStatus(e, s, start)
	stopTicker := live.tick()
	out, err := waiter.Wait(ctx, waiter.Config{
		TaskID: s.TaskID, Read: e.Client.TaskResult, Webhooks: s.Webhooks, Timeout: s.Timeout,
		Schedule: e.Schedule, NotFoundGrace: s.Grace, Now: e.Now, After: e.After,
		OnProgress: live.update,
	})
	stopTicker()
	if s.Live {
		e.IO.EndLive()
	}
	if s.AfterWait != nil {
		s.AfterWait()
	}
	if err != nil {
		return nil, err
	}
	res := out.Result
	doc := &Document{
		TaskID: s.TaskID, Task: s.Task, TaskType: res.Task.TaskType, Status: string(res.Task.Status),
		Reason: res.Task.Reason, DeliveredBy: out.DeliveredBy, Line: s.Line, Result: res.Raw, Files: []download.File{},
	}
	e.record(journal.Record{Event: journal.EventStatus, TaskID: s.TaskID, Status: doc.Status, Reason: doc.Reason})
	if res.Task.Status == novita.StatusFailed {
		doc.ElapsedMS = e.Now().Sub(start).Milliseconds()
		e.IO.Statusf("task %s failed via %s after %s: %s", s.TaskID, viaWord(out.DeliveredBy), round(e.Now().Sub(start)), res.Task.Reason)
		return doc, clierr.New(clierr.KindTaskFailed, fmt.Errorf("task %s failed: %s", s.TaskID, orUnknown(res.Task.Reason)))
	}
	e.IO.Statusf("task %s succeeded via %s in %s", s.TaskID, viaWord(out.DeliveredBy), round(e.Now().Sub(start)))
	if !s.Download.NoDownload {
		files, err := e.downloadResult(ctx, s.TaskID, s.Task, s.Line, res, s.Tmpl, s.Download.Overwrite)
		doc.Files = files
		if err != nil {
			doc.ElapsedMS = e.Now().Sub(start).Milliseconds()
			return doc, err
		}
	}
	doc.ElapsedMS = e.Now().Sub(start).Milliseconds()
	return doc, nil
}

// downloadResult saves a result's outputs and journals them.
func (e *Env) downloadResult(ctx context.Context, id, task string, line int, res *novita.TaskResult,
	tmpl *download.Template, overwrite bool) ([]download.File, error) {
	outs := res.Outputs()
	if len(outs) == 0 {
		return []download.File{}, nil
	}
	files, err := download.Download(ctx, download.Options{
		HTTPClient: e.HTTP, Overwrite: overwrite, Progress: e.IO.Progress(), TTY: e.IO.ErrTTY,
		UserAgent: "novita-cli/" + e.Version,
		Refresh: func(ctx context.Context) (*novita.TaskResult, error) {
			return e.Client.TaskResult(ctx, id)
		},
		Sleep: e.DownloadSleep,
	}, tmpl, download.Vars{TaskID: id, Task: task, Line: line}, outs)
	if len(files) > 0 {
		recs := make([]journal.FileRecord, len(files))
		for i, f := range files {
			recs[i] = journal.FileRecord{Kind: f.Kind, Index: f.Index, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256}
		}
		e.record(journal.Record{Event: journal.EventFiles, TaskID: id, Files: recs})
	}
	if files == nil {
		files = []download.File{}
	}
	return files, err
}

// record appends to the journal; a journal failure is a warning, never the end of a paid task.
func (e *Env) record(r journal.Record) {
	if e.Journal == nil {
		return
	}
	if err := e.Journal.Append(r); err != nil {
		e.IO.Warnf("%v", err)
	}
}

func progressLine(p waiter.Progress) string {
	if p.Err != nil {
		return fmt.Sprintf("task %s: retrying after error: %v (%s)", p.TaskID, p.Err, round(p.Elapsed))
	}
	line := fmt.Sprintf("task %s  %s", p.TaskID, p.Status.Short())
	if p.Percent > 0 {
		line += fmt.Sprintf("  %d%%", p.Percent)
	}
	if p.ETA > 0 {
		line += fmt.Sprintf("  eta %ds", p.ETA)
	}
	return line + "  elapsed " + round(p.Elapsed).String()
}

func viaWord(by string) string {
	if by == waiter.ByWebhook {
		return "webhook"
	}
	return "polling"
}

func round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Second)
}

func orUnknown(s string) string {
	if s == "" {
		return "no reason given"
	}
	return s
}
