// Package result is the `novita result` command (alias `get`): a task's current result, once.
package result

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/expiry"
	"github.com/novita-cli/novita/cmd/internal/previews"
	"github.com/novita-cli/novita/cmd/internal/runner"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
)

// Options is what `novita result` was asked to do.
type Options struct {
	IO        *iostreams.IOStreams
	API       func() (*factory.API, error)
	Journal   func() *journal.Journal
	Finder    *cmdutil.TaskFinder
	NewRunner runner.Func
	Advice    taskview.Advice
	Previews  *previews.Previews
	Expiry    *expiry.Warner
	JSON      bool

	TaskID   string
	Download bool
	Output   *cmdutil.OutputFlags
	Preview  *string // --preview, set by NewCmdResult; "" when not given
}

// NewCmdResult builds `novita result`; runF replaces the run function in tests.
func NewCmdResult(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, API: f.API, Journal: f.Journal, Finder: cmdutil.NewTaskFinder(f), NewRunner: runner.For(f),
		Advice: cmdutil.Advice(f), Previews: previews.New(f), Expiry: expiry.NewWarner(f)}
	cmd := &cobra.Command{
		Use:     "result <task-id|prefix|file>",
		Aliases: []string{"get"},
		Short:   "Show a task's current result once",
		Long: `Fetch a task's current result once and print a summary, or the result exactly as the API
sent it with --json. With --download, save the outputs of a succeeded task. Exits 3 when the
task has failed. The task is named by its id, a unique prefix of it (6+ characters) or one of
its output files.`,
		Example: `  $ novita result 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10
  $ novita result 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10 --json
  $ novita get 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10 --download -o out/{index}.{ext}`,
		Args:              cmdutil.TaskIDArg(),
		ValidArgsFunction: cmdutil.TaskIDCompletion(f.Journal),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.TaskID = strings.TrimSpace(args[0])
			if o.TaskID == "" {
				return clierr.Usagef("empty task id: give the id that submit printed (see: novita tasks)")
			}
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runResult(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Download, "download", false, "save the outputs")
	o.Output = cmdutil.AddOutputFlags(cmd, cmdutil.NewSettings(f), false)
	o.Preview = previews.AddFlag(cmd)
	return cmd
}

// runResult reads a task's result once and prints it; with Download it also saves the outputs.
// A FAILED task exits 3, like every command that learns a task failed.
func runResult(ctx context.Context, o *Options) error {
	ios := o.IO
	ref, err := o.Finder.Find(ctx, o.TaskID)
	if err != nil {
		return err
	}
	o.TaskID = ref.ID
	// A journalled task is saved where its submit would have saved it (its -o, its {task} and {line}),
	// so "novita result ID --download" completes, or confirms, what that submit started.
	var en journal.Task
	mode := "off"
	if o.Download {
		if mode, err = o.Previews.Mode(*o.Preview); err != nil {
			return err // before any request
		}
		if d, ok, err := o.Journal().Get(ctx, o.TaskID); err != nil {
			ios.Warnf("%v", err) // the download does not need the journal, only its defaults
		} else if ok {
			en = d.Task
		}
	}
	output := o.Output.Output
	if output == "" {
		output = en.Output
	}
	tmpl, err := o.Output.Settings.Template(output)
	if err != nil {
		return err
	}
	meta, err := o.Output.MetadataMode()
	if err != nil {
		return err
	}
	outs := lifecycle.Outputs{Template: tmpl, Overwrite: o.Output.Overwrite, Metadata: meta}
	task := en.Name
	if task == "" {
		task = "task"
	}
	if o.Download {
		err := tmpl.Preflight(download.Check{Vars: download.Vars{TaskID: o.TaskID, Task: task, Line: en.Line},
			Overwrite: o.Output.Overwrite, JSON: o.JSON, Saved: lifecycle.SavedFiles(en.Files)})
		if err != nil {
			return err
		}
	}
	api, err := cmdutil.NeedAPI(o.API)
	if err != nil {
		return err
	}
	res, err := api.Client.TaskResult(ctx, o.TaskID)
	if err != nil {
		return err
	}
	var failed error
	if res.Task.Status == novita.StatusFailed {
		failed = &lifecycle.TaskFailedError{TaskID: o.TaskID, Reason: res.Task.Reason}
	}
	if !o.Download {
		if o.JSON {
			if err := iostreams.WriteRawJSONLine(ios.Out, res.Raw); err != nil {
				return err
			}
			return reportedIf(failed)
		}
		printSummary(ios.Out, res)
		return reportedIf(failed)
	}
	if res.Task.Status != novita.StatusSucceed {
		if failed != nil {
			return failed
		}
		return fmt.Errorf("task %s is %s: nothing to download yet (wait for it with: novita wait %s)", o.TaskID, res.Task.Status.Short(), o.TaskID)
	}
	run := o.NewRunner(api, taskview.Quiet{IO: ios})
	files, err := run.Save(ctx, lifecycle.SaveSpec{TaskID: o.TaskID, Task: task, Line: en.Line, Result: res, Outputs: outs})
	doc := &lifecycle.Document{TaskID: o.TaskID, Task: task, TaskType: res.Task.TaskType, Status: string(res.Task.Status),
		Reason: res.Task.Reason, DeliveredBy: "poll", Result: res.Raw, Files: files}
	err = taskview.Finish(ios, o.JSON, doc, err, o.Advice)
	o.Expiry.WarnUndownloaded(ctx, o.TaskID)
	o.Previews.Show(ctx, o.JSON, mode, doc.Files)
	return err
}

func reportedIf(err error) error {
	if err == nil {
		return nil
	}
	return clierr.Reported(err)
}

// printSummary writes a readable view of a result; every field came from the network.
func printSummary(w io.Writer, r *novita.TaskResult) {
	s := iostreams.Safe
	fmt.Fprintf(w, "task      %s\n", s(r.Task.TaskID))
	fmt.Fprintf(w, "type      %s\n", s(r.Task.TaskType))
	fmt.Fprintf(w, "status    %s\n", s(r.Task.Status.Short()))
	if !r.Task.Status.Final() {
		fmt.Fprintf(w, "progress  %d%%\n", r.Task.ProgressPercent)
		if r.Task.ETA > 0 {
			fmt.Fprintf(w, "eta       %ds\n", r.Task.ETA)
		}
	}
	if r.Task.Reason != "" {
		fmt.Fprintf(w, "reason    %s\n", s(r.Task.Reason))
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
		fmt.Fprintf(w, "  %s-%d %s %s%s\n", o.Kind, o.Index, s(strings.ToLower(typ)), s(o.URL), ttl)
	}
}
