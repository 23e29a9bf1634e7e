package mcpserver

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/taskref"
	"github.com/novita-cli/novita/pkg/waiter"
)

// submitGrace tolerates TASK_NOT_FOUND right after a submit, as `submit --wait` does.
const submitGrace = 30 * time.Second

// step is one bounded wait for a task.
type step struct {
	id, task string
	line     int
	bound    time.Duration
	outs     lifecycle.Outputs
	webhooks bool // the task asked for webhooks at our receiver
	fresh    bool // just submitted: the first read waits the schedule's first pause
}

// step waits up to st.bound for a task through the same pipeline as `novita wait` (webhooks as
// signals, adaptive polling, journal, downloads through the template). A task still running when the
// bound passes is not an error: its last progress is the answer, and the next wait_task continues.
func (s *Server) step(ctx context.Context, run *lifecycle.Runner, w *watcher, st step) (TaskOut, error) {
	hooks, stop := s.hooks.subscribe(st.webhooks)
	defer stop()
	spec := lifecycle.Spec{TaskID: st.id, Task: st.task, Line: st.line, Webhooks: hooks, Timeout: st.bound, Outputs: st.outs}
	if st.fresh {
		spec.Grace = submitGrace
	} else {
		sched := run.Schedule
		sched.First, sched.FirstSafe = 0, 0 // a task waited for again has often ended already: look at once
		run.Schedule = sched
	}
	doc, err := run.Await(ctx, spec)
	if doc != nil {
		out := finished(doc, nowOf(run))
		var failed *lifecycle.TaskFailedError
		if err == nil || errors.As(err, &failed) {
			return out, nil // a failed task is an answer: status and reason say it
		}
		return out, err // saving failed: the CLI's words, the task id in them
	}
	if errors.Is(err, waiter.ErrTimeout) {
		p, _ := w.latest()
		return pending(st.id, st.task, p), nil
	}
	return TaskOut{}, err
}

// WaitIn is the input of wait_task.
type WaitIn struct {
	TaskID      string   `json:"task_id" jsonschema:"the task_id from submit_task (or any task in list_tasks, also those the novita command line submitted)"`
	WaitSeconds *float64 `json:"wait_seconds,omitempty" jsonschema:"how long this call may wait (0 to 45; default 25); call again to keep waiting"`
	OutputDir   string   `json:"output_dir,omitempty" jsonschema:"directory for the outputs (default: where the task's submit said)"`
}

func waitTool() *mcp.Tool {
	return &mcp.Tool{Name: "wait_task", Title: "Wait for a Novita task",
		Description: "Wait up to wait_seconds for a task to finish, then download its outputs. If it is still running " +
			"the answer says so (status, progress, eta): call wait_task again with the same task_id to continue. " +
			"Works for any task id, including tasks submitted from the novita command line.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: false, IdempotentHint: true, DestructiveHint: ptr(false), OpenWorldHint: ptr(true)},
		InputSchema: schemaFor[WaitIn](func(s schema) { waitSecondsSchema(s.prop("wait_seconds"), DefaultWaitSeconds) })}
}

func (s *Server) wait(ctx context.Context, req *mcp.CallToolRequest, in WaitIn) (*mcp.CallToolResult, TaskOut, error) {
	out, err := s.waitTask(ctx, req, in)
	if err != nil {
		return nil, TaskOut{}, s.fail(err)
	}
	return &mcp.CallToolResult{Content: s.content(out)}, out, nil
}

func (s *Server) waitTask(ctx context.Context, req *mcp.CallToolRequest, in WaitIn) (TaskOut, error) {
	bound, err := waitBound(in.WaitSeconds, DefaultWaitSeconds)
	if err != nil {
		return TaskOut{}, err
	}
	id := strings.TrimSpace(in.TaskID)
	if id == "" {
		return TaskOut{}, &ToolError{Msg: "no task_id given", Hint: "pass the task_id submit_task returned, or find one with list_tasks"}
	}
	if id, err = s.fullID(ctx, id); err != nil {
		return TaskOut{}, err
	}
	known := s.known(ctx, id)
	outs, err := s.taskOutputs(in.OutputDir, known)
	if err != nil {
		return TaskOut{}, err
	}
	task := known.Name
	if task == "" {
		task = "task"
	}
	err = outs.Template.Preflight(download.Check{Vars: download.Vars{TaskID: id, Task: task, Line: known.Line},
		Saved: lifecycle.SavedFiles(known.Files)})
	if err != nil {
		return TaskOut{}, err
	}
	w := newWatcher(ctx, req)
	run, err := s.runner(w)
	if err != nil {
		return TaskOut{}, err
	}
	if bound == 0 {
		return s.look(ctx, run, id, task, known.Line, outs)
	}
	out, err := s.step(ctx, run, w, step{id: id, task: task, line: known.Line, bound: bound, outs: outs, webhooks: s.cfg.WebhookURL != ""})
	out.Source, out.Warnings = known.Source, w.warnings(s.cfg.Scrub)
	return out, err
}

// look reads a task once, and saves its outputs when it has ended: wait_task with wait_seconds 0.
func (s *Server) look(ctx context.Context, run *lifecycle.Runner, id, task string, line int, outs lifecycle.Outputs) (TaskOut, error) {
	res, err := run.Client.TaskResult(ctx, id)
	if err != nil {
		return TaskOut{}, err
	}
	if !res.Task.Status.Final() {
		return pending(id, task, waiter.Progress{Status: res.Task.Status, Percent: int64(res.Task.ProgressPercent), ETA: int64(res.Task.ETA)}), nil
	}
	doc, err := run.Finish(ctx, lifecycle.Finished{TaskID: id, Task: task, Line: line, Result: res, DeliveredBy: waiter.ByPoll, Outputs: outs})
	var failed *lifecycle.TaskFailedError
	if err != nil && !errors.As(err, &failed) {
		return finished(doc, nowOf(run)), err
	}
	return finished(doc, nowOf(run)), nil
}

