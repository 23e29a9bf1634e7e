package submit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
)

// runSync calls a synchronous endpoint and saves the outputs of its answer: the same stdout as an
// async --wait (the saved paths, or with --json the document, delivered_by "sync").
func runSync(ctx context.Context, o *Options) error {
	io, task := o.IO, o.Task
	p, err := o.prepare(ctx, true)
	if err != nil {
		return err
	}
	req, outs, mode, api := p.req, p.outs, p.mode, p.api
	if o.DryRun {
		form := ""
		if novita.MultipartPath(task.Path) {
			form = " as multipart/form-data (arrays as key[] parts, data: URIs as files)"
		}
		io.Statusf("dry run: would POST %s%s%s (synchronous; nothing sent)", api.BaseURL, task.Path, form)
		return iostreams.WriteJSON(io.Out, body.Elide(req))
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	if err := cmdutil.NeedJournal(ctx, o.Journal()); err != nil {
		return err // before paying: a task the journal cannot record could not be resumed
	}
	if outs.NoDownload {
		io.Warnf("--no-download: the outputs of %s exist only in its answer, and will not be kept", task.Name)
	}
	raw, err := body.Marshal(req)
	if err != nil {
		return err
	}
	io.Statusf("calling %s (synchronous: the answer carries the outputs)", task.Path)
	doc, err := o.NewRunner(api, taskview.Quiet{IO: io}).RunSync(ctx, lifecycle.SyncCall{
		Task: task, Body: raw, Request: req, Output: o.Output.Output, Outputs: outs})
	if doc == nil {
		return err
	}
	if strings.HasPrefix(doc.TaskID, lifecycle.LocalIDPrefix) {
		io.Statusf("%s answered in %s; the answer has no task id: journalled as %s", task.Name,
			taskview.Round(msDuration(doc.ElapsedMS)), doc.TaskID)
	} else {
		io.Statusf("%s task %s answered in %s", task.Name, doc.TaskID, taskview.Round(msDuration(doc.ElapsedMS)))
	}
	if err != nil {
		// The outputs existed only in the answer: the advice is to run the call again, not to fetch.
		err = clierr.WithHint(clierr.KindOf(err), fmt.Errorf("%s answered, but saving its outputs failed: %w", task.Name, err),
			"the answer is not kept by Novita: run the call again (a synchronous call is billed each time)")
	}
	err = taskview.Finish(io, o.JSON, doc, err, o.Advice)
	o.Previews.Show(ctx, o.JSON, mode, doc.Files)
	return err
}

// runSyncBatch makes one call per line of a batch file, --concurrency at a time, and saves each
// answer's outputs as it comes: each line's paths (or --json document) on stdout in completion order,
// then the summary.
func runSyncBatch(ctx context.Context, o *Options) error {
	io, b, task := o.IO, o.Batch, o.Task
	outs, err := o.Output.Outputs()
	if err != nil {
		return err
	}
	bl, err := buildBatch(ctx, o)
	if err != nil {
		return err
	}
	if err := checkBatchOutputs(o, outs, bl, true); err != nil {
		return err // before paying for any call
	}
	api, err := o.API()
	if err != nil {
		return err
	}
	warnBatchModels(o, api, bl.bodies)
	if o.DryRun {
		return dryRunBatch(o, api, bl)
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	if err := cmdutil.NeedJournal(ctx, o.Journal()); err != nil {
		return err // before paying: a task the journal cannot record could not be resumed
	}
	PrintBalance(ctx, io, o.Advice.ScrubText, api)
	lines := make([]lifecycle.SyncLine, len(bl.valid))
	items := make([]batch.Item, len(bl.valid))
	for i, raw := range bl.bodies {
		req, err := body.Decode(raw) // the decoder reads response conditions from the request
		if err != nil {
			return err
		}
		lines[i] = lifecycle.SyncLine{Line: bl.valid[i].N, Body: raw, Request: req}
		items[i] = batch.Item{Line: bl.valid[i].N}
	}
	id := newBatchID()
	io.Statusf("batch %s: %d calls to %s (synchronous) from %s, %d at a time", id, len(lines), task.Path, batchName(b.File), b.Concurrency)
	view := &taskview.BatchView{IO: io, JSON: o.JSON, ID: id, Wait: true, Every: b.ProgressEvery, Skipped: bl.invalid,
		Advice: o.Advice}
	view.Start(items)
	results := o.NewRunner(api, taskview.Quiet{IO: io}).RunSyncBatch(ctx, lifecycle.SyncBatch{ID: id, Task: task,
		Output: o.Output.Output, Outputs: outs, Concurrency: b.Concurrency, Done: view.Done, Progress: view.Progress}, lines)
	err = view.Finish(ctx, results, nil)
	if ctx.Err() != nil {
		var left []int
		for _, r := range results {
			if r.Outcome == batch.NotSubmitted {
				left = append(left, r.Line)
			}
		}
		msg := fmt.Sprintf("batch %s interrupted", id)
		if len(left) > 0 {
			msg += fmt.Sprintf(": lines %s were not run (run them again)", taskview.LineList(left))
		}
		return clierr.New(clierr.KindInterrupted, errors.New(msg))
	}
	return err
}

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
