package wait

import (
	"context"
	"errors"
	"fmt"
	"github.com/novita-cli/novita/cmd/internal/words"
	"strings"

	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// waitMany waits for several tasks with one shared poller, prints each as it ends and reports the
// worst outcome. With --json every task gets one document, with an error object when it did not
// succeed.
func waitMany(ctx context.Context, o *Options, run *lifecycle.Runner, specs []lifecycle.Spec) error {
	io, advice, jsonOut := o.IO, o.Advice, o.JSON
	io.Statusf("waiting for %s", iostreams.Count(len(specs), "task"))
	items := make([]batch.Item, len(specs))
	resumed := map[string]lifecycle.Resumed{}
	for i, s := range specs {
		items[i] = batch.Item{Line: s.Line, TaskID: s.TaskID}
		resumed[s.TaskID] = lifecycle.Resumed{Task: s.Task, Template: s.Outputs.Template}
	}
	var outErr error
	write := func(v any) {
		if err := iostreams.WriteJSONLine(io.Out, v); err != nil && outErr == nil {
			outErr = fmt.Errorf("write stdout: %w", err)
		}
	}
	done := func(r batch.Result) {
		doc, _ := r.Data.(*lifecycle.Document)
		switch {
		case doc == nil:
			return // told below, with the other tasks that have no document
		case jsonOut:
			write(taskview.TaskDoc{Document: doc, Error: errorDoc(taskError(r), advice)})
			return
		}
		for _, f := range doc.Files {
			if _, err := fmt.Fprintln(io.Out, f.Path); err != nil && outErr == nil {
				outErr = fmt.Errorf("write stdout: %w", err)
			}
		}
	}
	results, runErr := run.RunBatch(ctx, lifecycle.Batch{Task: "task", Concurrency: max(o.Concurrency, 4), Wait: true,
		Timeout: o.Timeout, Outputs: specs[0].Outputs, Resumed: resumed, Done: done}, items)
	var worst error
	failed := 0
	for _, r := range results {
		err := taskError(r)
		if err == nil && r.Outcome == batch.Pending && runErr != nil {
			err = pendingError(r.TaskID, runErr, advice)
		}
		if err == nil {
			continue
		}
		failed++
		if r.Data == nil && jsonOut {
			write(taskview.TaskDoc{Document: &lifecycle.Document{TaskID: r.TaskID, Task: specs[0].Task, Status: "ERROR",
				Line: r.Line, Result: []byte("null"), Files: []download.File{}}, Error: errorDoc(err, advice)})
		}
		if r.Data == nil || !jsonOut {
			io.Errorf("%s", words.Message(err))
		}
		worst = worse(worst, err)
	}
	if outErr != nil {
		return outErr
	}
	if worst != nil {
		return clierr.Reported(clierr.New(clierr.KindOf(worst), fmt.Errorf("%d of %s did not succeed", failed, iostreams.Count(len(specs), "task"))))
	}
	return nil
}

// taskError is why a task's line did not succeed (its failure, or a read or download error); nil
// when it succeeded or is still pending.
func taskError(r batch.Result) error {
	switch {
	case r.Outcome == batch.Failed:
		reason := ""
		if doc, ok := r.Data.(*lifecycle.Document); ok {
			reason = doc.Reason
		}
		return &lifecycle.TaskFailedError{TaskID: r.TaskID, Reason: reason}
	case r.Err != nil:
		err := r.Err
		if !strings.Contains(err.Error(), r.TaskID) { // "read task ID: ..." names it already
			err = fmt.Errorf("task %s: %w", r.TaskID, err)
		}
		return clierr.About(err, clierr.Subject{TaskID: r.TaskID})
	}
	return nil
}

func errorDoc(err error, a taskview.Advice) *taskview.ErrorDoc {
	if err == nil {
		return nil
	}
	e := taskview.NewErrorDoc(err, clierr.HintOf(err), a.Scrub)
	return &e
}

func isTimeout(err error) bool { return errors.Is(err, batch.ErrTimeout) }

// worse keeps the error whose exit code matters most: interrupted, timeout, auth, failure, other.
func worse(a, b error) error {
	rank := map[clierr.Kind]int{clierr.KindInterrupted: 5, clierr.KindTimeout: 4, clierr.KindAuth: 3, clierr.KindGeneric: 2, clierr.KindTaskFailed: 1}
	if a == nil || rank[clierr.KindOf(b)] > rank[clierr.KindOf(a)] {
		return b
	}
	return a
}
