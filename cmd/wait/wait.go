// Package wait is the `novita wait` command: wait for tasks submitted earlier, then download.
package wait

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/expiry"
	"github.com/novita-cli/novita/cmd/internal/previews"
	"github.com/novita-cli/novita/cmd/internal/runner"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Options is what `novita wait` was asked to do.
type Options struct {
	IO        *iostreams.IOStreams
	API       func() (*factory.API, error)
	Journal   func() *journal.Journal
	Finder    *cmdutil.TaskFinder
	NewRunner runner.Func
	Schedule  waiter.Schedule // the polling schedule (wait looks at once, then follows it)
	Clock     clock.Clock
	Advice    taskview.Advice
	Previews  *previews.Previews
	Expiry    *expiry.Warner
	JSON      bool

	TaskIDs     []string
	Last        bool
	BatchID     string
	Pending     bool
	Concurrency int
	Timeout     time.Duration
	Output      *cmdutil.OutputFlags
	Preview     *string // --preview, set by NewCmdWait; "" when not given
	// ProgressEvery is the period of the plain batch progress lines; 0 = 5s.
	ProgressEvery time.Duration
}

// DefaultTimeout bounds a wait unless --timeout says otherwise.
const DefaultTimeout = 30 * time.Minute

// NewCmdWait builds `novita wait`; runF replaces the run function in tests.
func NewCmdWait(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, API: f.API, Journal: f.Journal, Finder: cmdutil.NewTaskFinder(f), NewRunner: runner.For(f),
		Schedule: f.Schedule(), Clock: f.Clock, Advice: cmdutil.Advice(f), Previews: previews.New(f), Expiry: expiry.NewWarner(f)}
	cmd := &cobra.Command{
		Use:   "wait <task-id|prefix|file>...",
		Short: "Wait for submitted tasks to end (polling), then download their outputs",
		Long: `Wait for one or more tasks submitted earlier, by polling the task-result API, then
download their outputs. Use it to resume after a timeout, a Ctrl-C or a crash: every
submitted task is in the journal (see: novita tasks). --pending waits for every task
the journal never saw end, at once. A task is named by its id, a unique prefix of it
(6+ characters) or one of its output files.`,
		Example: `  $ novita wait 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10
  $ novita wait --last
  $ novita wait ID1 ID2 --json
  $ novita wait --batch b-1a2b3c4d5e
  $ novita wait --pending`,
		Args:              cmdutil.UsageArgs(cobra.ArbitraryArgs),
		ValidArgsFunction: cmdutil.TaskIDCompletion(f.Journal),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.TaskIDs = dedupe(args)
			batchSet := cmd.Flags().Changed("batch")
			if batchSet && (len(args) > 0 || o.Last) {
				return clierr.Usagef("give --batch, task ids or --last, not several")
			}
			if o.Pending && (batchSet || len(args) > 0 || o.Last) {
				return clierr.Usagef("--pending waits for every unfinished task: give it alone, without task ids, --last or --batch")
			}
			if !batchSet && !o.Pending && cmd.Flags().Changed("concurrency") {
				return clierr.Usagef("--concurrency goes with --batch <batch-id> or --pending")
			}
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			switch {
			case batchSet:
				return runWaitBatch(cmd.Context(), o)
			case o.Pending:
				return runWaitPending(cmd.Context(), o)
			}
			return runWait(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Last, "last", false, "wait for the newest task in the journal")
	cmd.Flags().StringVar(&o.BatchID, "batch", "", "resume a batch: wait for its unfinished tasks and download missing outputs")
	cmd.Flags().BoolVar(&o.Pending, "pending", false, "wait for every task the journal never saw end, and download what is still downloadable")
	cmd.Flags().IntVar(&o.Concurrency, "concurrency", 4, "with --batch or --pending: result reads and downloads in flight")
	cmdutil.TimeoutFlag(cmd, &o.Timeout, "timeout", DefaultTimeout, "how long to wait before giving up (the task keeps running)")
	o.Output = cmdutil.AddOutputFlags(cmd, cmdutil.NewSettings(f), true)
	o.Preview = previews.AddFlag(cmd)
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

// journalled reads what the journal knows of the tasks to wait for: the newest one (--last), or each
// id given. A task the journal does not know is waited for all the same, with the defaults.
func journalled(ctx context.Context, o *Options) ([]journal.Task, error) {
	j := o.Journal()
	if o.Last {
		t, ok, err := j.Newest(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, clierr.Usagef("the journal (%s) has no tasks yet: submit one with: novita submit", j.Path)
		}
		return []journal.Task{t}, nil
	}
	refs, err := o.Finder.FindAll(ctx, o.TaskIDs)
	if err != nil {
		return nil, err
	}
	o.TaskIDs = o.TaskIDs[:0]
	for _, r := range refs {
		o.TaskIDs = append(o.TaskIDs, r.ID)
	}
	tasks := make([]journal.Task, len(o.TaskIDs))
	warned := false
	for i, id := range o.TaskIDs {
		d, ok, err := j.Get(ctx, id)
		switch {
		case err != nil && !warned:
			o.IO.Warnf("%v", err) // the wait does not need the journal, only its defaults
			warned = true
		case ok && d.Sandbox && d.EndedAt.IsZero():
			return nil, clierr.WithHint(clierr.KindUsage, fmt.Errorf("task %s ran in an in-process --sandbox simulator, "+
				"which stopped with its command: it will never end", iostreams.Safe(id)),
				"forget such tasks with: novita tasks prune --sandbox")
		case ok:
			d.Task.Request = nil
			tasks[i] = d.Task
			continue
		}
		tasks[i] = journal.Task{ID: id}
	}
	return tasks, nil
}

// runWait waits (by polling) for tasks submitted earlier, then downloads their outputs.
func runWait(ctx context.Context, o *Options) error {
	io := o.IO
	if o.Last && len(o.TaskIDs) > 0 {
		return clierr.Usagef("give task ids or --last, not both")
	}
	if !o.Last && len(o.TaskIDs) == 0 {
		return clierr.Usagef("no task id: give one or more task ids, or --last for the newest task (see: novita tasks)")
	}
	mode, err := o.Previews.Mode(*o.Preview)
	if err != nil {
		return err // before any waiting
	}
	tasks, err := journalled(ctx, o)
	if err != nil {
		return err
	}
	api, err := cmdutil.NeedAPI(o.API)
	if err != nil {
		return err
	}
	// Tasks resumed with wait have usually ended already: look at once rather than after the
	// schedule's usual first pause.
	sched := o.Schedule
	sched.First = 0
	run := o.NewRunner(api, taskview.Quiet{IO: io})
	run.Schedule = sched
	meta, err := o.Output.MetadataMode()
	if err != nil {
		return err
	}
	specs := make([]lifecycle.Spec, len(tasks))
	targets := make([]target, len(tasks))
	for i, t := range tasks {
		tmpl, err := o.Output.Settings.Template(cmpOr(o.Output.Output, t.Output))
		if err != nil {
			return err
		}
		task := cmpOr(t.Name, "task")
		specs[i] = lifecycle.Spec{TaskID: t.ID, Task: task, Line: t.Line, Timeout: o.Timeout,
			Outputs: lifecycle.Outputs{Template: tmpl, NoDownload: o.Output.NoDownload, Overwrite: o.Output.Overwrite, Metadata: meta,
				AnySaved: o.Output.Output == ""}}
		targets[i] = target{tmpl: tmpl, vars: download.Vars{TaskID: t.ID, Task: task, Line: t.Line}, files: t.Files}
		if t.BaseURL != "" && t.BaseURL != api.BaseURL {
			io.Warnf("task %s was submitted to %s, but the API base URL is now %s", t.ID, t.BaseURL, api.BaseURL)
		}
	}
	if !o.Output.NoDownload {
		if err := checkTargets(targets, o.Output.Overwrite, o.JSON); err != nil {
			return err
		}
	}
	if len(specs) > 1 {
		return waitMany(ctx, o, run, specs)
	}
	io.Statusf("waiting for task %s", specs[0].TaskID)
	waiting := taskview.NewWaiting(io, o.Clock.Now, specs[0].TaskID, false).Resuming()
	run.Observer = waiting
	doc, err := run.Await(ctx, specs[0])
	waiting.Stop()
	err = taskview.Finish(io, o.JSON, doc, err, o.Advice)
	if doc != nil {
		o.Expiry.WarnUndownloaded(ctx, doc.TaskID)
		o.Previews.Show(ctx, o.JSON, mode, doc.Files)
	}
	return err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// pendingError words a task the wait left unfinished (interrupted or timed out), about that task.
func pendingError(id string, runErr error, a taskview.Advice) error {
	var err error
	if isTimeout(runErr) {
		err = clierr.New(clierr.KindTimeout, fmt.Errorf("timed out waiting for task %s; it may still be running", id))
	} else {
		err = clierr.New(clierr.KindOf(runErr), fmt.Errorf("stopped waiting for task %s: %w", id, runErr))
	}
	err = clierr.About(err, clierr.Subject{TaskID: id})
	if h := a.StopHint(err); h != "" {
		err = clierr.WithHint(clierr.KindOf(err), err, h)
	}
	return err
}
