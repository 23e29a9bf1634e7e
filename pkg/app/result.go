package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
)

// ResultOptions is what `novita result` was asked to do.
type ResultOptions struct {
	TaskID    string
	Download  bool
	Output    string
	Overwrite bool
}

// RunResult reads a task's result once and prints it; with Download it also saves the outputs.
// A FAILED task exits 3, like every command that learns a task failed.
func RunResult(ctx context.Context, e *Env, o ResultOptions) error {
	tmpl, err := e.template(o.Output)
	if err != nil {
		return err
	}
	if err := e.NeedKey(); err != nil {
		return err
	}
	res, err := e.Client.TaskResult(ctx, o.TaskID)
	if err != nil {
		return err
	}
	var failed error
	if res.Task.Status == novita.StatusFailed {
		failed = clierr.New(clierr.KindTaskFailed, fmt.Errorf("task %s failed: %s", o.TaskID, orUnknown(res.Task.Reason)))
	}
	if !o.Download {
		if e.JSON {
			_, err := e.IO.Out.Write(append(append([]byte(nil), res.Raw...), '\n'))
			if err != nil {
				return err
			}
			return reportedIf(failed)
		}
		printSummary(e.IO.Out, res)
		return reportedIf(failed)
	}
	if res.Task.Status != novita.StatusSucceed {
		if failed != nil {
			return failed
		}
		return fmt.Errorf("task %s is %s: nothing to download yet (wait for it with: novita wait %s)", o.TaskID, res.Task.Status.Short(), o.TaskID)
	}
	task := "task"
	if en, ok, _ := e.Journal.Find(o.TaskID); ok && en.Task != "" {
		task = en.Task
	}
	files, err := e.downloadResult(ctx, o.TaskID, task, 0, res, tmpl, o.Overwrite)
	doc := &Document{TaskID: o.TaskID, Task: task, TaskType: res.Task.TaskType, Status: string(res.Task.Status),
		Reason: res.Task.Reason, DeliveredBy: "poll", Result: res.Raw, Files: files}
	return e.finish(doc, err)
}

func reportedIf(err error) error {
	if err == nil {
		return nil
	}
	return clierr.Reported(err)
}

// printSummary writes a readable view of a result.
func printSummary(w io.Writer, r *novita.TaskResult) {
	fmt.Fprintf(w, "task      %s\n", r.Task.TaskID)
	fmt.Fprintf(w, "type      %s\n", r.Task.TaskType)
	fmt.Fprintf(w, "status    %s\n", r.Task.Status.Short())
	if !r.Task.Status.Final() {
		fmt.Fprintf(w, "progress  %d%%\n", r.Task.ProgressPercent)
		if r.Task.ETA > 0 {
			fmt.Fprintf(w, "eta       %ds\n", r.Task.ETA)
		}
	}
	if r.Task.Reason != "" {
		fmt.Fprintf(w, "reason    %s\n", r.Task.Reason)
	}
	outs := r.Outputs()
	if len(outs) > 0 {
		fmt.Fprintf(w, "outputs   %d\n", len(outs))
	}
	for _, o := range outs {
		typ := o.Type
		if typ == "" {
			typ = "?"
		}
		ttl := ""
		if o.TTL > 0 {
			ttl = fmt.Sprintf(" (link valid %ds)", o.TTL)
		}
		fmt.Fprintf(w, "  %s-%d %s %s%s\n", o.Kind, o.Index, strings.ToLower(typ), o.URL, ttl)
	}
}
