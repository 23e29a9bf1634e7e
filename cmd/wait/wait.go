// Package wait is the `novita wait` command: wait for tasks submitted earlier, then download.
package wait

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// Options is what `novita wait` was asked to do.
type Options struct {
	F           *factory.Factory
	TaskIDs     []string
	Last        bool
	BatchID     string
	Concurrency int
	Timeout     time.Duration
	Output      *cmdutil.OutputFlags
	// ProgressEvery is the period of the plain batch progress lines; 0 = 5s.
	ProgressEvery time.Duration
}

// DefaultTimeout bounds a wait unless --timeout says otherwise.
const DefaultTimeout = 30 * time.Minute

// NewCmdWait builds `novita wait`; runF replaces the run function in tests.
func NewCmdWait(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "wait <task-id>...",
		Short: "Wait for submitted tasks to end (polling), then download their outputs",
		Long: `Wait for one or more tasks submitted earlier, by polling the task-result API, then
download their outputs. Use it to resume after a timeout, a Ctrl-C or a crash: every
submitted task is in the journal (see: novita tasks).`,
		Example: `  $ novita wait 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10
  $ novita wait --last
  $ novita wait ID1 ID2 --json
  $ novita wait --batch b-1a2b3c4d5e`,
		Args:              cmdutil.UsageArgs(cobra.ArbitraryArgs),
		ValidArgsFunction: cmdutil.TaskIDCompletion(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.TaskIDs = dedupe(args)
			batchSet := cmd.Flags().Changed("batch")
			if batchSet && (len(args) > 0 || o.Last) {
				return clierr.Usagef("give --batch, task ids or --last, not several")
			}
			if !batchSet && cmd.Flags().Changed("concurrency") {
				return clierr.Usagef("--concurrency goes with --batch <batch-id>")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			if batchSet {
				return runWaitBatch(cmd.Context(), o)
			}
			return runWait(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Last, "last", false, "wait for the newest task in the journal")
	cmd.Flags().StringVar(&o.BatchID, "batch", "", "resume a batch: wait for its unfinished tasks and download missing outputs")
	cmd.Flags().IntVar(&o.Concurrency, "concurrency", 4, "with --batch: result reads and downloads in flight")
	cmdutil.TimeoutFlag(cmd, &o.Timeout, "timeout", DefaultTimeout, "how long to wait before giving up (the task keeps running)")
	o.Output = cmdutil.AddOutputFlags(cmd, true)
	return cmd
}

// dedupe keeps the first occurrence of each id: `wait A B A` waits for A once.
func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// runWait waits (by polling) for tasks submitted earlier, then downloads their outputs.
func runWait(ctx context.Context, o *Options) error {
	f, io := o.F, o.F.IOStreams
	if o.Last && len(o.TaskIDs) > 0 {
		return clierr.Usagef("give task ids or --last, not both")
	}
	if !o.Last && len(o.TaskIDs) == 0 {
		return clierr.Usagef("no task id: give one or more task ids, or --last for the newest task (see: novita tasks)")
	}
	j := f.Journal()
	entries := cmdutil.JournalEntries(f, j)
	if o.Last {
		if len(entries) == 0 {
			return clierr.Usagef("the journal (%s) has no tasks yet: submit one with: novita submit", j.Path)
		}
		o.TaskIDs = []string{entries[0].TaskID}
	}
	api, err := f.API()
	if err != nil {
		return err
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	byID := map[string]journal.Entry{}
	for _, en := range entries {
		byID[en.TaskID] = en
	}
	// Tasks resumed with wait have usually ended already: look at once rather than after the
	// schedule's usual first pause.
	sched := f.Schedule()
	sched.First = 0
	run := cmdutil.Runner(f, api, taskview.Quiet{IO: io})
	run.Schedule = sched
	specs := make([]lifecycle.Spec, len(o.TaskIDs))
	targets := make([]target, len(o.TaskIDs))
	for i, id := range o.TaskIDs {
		en := byID[id]
		output := o.Output.Output
		if output == "" {
			output = en.Output
		}
		tmpl, err := cmdutil.Template(f, output)
		if err != nil {
			return err
		}
		task := en.Task
		if task == "" {
			task = "task"
		}
		specs[i] = lifecycle.Spec{TaskID: id, Task: task, Line: en.Line, Timeout: o.Timeout,
			Outputs: lifecycle.Outputs{Template: tmpl, NoDownload: o.Output.NoDownload, Overwrite: o.Output.Overwrite}}
		targets[i] = target{tmpl: tmpl, vars: download.Vars{TaskID: id, Task: task, Line: en.Line}, files: en.Files}
		if en.BaseURL != "" && en.BaseURL != api.BaseURL {
			io.Warnf("task %s was submitted to %s, but the API base URL is now %s", id, en.BaseURL, api.BaseURL)
		}
	}
	if !o.Output.NoDownload {
		if err := checkTargets(targets, o.Output.Overwrite, f.Globals.JSON); err != nil {
			return err
		}
	}
	if len(specs) == 1 {
		io.Statusf("waiting for task %s", specs[0].TaskID)
		waiting := taskview.NewWaiting(io, f.Now, specs[0].TaskID, false)
		run.Observer = waiting
		doc, err := run.Await(ctx, specs[0])
		waiting.Stop()
		return taskview.Finish(io, f.Globals.JSON, doc, err)
	}
	return waitMany(ctx, o, run, specs)
}

// waitMany waits for several tasks with one shared poller, prints each as it ends and reports the
// worst outcome.
func waitMany(ctx context.Context, o *Options, run *lifecycle.Runner, specs []lifecycle.Spec) error {
	io := o.F.IOStreams
	io.Statusf("waiting for %d tasks", len(specs))
	items := make([]batch.Item, len(specs))
	taskOf, tmplOf := map[string]string{}, map[string]*download.Template{}
	for i, s := range specs {
		items[i] = batch.Item{Line: s.Line, TaskID: s.TaskID}
		taskOf[s.TaskID], tmplOf[s.TaskID] = s.Task, s.Outputs.Template
	}
	var outErr error
	done := func(r batch.Result) {
		doc, _ := r.Data.(*lifecycle.Document)
		if doc == nil {
			return
		}
		var err error
		if o.F.Globals.JSON {
			err = iostreams.WriteJSONLine(io.Out, doc)
		} else {
			for _, f := range doc.Files {
				if _, err = fmt.Fprintln(io.Out, f.Path); err != nil {
					break
				}
			}
		}
		if err != nil && outErr == nil {
			outErr = fmt.Errorf("write stdout: %w", err)
		}
	}
	results, runErr := run.RunBatch(ctx, lifecycle.Batch{Task: "task", Concurrency: max(o.Concurrency, 4), Wait: true,
		Timeout: o.Timeout, Outputs: specs[0].Outputs, TaskOf: taskOf, TemplateOf: tmplOf, Done: done}, items)
	if outErr != nil {
		return outErr
	}
	var worst error
	failed := 0
	for _, r := range results {
		var err error
		switch {
		case r.Outcome == batch.Failed:
			err = &lifecycle.TaskFailedError{TaskID: r.TaskID, Reason: reasonOf(r)}
		case r.Err != nil:
			err = fmt.Errorf("task %s: %w", r.TaskID, r.Err)
		case r.Outcome == batch.Pending && runErr != nil:
			err = pendingError(r.TaskID, runErr)
		}
		if err == nil {
			continue
		}
		failed++
		if r.Data == nil || !o.F.Globals.JSON {
			io.Errorf("%v", err)
		}
		worst = worse(worst, err)
	}
	if worst != nil {
		return clierr.Reported(clierr.New(clierr.KindOf(worst), fmt.Errorf("%d of %d tasks did not succeed", failed, len(specs))))
	}
	return nil
}

func reasonOf(r batch.Result) string {
	if doc, ok := r.Data.(*lifecycle.Document); ok {
		return doc.Reason
	}
	return ""
}

// pendingError words a task the wait left unfinished (interrupted or timed out).
func pendingError(id string, runErr error) error {
	if errors.Is(runErr, batch.ErrTimeout) {
		return clierr.WithHint(clierr.KindTimeout, fmt.Errorf("timed out waiting for task %s; it may still be running", id), "resume with: novita wait "+id)
	}
	return clierr.WithHint(clierr.KindOf(runErr), fmt.Errorf("stopped waiting for task %s: %w", id, runErr), "resume with: novita wait "+id)
}

// worse keeps the error whose exit code matters most: interrupted, timeout, auth, failure, other.
func worse(a, b error) error {
	rank := map[clierr.Kind]int{clierr.KindInterrupted: 5, clierr.KindTimeout: 4, clierr.KindAuth: 3, clierr.KindGeneric: 2, clierr.KindTaskFailed: 1}
	if a == nil || rank[clierr.KindOf(b)] > rank[clierr.KindOf(a)] {
		return b
	}
	return a
}
