package wait

import (
	"context"
	"strings"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
)

// runWaitBatch resumes a batch from the journal: it waits (by polling) for its tasks with no final
// status and downloads the outputs of succeeded tasks that have no files yet. The summary and the exit
// code cover every journalled line of the batch, including those that were over before.
func runWaitBatch(ctx context.Context, o *Options) error {
	f, io := o.F, o.F.IOStreams
	id := strings.TrimSpace(o.BatchID)
	var entries []journal.Entry
	for _, en := range cmdutil.JournalEntries(f, f.Journal()) {
		if en.BatchID == id {
			entries = append(entries, en)
		}
	}
	if len(entries) == 0 {
		return clierr.Usagef("the journal has no tasks of batch %q (batch ids are printed when a batch starts; see: novita tasks)", id)
	}
	api, err := f.API()
	if err != nil {
		return err
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	outs, err := o.Output.Outputs(f)
	if err != nil {
		return err
	}
	view := &taskview.BatchView{IO: io, JSON: f.Globals.JSON, ID: id, Wait: true, Timeout: o.Timeout, Every: o.ProgressEvery}
	spec := lifecycle.Batch{ID: id, Task: "task", Concurrency: o.Concurrency, Wait: true, Timeout: o.Timeout,
		Outputs: outs, TaskOf: map[string]string{}, TemplateOf: map[string]*download.Template{},
		Done: view.Done, Progress: view.Progress, Paused: view.Paused}
	var items []batch.Item
	var targets []target
	warned := false
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		en := entries[i]
		if row, over := journalRow(en, o.Output.NoDownload); over {
			view.Earlier = append(view.Earlier, row)
			continue
		}
		task, tmpl := "task", outs.Template
		if en.Task != "" {
			task = en.Task
			spec.TaskOf[en.TaskID] = en.Task
		}
		if o.Output.Output == "" && en.Output != "" {
			t, err := cmdutil.Template(f, en.Output)
			if err != nil {
				return err
			}
			spec.TemplateOf[en.TaskID], tmpl = t, t
		}
		targets = append(targets, target{tmpl: tmpl, vars: download.Vars{TaskID: en.TaskID, Task: task, Line: en.Line}, files: en.Files})
		if en.BaseURL != "" && en.BaseURL != api.BaseURL && !warned {
			io.Warnf("batch %s was submitted to %s, but the API base URL is now %s", id, en.BaseURL, api.BaseURL)
			warned = true
		}
		items = append(items, batch.Item{Line: en.Line, TaskID: en.TaskID})
	}
	if !o.Output.NoDownload {
		if err := checkTargets(targets, o.Output.Overwrite, f.Globals.JSON); err != nil {
			return err
		}
	}
	io.Statusf("batch %s: %d of %d tasks to wait for or download (%d already over)", id, len(items), len(entries), len(view.Earlier))
	view.Start(items)
	results, err := cmdutil.Runner(f, api, taskview.Quiet{IO: io}).RunBatch(ctx, spec, items)
	return view.Finish(ctx, results, err)
}

// journalRow tells whether a journalled task needs nothing more, and its summary row.
func journalRow(en journal.Entry, noDownload bool) (taskview.Row, bool) {
	row := taskview.Row{Line: en.Line, ID: en.TaskID}
	switch novita.Status(en.Status) {
	case novita.StatusFailed:
		row.Outcome, row.Detail = batch.Failed, lifecycle.OrUnknown(en.Reason)
		return row, true
	case novita.StatusSucceed:
		// Over when its files are still on disk as the journal recorded them (the same check that
		// reports them as already downloaded); a file deleted or changed since is downloaded again.
		if !noDownload && !lifecycle.FilesIntact(en.Files) {
			return row, false
		}
		paths := make([]string, len(en.Files))
		for i, f := range en.Files {
			paths[i] = f.Path
		}
		row.Outcome, row.Detail = batch.Succeeded, strings.Join(paths, ", ")
		return row, true
	}
	return row, false
}
