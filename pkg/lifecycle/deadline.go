package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
)

// downloadDeadline bounds the save that follows a wait by what is left of --timeout (0: no limit), so
// a download that trickles a byte at a time (never stalled, never done) ends with the command's
// timeout instead of never. The wall clock measures it: the download runs in real time.
func downloadDeadline(ctx context.Context, timeout time.Duration, start time.Time) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, start.Add(timeout))
}

// downloadTimedOut words a save cut by that deadline (not by a Ctrl-C) as the timeout it is (exit 5):
// the partial files are kept and a wait resumes them.
func downloadTimedOut(ctx, fctx context.Context, err error, taskID string, timeout time.Duration) error {
	if err == nil || ctx.Err() != nil || !errors.Is(fctx.Err(), context.DeadlineExceeded) {
		return err
	}
	return timedOut(err, taskID, timeout)
}

// batchDownloadTimedOut is the same for a batch's (or several tasks') save, cut when the run's
// --timeout passed (batch.ErrTimeout), not by a Ctrl-C.
func batchDownloadTimedOut(ctx context.Context, err error, taskID string, timeout time.Duration) error {
	if err == nil || !errors.Is(context.Cause(ctx), batch.ErrTimeout) {
		return err
	}
	return timedOut(err, taskID, timeout)
}

func timedOut(err error, taskID string, timeout time.Duration) error {
	return clierr.About(clierr.New(clierr.KindTimeout, &DownloadTimeoutError{TaskID: taskID, Timeout: timeout, Err: err}),
		clierr.Subject{TaskID: taskID})
}

// DownloadTimeoutError is a save cut short by the run's time limit (Timeout), not by the user.
type DownloadTimeoutError struct {
	TaskID  string
	Timeout time.Duration
	Err     error
}

func (e *DownloadTimeoutError) Error() string {
	return fmt.Sprintf("task %s: the outputs did not finish downloading within the time limit of %s: %v", e.TaskID, e.Timeout, e.Err)
}

func (e *DownloadTimeoutError) Unwrap() error { return e.Err }
