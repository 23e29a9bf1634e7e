package training

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Status reads a training task once. kind is subject or style; "" tries subject, then style when the
// subject endpoint does not know the task (the id alone does not say which kind it is).
func Status(ctx context.Context, api API, kind, id string) (*novita.TrainingTask, string, error) {
	if kind != "" {
		t, err := api.TrainingStatus(ctx, kind, id)
		return t, kind, err
	}
	t, err := api.TrainingStatus(ctx, KindSubject, id)
	var ae *novita.APIError
	if errors.As(err, &ae) && (ae.HTTPStatus == http.StatusNotFound || ae.HTTPStatus == http.StatusBadRequest) {
		if st, err2 := api.TrainingStatus(ctx, KindStyle, id); err2 == nil {
			return st, KindStyle, nil
		}
	}
	return t, KindSubject, err
}

// Done reports whether a training task has reached its end: failed or canceled, or succeeded with
// every model serving (the page: the LoRA is usable once task_status is SUCCESS and model_status SERVING).
func Done(t *novita.TrainingTask) bool {
	if t.TaskStatus != novita.TrainingSuccess {
		return novita.TrainingFinal(t.TaskStatus)
	}
	for _, m := range t.Models {
		if m.ModelStatus == "DEPLOYING" {
			return false
		}
	}
	return true
}

// ErrFailed is the error of a training task that ended FAILED or CANCELED.
var ErrFailed = errors.New("training did not succeed")

// Result turns a finished task into the command's outcome: nil when it succeeded, else a task-failed
// error (exit 3) about the task.
func Result(t *novita.TrainingTask) error {
	if t.TaskStatus == novita.TrainingSuccess {
		return nil
	}
	err := fmt.Errorf("training task %s ended %s: %w", t.TaskID, t.TaskStatus, ErrFailed)
	return clierr.About(clierr.New(clierr.KindTaskFailed, err), clierr.Subject{TaskID: t.TaskID})
}

// Wait polls a training task until Done or timeout (0: no limit) on clk, sleeping as the schedule's
// polling-alone side says: First, then growing by Growth from Min up to Max, or most of the task's eta
// when it gives one. onStatus is told about every read. A timeout is clierr.KindTimeout naming the task;
// the last read task is returned with it. How to resume is the command's to say.
func Wait(ctx context.Context, api API, clk clock.Clock, s waiter.Schedule, kind, id string, timeout time.Duration,
	onStatus func(*novita.TrainingTask)) (*novita.TrainingTask, error) {
	clk = clock.OrReal(clk)
	var deadline time.Time
	if timeout > 0 {
		deadline = clk.Now().Add(timeout)
	}
	sleep := s.First
	for {
		t, err := api.TrainingStatus(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		if onStatus != nil {
			onStatus(t)
		}
		if Done(t) {
			return t, nil
		}
		d := sleep
		if eta := time.Duration(t.Extra.ETARelative * float64(time.Second)); eta > 2*time.Second {
			d = min(eta*8/10, s.Max)
		}
		if !deadline.IsZero() {
			left := deadline.Sub(clk.Now())
			if left <= 0 {
				return t, clierr.New(clierr.KindTimeout, fmt.Errorf("training task %s is still %s after %s; it goes on at Novita",
					id, t.TaskStatus, timeout))
			}
			d = min(d, left)
		}
		if err := clock.SleepOn(ctx, clk, d); err != nil {
			return t, err
		}
		sleep = min(max(time.Duration(float64(sleep)*s.Growth), s.Min), s.Max)
	}
}

// List reads up to limit training tasks from the cursor on ("" = the start), following the API's opaque
// next_cursor page by page (at most 100 a page); next is where a further call would go on ("" at the end).
func List(ctx context.Context, api API, limit int, cursor string) (tasks []novita.TrainingTask, next string, err error) {
	for {
		page, err := api.ListTrainings(ctx, min(limit-len(tasks), 100), cursor)
		if err != nil {
			return tasks, cursor, err
		}
		tasks = append(tasks, page.Tasks...)
		if page.NextCursor == "" || page.NextCursor == cursor || len(page.Tasks) == 0 {
			return tasks, "", nil
		}
		cursor = page.NextCursor
		if len(tasks) >= limit {
			return tasks, cursor, nil
		}
	}
}
