package listen

import (
	"context"
	"strings"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// resultHook handles a final event (--download, --ui). With a key the result is re-read first, so a
// forged body chooses nothing: the verified result then updates the task in the journal when it is
// one of ours (so `tasks` and `wait --pending` know it ended), and with download its outputs are
// saved (and journalled) through -o.
func resultHook(o *Options, api *factory.API, outs lifecycle.Outputs) func(context.Context, *novita.TaskResult) error {
	run, download := o.NewRunner(api, taskview.Quiet{IO: o.IO}), o.Download
	return func(ctx context.Context, res *novita.TaskResult) error {
		id := res.Task.TaskID
		if api.Key != "" {
			fresh, err := api.Client.TaskResult(ctx, id)
			if err != nil {
				return err
			}
			res = fresh
			if _, ours, err := o.Journal().Get(ctx, id); err == nil && ours {
				run.RecordSeen(id, res, waiter.ByWebhook)
			}
		}
		if !download || res.Task.Status != novita.StatusSucceed {
			return nil
		}
		// The download display already reports each file ("downloaded PATH (SIZE)"): no second line.
		_, err := run.Save(ctx, lifecycle.SaveSpec{TaskID: id, Task: strings.ToLower(res.Task.TaskType),
			Result: res, Outputs: outs})
		return err
	}
}
