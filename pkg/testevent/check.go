package testevent

import (
	"fmt"

	"github.com/novita-cli/novita/pkg/novita"
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
