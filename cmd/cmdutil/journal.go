package cmdutil

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// completionLimit bounds the task ids offered by completion: the newest are the ones people resume.
const completionLimit = 50

// TaskIDCompletion offers task ids from the journal, newest first, described by task and status, and
// file names too: an output file names its task as well as its id does.
func TaskIDCompletion(openJournal func() *journal.Journal) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background() // a completion run outside Execute (tests, docs)
		}
		tasks, err := openJournal().List(ctx, journal.Query{Limit: completionLimit})
		if err != nil {
			return nil, cobra.ShellCompDirectiveDefault
		}
		var out []string
		for _, t := range tasks {
			desc := strings.TrimSpace(t.Name + " " + strings.TrimPrefix(t.Status, "TASK_STATUS_"))
			if iostreams.Safe(t.ID) != t.ID || iostreams.Safe(desc) != desc {
				continue // an id from the network with control characters would break the shell's parsing
			}
			out = append(out, t.ID+"\t"+desc)
		}
		return out, cobra.ShellCompDirectiveDefault
	}
}
