package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/journal"
)

// JournalEntries reads the journal, newest first; unreadable records are warned about, never fatal.
func JournalEntries(f *factory.Factory, j *journal.Journal) []journal.Entry {
	if j == nil {
		return nil
	}
	es, err := j.Entries(func(line int, err error) {
		f.IOStreams.Warnf("journal %s line %d skipped: %v", j.Path, line, err)
	})
	if err != nil {
		f.IOStreams.Warnf("%v", err)
	}
	return es
}

// TaskIDCompletion offers task ids from the journal, newest first, described by task and status.
func TaskIDCompletion(f *factory.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		entries, err := f.Journal().Entries(nil)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, e := range entries {
			if len(out) >= 50 {
				break
			}
			out = append(out, e.TaskID+"\t"+strings.TrimSpace(e.Task+" "+strings.TrimPrefix(e.Status, "TASK_STATUS_")))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
