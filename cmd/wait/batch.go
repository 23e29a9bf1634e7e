package wait

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
)

// runWaitBatch resumes a batch from the journal: it waits (by polling) for its tasks with no final
// status and downloads the outputs of succeeded tasks that have no files yet. The summary and the exit
// code cover every journalled line of the batch, including those that were over before; lines of the
// batch that never became tasks are listed and warned about (they must be submitted again), without
// changing the exit code.
func runWaitBatch(ctx context.Context, o *Options) error {
	id := strings.TrimSpace(o.BatchID)
	j := o.Journal()
	tasks, err := j.BatchMembers(ctx, id)
	if err != nil {
		return err
	}
	plan, ok, err := j.BatchPlanOf(ctx, id)
	if err != nil {
		o.IO.Warnf("%v", err)
	}
	if len(tasks) == 0 && ok {
		return clierr.New(clierr.KindGeneric, fmt.Errorf("batch %s: none of its %d lines became a task (the batch stopped, or the API "+
			"refused them): submit %s again", id, len(plan.Lines), planFile(plan)))
	}
	if len(tasks) == 0 {
		return clierr.Usagef("the journal has no tasks of batch %q (batch ids are printed when a batch starts; see: novita tasks)", id)
	}
	view := &taskview.BatchView{IO: o.IO, JSON: o.JSON, ID: id, Wait: true, Timeout: o.Timeout,
		Every: o.ProgressEvery}
	if ok {
		if unsent := unsentLines(plan, tasks); len(unsent) > 0 {
			o.IO.Warnf("batch %s: lines %s of %s were never submitted (the batch stopped before them, or the API refused them): "+
				"submit them again", id, taskview.LineList(slices.Clone(unsent)), planFile(plan))
			for _, l := range unsent {
				view.Earlier = append(view.Earlier, taskview.Row{Line: l, Outcome: batch.NotSubmitted})
			}
		}
	}
	return waitJournalled(ctx, o, view, tasks, "batch "+id)
}

// runWaitPending waits, through one shared poller, for every task the journal never saw end, from
// whatever batch or command, then downloads what is still downloadable. Outputs that can no longer be
// fetched (their URLs expired) are told per task; the exit code is a batch's.
func runWaitPending(ctx context.Context, o *Options) error {
	tasks, err := o.Journal().List(ctx, journal.Query{Pending: true})
	if err != nil {
		return err
	}
	cmdutil.SayGoneSandbox(ctx, o.Journal(), o.IO)
	if len(tasks) == 0 {
		o.IO.Statusf("no pending tasks: the journal saw every task end (see: novita tasks)")
		return nil
	}
	slices.Reverse(tasks) // oldest first
	api, err := o.API()
	if err != nil {
		return err
	}
	// A task submitted to another API (an old in-process --sandbox, another base URL) cannot be read
	// from this one: waiting for it would only end in "task not found".
	elsewhere := map[string]int{}
	mine := tasks[:0]
	for _, t := range tasks {
		if t.BaseURL != "" && t.BaseURL != api.BaseURL {
			elsewhere[t.BaseURL]++
			continue
		}
		mine = append(mine, t)
	}
	for _, u := range slices.Sorted(maps.Keys(elsewhere)) {
		o.IO.Warnf("%s submitted to %s, not to %s: left alone (to wait for them, point "+
			"NOVITA_BASE_URL there)", iostreams.Count(elsewhere[u], "pending task"), iostreams.Safe(u), api.BaseURL)
	}
	if len(mine) == 0 {
		o.IO.Statusf("no pending tasks of %s", api.BaseURL)
		return nil
	}
	view := &taskview.BatchView{IO: o.IO, JSON: o.JSON, Label: "pending tasks",
		ResumeCommand: "novita wait --pending", Wait: true, Timeout: o.Timeout, Every: o.ProgressEvery}
	return waitJournalled(ctx, o, view, mine, "pending tasks")
}