// known is what the journal knows of a task (its name, line, template and saved files); a task it
// does not know is waited for all the same, with the server's defaults.
func (s *Server) known(ctx context.Context, id string) journal.Task {
	j := s.journal()
	if j == nil {
		return journal.Task{ID: id}
	}
	d, ok, err := j.Get(ctx, id)
	if err != nil || !ok {
		return journal.Task{ID: id}
	}
	d.Task.Request = nil
	return d.Task
}

// taskOutputs is where a wait saves: output_dir when given, else the template the task was
// submitted with (journalled), else the server's directory.
func (s *Server) taskOutputs(dir string, t journal.Task) (lifecycle.Outputs, error) {
	if dir != "" || t.Output == "" {
		return s.outputs(dir)
	}
	tmpl, err := download.ParseTemplate(t.Output)
	if err != nil {
		return s.outputs("")
	}
	return lifecycle.Outputs{Template: tmpl}, nil
}

// GetIn is the input of get_task.
type GetIn struct {
	TaskID string `json:"task_id" jsonschema:"a task id from submit_task or list_tasks"`
}

// GetOut is get_task's result: the task's state from one fresh read, and what the journal knows.
type GetOut struct {
	TaskOut
	Journalled  bool   `json:"journalled" jsonschema:"whether this machine's journal knows the task"`
	SubmittedAt string `json:"submitted_at,omitempty"`
	EndedAt     string `json:"ended_at,omitempty"`
	Prompt      string `json:"prompt,omitempty"`
	ReadError   string `json:"read_error,omitempty" jsonschema:"why the fresh read failed; the rest is the journal's"`
}

func getTool() *mcp.Tool {
	return readOnlyTool(&mcp.Tool{Name: "get_task", Title: "Look at a Novita task",
		Description: "What the local journal knows of a task (task name, prompt, saved files) plus one fresh read of its " +
			"status and output links. Never waits and never downloads: use wait_task for that.",
		InputSchema: schemaFor[GetIn](nil)})
}

func (s *Server) get(ctx context.Context, _ *mcp.CallToolRequest, in GetIn) (*mcp.CallToolResult, GetOut, error) {
	out, err := s.getTask(ctx, in)
	if err != nil {
		return nil, GetOut{}, s.fail(err)
	}
	return &mcp.CallToolResult{Content: s.content(out.TaskOut)}, out, nil
}

func (s *Server) getTask(ctx context.Context, in GetIn) (GetOut, error) {
	id := strings.TrimSpace(in.TaskID)
	if id == "" {
		return GetOut{}, &ToolError{Msg: "no task_id given", Hint: "find one with list_tasks"}
	}
	id, err := s.fullID(ctx, id)
	if err != nil {
		return GetOut{}, err
	}
	var out GetOut
	var t journal.Task
	if j := s.journal(); j != nil {
		d, ok, err := j.Get(ctx, id)
		if err != nil {
			return GetOut{}, err
		}
		if ok {
			t, out.Journalled = d.Task, true
		}
	}
	out.TaskOut = TaskOut{TaskID: id, Task: t.Name, Status: t.Status, Reason: t.Reason, Source: t.Source,
		Files: savedFiles(t.Files), URLs: []URLOut{}}
	out.Prompt = t.Prompt
	if !t.SubmittedAt.IsZero() {
		out.SubmittedAt = t.SubmittedAt.UTC().Format(time.RFC3339)
	}
	if !t.EndedAt.IsZero() {
		out.EndedAt = t.EndedAt.UTC().Format(time.RFC3339)
	}
	run, err := s.runner(nil)
	var res *novita.TaskResult
	if err == nil {
		res, err = run.Client.TaskResult(ctx, id)
	}
	if err != nil {
		if !out.Journalled {
			return GetOut{}, err
		}
		msg, _ := s.cfg.Explain(err)
		out.ReadError = msg
		return out, nil
	}
	out.Status, out.Reason = string(res.Task.Status), res.Task.Reason
	out.Progress, out.ETA = int64(res.Task.ProgressPercent), int64(res.Task.ETA)
	if res.Task.Status == novita.StatusSucceed {
		out.Progress = 100
	}
	out.URLs = urlsOut(res, nowOf(run))
	if !res.Task.Status.Final() {
		out.Next = nextWait
	}
	return out, nil
}

func savedFiles(fs []journal.FileRecord) []FileOut {
	out := []FileOut{}
	for _, f := range fs {
		if f.Path != "" {
			out = append(out, FileOut{Path: f.Path, Kind: f.Kind, Bytes: f.Bytes, SHA256: f.SHA256})
		}
	}
	return out
}

// fullID resolves a task id as the CLI does: a unique prefix of a journalled id (6+ characters) is
// that id; an ambiguous one is an error listing the candidates; anything else is passed on as given.
func (s *Server) fullID(ctx context.Context, id string) (string, error) {
	j := s.journal()
	if j == nil {
		return id, nil
	}
	r, err := taskref.ResolveID(ctx, j, id)
	if err != nil {
		return "", err
	}
	return r.ID, nil
}
