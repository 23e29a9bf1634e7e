package cmdutil

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// completionLimit bounds the task ids offered by completion: the newest are the ones people resume.
const completionLimit = 50

// TaskIDCompletion offers task ids from the journal, newest first, described by task and status, and
// file names too: an output file names its task as well as its id does.
func TaskIDCompletion(f *factory.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background() // a completion run outside Execute (tests, docs)
		}
		tasks, err := f.Journal().List(ctx, journal.Query{Limit: completionLimit})
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

// ExpiryWarnWindow is how close to expiry the URLs of outputs left undownloaded must be for a warning:
// after that the outputs can only be fetched again through a fresh task-result read, if at all.
const ExpiryWarnWindow = 10 * time.Minute

// ExpiringOutputsWarning is the warning for a task's outputs that were not downloaded (files without a
// path) and whose URLs expire within ExpiryWarnWindow of now (or have expired), or "" when there is
// nothing to say: every output saved, or URLs that stay valid long enough, or an unknown expiry.
func ExpiringOutputsWarning(taskID string, files []journal.FileRecord, now time.Time) string {
	var first time.Time
	for _, f := range files {
		if f.Path != "" || f.URLExpiresAt.IsZero() {
			continue
		}
		if first.IsZero() || f.URLExpiresAt.Before(first) {
			first = f.URLExpiresAt
		}
	}
	if first.IsZero() {
		return ""
	}
	id := iostreams.Safe(taskID)
	left := first.Sub(now)
	switch {
	case left > ExpiryWarnWindow:
		return ""
	case left <= 0:
		return fmt.Sprintf("outputs of task %s were not downloaded and their URLs have expired: "+
			"run novita result %s --download (it asks the API for fresh URLs)", id, id)
	case left < time.Minute:
		return fmt.Sprintf("outputs of task %s were not downloaded and their URLs expire in less than a minute: "+
			"run novita result %s --download", id, id)
	}
	mins := int((left + time.Minute - 1) / time.Minute)
	return fmt.Sprintf("outputs of task %s were not downloaded and their URLs expire in %d min: run novita result %s --download",
		id, mins, id)
}

// WarnUndownloaded warns (on stderr, even with -q) when outputs of the task were left undownloaded and
// their URLs are about to expire, reading what the lifecycle journalled about them. Call it after a
// task ended and its downloads (if any) are over. Nothing is said after an in-process --sandbox run,
// whose outputs vanish with the command anyway.
func WarnUndownloaded(ctx context.Context, f *factory.Factory, taskID string) {
	if taskID == "" || f.InProcessSandbox() {
		return
	}
	d, ok, err := f.Journal().Get(ctx, taskID)
	if err != nil || !ok {
		return // the journal's own failure was already warned about when it was written
	}
	if msg := ExpiringOutputsWarning(taskID, d.Files, f.Clock.Now()); msg != "" {
		f.IOStreams.Warnf("%s", msg)
	}
}
