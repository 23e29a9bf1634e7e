package app

import (
	"fmt"
	"text/tabwriter"

	"github.com/novita-cli/novita/pkg/journal"
)

// TasksOptions is what `novita tasks` was asked to do.
type TasksOptions struct {
	Limit int
}

// RunTasks lists the journal, newest first.
func RunTasks(e *Env, o TasksOptions) error {
	entries := e.journalEntries()
	if o.Limit > 0 && len(entries) > o.Limit {
		entries = entries[:o.Limit]
	}
	if e.JSON {
		if entries == nil {
			entries = []journal.Entry{}
		}
		return writeJSON(e.IO.Out, entries)
	}
	if len(entries) == 0 {
		e.IO.Statusf("no tasks yet in %s (submit one with: novita submit txt2img --prompt \"...\")", e.Journal.Path)
		return nil
	}
	tw := tabwriter.NewWriter(e.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK ID\tTASK\tSTATUS\tSUBMITTED\tFILES")
	for _, en := range entries {
		status := "SUBMITTED"
		if en.Status != "" {
			status = shortStatus(en.Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", en.TaskID, dash(en.Task), status,
			en.SubmittedAt.Local().Format("2006-01-02 15:04:05"), len(en.Files))
	}
	return tw.Flush()
}

func shortStatus(s string) string {
	const p = "TASK_STATUS_"
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
