package mcp

import (
	"errors"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/mcpserver"
	"github.com/novita-cli/novita/pkg/taskref"
)

// explain words a tool's error for the agent: the server's own limits by the flags of this command
// (only the user who started it can change them), a task reference by the tools, anything else as
// the command line words it (cmdutil.Explain).
func explain(a taskview.Advice, err error) (msg, hint string) {
	msg, hint = cmdutil.Explain(a, err)
	var denied *mcpserver.NotAllowedError
	var limit *mcpserver.SubmitLimitError
	var amb *taskref.AmbiguousError
	switch {
	case errors.As(err, &denied):
		hint = "ask the user to restart novita mcp with --allow including " + denied.Task
	case errors.As(err, &limit):
		hint = "ask the user to restart novita mcp (--max-submits sets the limit); wait_task and get_task still work"
	case errors.As(err, &amb):
		hint = "give more characters of the task_id (list_tasks shows the tasks)"
	}
	return msg, a.ScrubText(hint)
}
