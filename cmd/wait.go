package cmd

import (
	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/app"
	"github.com/novita-cli/novita/pkg/clierr"
)

func (r *runner) newWaitCmd() *cobra.Command {
	var (
		o           app.WaitOptions
		dl          downloadFlagValues
		batchID     string
		concurrency int
	)
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
		ValidArgsFunction: r.taskIDCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := r.resolve(cmd)
			if err != nil {
				return err
			}
			o.TaskIDs = args
			o.Download = dl.flags()
			if cmd.Flags().Changed("batch") {
				if len(args) > 0 || o.Last {
					return clierr.Usagef("give --batch, task ids or --last, not several")
				}
				return app.RunWaitBatch(cmd.Context(), e, app.WaitBatchOptions{BatchID: batchID, Timeout: o.Timeout,
					Download: o.Download, Concurrency: concurrency})
			}
			if cmd.Flags().Changed("concurrency") {
				return clierr.Usagef("--concurrency goes with --batch <batch-id>")
			}
			return app.RunWait(cmd.Context(), e, o)
		},
	}
	cmd.Flags().BoolVar(&o.Last, "last", false, "wait for the newest task in the journal")
	cmd.Flags().StringVar(&batchID, "batch", "", "resume a batch: wait for its unfinished tasks and download missing outputs")
	cmd.Flags().IntVar(&concurrency, "concurrency", 4, "with --batch: result reads and downloads in flight")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", defaultTimeout, "how long to wait before giving up (the task keeps running)")
	addDownloadFlags(cmd, &dl, true)
	return cmd
}

func (r *runner) newResultCmd() *cobra.Command {
	var (
		o  app.ResultOptions
		dl downloadFlagValues
	)
	cmd := &cobra.Command{
		Use:     "result <task-id>",
		Aliases: []string{"get"},
		Short:   "Show a task's current result once",
		Long: `Fetch a task's current result once and print a summary, or the result exactly as the API
sent it with --json. With --download, save the outputs of a succeeded task. Exits 3 when the
task has failed.`,
		Example: `  $ novita result 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10
  $ novita result 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10 --json
  $ novita get 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10 --download -o out/{index}.{ext}`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: r.taskIDCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := r.resolve(cmd)
			if err != nil {
				return err
			}
			o.TaskID = args[0]
			o.Output, o.Overwrite = dl.output, dl.overwrite
			return app.RunResult(cmd.Context(), e, o)
		},
	}
	cmd.Flags().BoolVar(&o.Download, "download", false, "save the outputs")
	addDownloadFlags(cmd, &dl, false)
	return cmd
}

func (r *runner) newTasksCmd() *cobra.Command {
	var o app.TasksOptions
	cmd := &cobra.Command{
		Use:   "tasks",
		Short: "List tasks submitted from this machine, newest first",
		Long: `List the journal of tasks submitted from this machine ($XDG_STATE_HOME/novita/tasks.jsonl,
or $NOVITA_STATE_DIR/tasks.jsonl), newest first, with their last known status and files.`,
		Example: `  $ novita tasks
  $ novita tasks --limit 5 --json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := r.resolve(cmd)
			if err != nil {
				return err
			}
			return app.RunTasks(e, o)
		},
	}
	cmd.Flags().IntVar(&o.Limit, "limit", 20, "show at most N tasks (0 = all)")
	return cmd
}
