package testevent

import (
	"fmt"
	"time"

	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/webhook"
)

// Check verifies that a delivered event is what was asked for: an ASYNC_TASK_RESULT, with the wanted
// status (any status when want is empty) and a task id.
func Check(body []byte, want novita.Status) error {
	ev, res, err := novita.DecodeEvent(body)
	if err != nil {
		return fmt.Errorf("event check: %w", err)
	}
	if ev.EventType != novita.EventAsyncTaskResult {
		return fmt.Errorf("event check: event_type: expected %s, got %q", novita.EventAsyncTaskResult, ev.EventType)
	}
	if want != "" && res.Task.Status != want {
		return fmt.Errorf("event check: status: expected %s, got %q", want, res.Task.Status)
	}
	if res.Task.TaskID == "" {
		return fmt.Errorf("event check: payload.task.task_id is missing")
	}
	return nil
}

// FormatLine is listen's one-line summary of an event body, for test-event's output.
func FormatLine(at time.Time, body []byte, color bool) string {
	return listen.FormatLine(webhook.NewDelivery(at, "POST", nil, body), color)
}
