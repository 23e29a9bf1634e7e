// Package expiry warns about outputs left undownloaded whose URLs are about to expire: after that they
// can only be fetched again through a fresh task-result read, if at all.
package expiry

import (
	"context"
	"fmt"
	"time"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// WarnWindow is how close to expiry the URLs of outputs left undownloaded must be for a warning:
// after that the outputs can only be fetched again through a fresh task-result read, if at all.
const WarnWindow = 10 * time.Minute

// OutputsWarning is the warning for a task's outputs that were not downloaded (files without a
// path) and whose URLs expire within WarnWindow of now (or have expired), or "" when there is
// nothing to say: every output saved, or URLs that stay valid long enough, or an unknown expiry.
func OutputsWarning(taskID string, files []journal.FileRecord, now time.Time) string {
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
	case left > WarnWindow:
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

// Warner is what the warning uses of the command line; a command's options hold one (NewWarner)
// rather than the factory.
type Warner struct {
	IO      *iostreams.IOStreams
	Journal func() *journal.Journal
	Clock   clock.Clock
	// InProcessSandbox tells whether the command ran against the --sandbox simulator.
	InProcessSandbox func() bool
}

// NewWarner takes the warning's needs from the factory.
func NewWarner(f *factory.Factory) *Warner {
	return &Warner{IO: f.IOStreams, Journal: f.Journal, Clock: f.Clock, InProcessSandbox: f.InProcessSandbox}
}

// WarnUndownloaded warns (on stderr, even with -q) when outputs of the task were left undownloaded and
// their URLs are about to expire, reading what the lifecycle journalled about them. Call it after a
// task ended and its downloads (if any) are over. Nothing is said after an in-process --sandbox run,
// whose outputs vanish with the command anyway.
func (w *Warner) WarnUndownloaded(ctx context.Context, taskID string) {
	if taskID == "" || w.InProcessSandbox() {
		return
	}
	d, ok, err := w.Journal().Get(ctx, taskID)
	if err != nil || !ok {
		return // the journal's own failure was already warned about when it was written
	}
	if msg := OutputsWarning(taskID, d.Files, w.Clock.Now()); msg != "" {
		w.IO.Warnf("%s", msg)
	}
}
