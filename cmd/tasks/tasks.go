// Package tasks is the `novita tasks` command: the journal of tasks submitted from this machine.
package tasks

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// Options is what `novita tasks` was asked to do.
type Options struct {
	F     *factory.Factory
	Limit int
}

// NewCmdTasks builds `novita tasks`; runF replaces the run function in tests.
func NewCmdTasks(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "tasks",
		Short: "List tasks submitted from this machine, newest first",
		Long: `List the journal of tasks submitted from this machine ($XDG_STATE_HOME/novita/tasks.jsonl,
or $NOVITA_STATE_DIR/tasks.jsonl), newest first, with their last known status and files.`,
		Example: `  $ novita tasks
  $ novita tasks --limit 5 --json`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runTasks(o)
		},
	}
	cmd.Flags().IntVar(&o.Limit, "limit", 20, "show at most N tasks (0 = all)")
	return cmd
}

// runTasks lists the journal, newest first.
func runTasks(o *Options) error {
	f, io := o.F, o.F.IOStreams
	j := f.Journal()
	entries := cmdutil.JournalEntries(f, j)
	if o.Limit > 0 && len(entries) > o.Limit {
		entries = entries[:o.Limit]
	}
	if f.Globals.JSON {
		if entries == nil {
			entries = []journal.Entry{}
		}
		return iostreams.WriteJSON(io.Out, entries)
	}
	if len(entries) == 0 {
		io.Statusf("no tasks yet in %s (submit one with: novita submit txt2img --prompt \"...\")", j.Path)
		return nil
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK ID\tTASK\tSTATUS\tSUBMITTED\tFILES")
	for _, en := range entries {
		status := "SUBMITTED"
		if en.Status != "" {
			status = strings.TrimPrefix(en.Status, "TASK_STATUS_")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", en.TaskID, dash(en.Task), status,
			en.SubmittedAt.Local().Format("2006-01-02 15:04:05"), len(en.Files))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
