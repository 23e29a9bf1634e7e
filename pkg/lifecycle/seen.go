package lifecycle

import (
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// RecordSeen journals a result read from the API for a task that something else brought to our
// attention (a delivery `listen` received): its status, reason and seed, and the outputs' expiry.
// deliveredBy is waiter.ByWebhook or waiter.ByPoll.
func (r *Runner) RecordSeen(taskID string, res *novita.TaskResult, deliveredBy string) {
	r.recordStatus(journal.StatusUpdate{TaskID: taskID, Status: string(res.Task.Status), Reason: res.Task.Reason,
		TaskType: res.Task.TaskType, Source: sourceOf(deliveredBy), Seed: resultSeed(res)})
	if res.Task.Status != novita.StatusFailed {
		r.recordOutputs(taskID, res.Outputs())
	}
}