// waitJournalled waits for the journalled tasks that are not over and downloads what they lack, each
// saved where its submit would have saved it (its -o, its {task} and {line}) unless -o says otherwise.
func waitJournalled(ctx context.Context, o *Options, view *taskview.BatchView, tasks []journal.Task, what string) error {
	io := o.IO
	api, err := cmdutil.NeedAPI(o.API)
	if err != nil {
		return err
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	outs, err := o.Output.Outputs()
	if err != nil {
		return err
	}
	outs.AnySaved = o.Output.Output == "" // resuming with the journalled templates: saved is saved
	view.Advice = o.Advice
	spec := lifecycle.Batch{ID: view.ID, Task: "task", Concurrency: o.Concurrency, Wait: true, Timeout: o.Timeout,
		Outputs: outs, Resumed: map[string]lifecycle.Resumed{}, Done: view.Done, Progress: view.Progress, Paused: view.Paused}
	var items []batch.Item
	var targets []target
	warned := false
	for _, t := range tasks {
		if row, over := journalRow(t, o.Output.NoDownload); over {
			view.Earlier = append(view.Earlier, row)
			continue
		}
		k := lifecycle.Resumed{Task: t.Name, BatchID: t.BatchID}
		tmpl := outs.Template
		if o.Output.Output == "" && t.Output != "" {
			if tmpl, err = o.Output.Settings.Template(t.Output); err != nil {
				return err
			}
			k.Template = tmpl
		}
		spec.Resumed[t.ID] = k
		targets = append(targets, target{tmpl: tmpl, vars: download.Vars{TaskID: t.ID, Task: cmpOr(t.Name, "task"), Line: t.Line},
			files: t.Files})
		if t.BaseURL != "" && t.BaseURL != api.BaseURL && !warned {
			io.Warnf("%s: submitted to %s, but the API base URL is now %s", what, t.BaseURL, api.BaseURL)
			warned = true
		}
		items = append(items, batch.Item{Line: t.Line, TaskID: t.ID})
	}
	if !o.Output.NoDownload {
		if err := checkTargets(targets, o.Output.Overwrite, o.JSON); err != nil {
			return err
		}
	}
	io.Statusf("%s: %d of %s to wait for or download (%d already over)", what, len(items), iostreams.Count(len(tasks), "task"), len(tasks)-len(items))
	view.Start(items)
	results, err := o.NewRunner(api, taskview.Quiet{IO: io}).RunBatch(ctx, spec, items)
	return view.Finish(ctx, results, err)
}

// journalRow tells whether a journalled task needs nothing more, and its summary row.
func journalRow(t journal.Task, noDownload bool) (taskview.Row, bool) {
	row := taskview.Row{Line: t.Line, ID: t.ID, Doc: journalDoc(t)}
	switch novita.Status(t.Status) {
	case novita.StatusFailed:
		row.Outcome, row.Detail = batch.Failed, lifecycle.OrUnknown(t.Reason)
		return row, true
	case novita.StatusSucceed:
		// Over when its files are still on disk as the journal recorded them (the same check that
		// reports them as already downloaded); a file deleted or changed since, or an output whose
		// download failed, is downloaded again.
		if !noDownload && !lifecycle.FilesIntact(t.Files) {
			return row, false
		}
		var paths []string
		for _, f := range t.Files {
			if f.Path != "" {
				paths = append(paths, f.Path)
			}
		}
		row.Outcome, row.Detail = batch.Succeeded, strings.Join(paths, ", ")
		return row, true
	}
	return row, false
}

// journalDoc is the --json document of a task that was over before this run, from what the journal
// knows (no raw result: the API is not asked again for a task that needs nothing more).
func journalDoc(t journal.Task) *lifecycle.Document {
	doc := &lifecycle.Document{TaskID: t.ID, Task: t.Name, TaskType: t.TaskType, Status: t.Status, Reason: t.Reason,
		DeliveredBy: t.DeliveredBy, ElapsedMS: t.ElapsedMS, BatchID: t.BatchID, Line: t.Line,
		Result: []byte("null"), Files: []download.File{}}
	for _, f := range t.Files {
		if f.Path != "" {
			doc.Files = append(doc.Files, download.File{Kind: f.Kind, Index: f.Index, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256})
		}
	}
	return doc
}

// unsentLines are the lines of a batch's plan that have no task in the journal.
func unsentLines(p journal.BatchPlan, tasks []journal.Task) []int {
	has := make(map[int]bool, len(tasks))
	for _, t := range tasks {
		has[t.Line] = true
	}
	var out []int
	for _, l := range p.Lines {
		if !has[l] {
			out = append(out, l)
		}
	}
	return out
}

func planFile(p journal.BatchPlan) string {
	if p.File == "" || p.File == "-" {
		return "the batch's input"
	}
	return p.File
}
