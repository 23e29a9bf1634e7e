package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/waiter"
)

// SubmitIn is the input of submit_task.
type SubmitIn struct {
	Task        string         `json:"task" jsonschema:"a task name or alias from catalog"`
	Params      map[string]any `json:"params,omitempty" jsonschema:"the request body fields, as describe_task's parameters schema gives them"`
	WaitSeconds *float64       `json:"wait_seconds,omitempty" jsonschema:"how long to wait for the task to finish before answering (0 to 45; default 0: answer with the task_id at once)"`
	OutputDir   string         `json:"output_dir,omitempty" jsonschema:"directory for the outputs (default: the server's output directory)"`
	DryRun      bool           `json:"dry_run,omitempty" jsonschema:"build and check the body, send nothing"`
}

func waitSecondsSchema(s *jsonschema.Schema, def float64) {
	s.Minimum, s.Maximum = ptr(0.0), ptr(float64(MaxWaitSeconds))
	s.Default = json.RawMessage(strconv.FormatFloat(def, 'f', -1, 64))
	s.Types, s.Type = nil, "number"
}

func submitTool() *mcp.Tool {
	return &mcp.Tool{Name: "submit_task", Title: "Submit a Novita task (paid)",
		Description: "Submit one task to Novita AI; this spends the user's balance. The params are checked against the " +
			"task's spec first: a wrong task or field name, a missing field or a value out of range is an error and " +
			"nothing is sent. Async tasks answer a task_id at once (or wait up to wait_seconds); call wait_task with it " +
			"until status is TASK_STATUS_SUCCEED or TASK_STATUS_FAILED. Sync tasks answer their outputs. Outputs are " +
			"saved under output_dir and returned as file paths.",
		Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(false), OpenWorldHint: ptr(true)},
		InputSchema: schemaFor[SubmitIn](func(s schema) { waitSecondsSchema(s.prop("wait_seconds"), 0) })}
}

func (s *Server) submit(ctx context.Context, req *mcp.CallToolRequest, in SubmitIn) (*mcp.CallToolResult, TaskOut, error) {
	out, err := s.submitTask(ctx, req, in)
	if err != nil {
		return nil, TaskOut{}, s.fail(err)
	}
	return &mcp.CallToolResult{Content: s.content(out)}, out, nil
}

// submitTask builds and checks the body exactly as `novita submit` does, then checks the outputs can
// be saved, then the server's limits, and only then sends.
func (s *Server) submitTask(ctx context.Context, mreq *mcp.CallToolRequest, in SubmitIn) (TaskOut, error) {
	bound, err := waitBound(in.WaitSeconds, 0)
	if err != nil {
		return TaskOut{}, err
	}
	t, err := s.task(in.Task)
	if err != nil {
		return TaskOut{}, err
	}
	bin, err := s.bodyInput(t, in.Params)
	if err != nil {
		return TaskOut{}, err
	}
	bin.NoFetch = in.DryRun
	req, err := body.Build(ctx, t, bin)
	if te := paramsError(t, err); te != nil {
		return TaskOut{}, te
	}
	if err != nil {
		return TaskOut{}, err
	}
	outs, err := s.outputs(in.OutputDir)
	if err != nil {
		return TaskOut{}, err
	}
	if err := outs.Template.Preflight(download.Check{Vars: download.Vars{Task: t.Name}}); err != nil {
		return TaskOut{}, err
	}
	if err := s.admit(t.Name, in.DryRun); err != nil {
		return TaskOut{}, err
	}
	if in.DryRun {
		return TaskOut{Task: t.Name, Status: "", DryRun: true, Request: body.Elide(req), Files: []FileOut{}, URLs: []URLOut{}}, nil
	}
	w := newWatcher(ctx, mreq)
	run, err := s.runner(w)
	if err != nil {
		return TaskOut{}, err
	}
	if t.Sync() {
		raw, err := body.Marshal(req)
		if err != nil {
			return TaskOut{}, err
		}
		doc, err := run.RunSync(ctx, lifecycle.SyncCall{Task: t, Body: raw, Request: req, Output: outs.Template.String(),
			Outputs: outs, Source: journal.SubmitterMCP})
		if doc == nil {
			return TaskOut{}, err
		}
		out := finished(doc, nowOf(run))
		out.Source, out.Warnings = journal.SubmitterMCP, w.warnings(s.cfg.Scrub)
		if err != nil {
			return out, err // the answer came, saving failed: the CLI's words say so
		}
		return out, nil
	}
	webhooks, hookAt := s.cfg.WebhookURL != "", ""
	if webhooks {
		hookAt = t.WebhookPath()
		body.SetWebhook(req, hookAt, s.cfg.WebhookURL)
	}
	raw, err := body.Marshal(req)
	if err != nil {
		return TaskOut{}, err
	}
	id, err := run.Submit(ctx, lifecycle.Submission{Task: t.Name, Endpoint: t.Endpoint, Body: raw,
		Output: outs.Template.String(), Source: journal.SubmitterMCP, WebhookPath: hookAt})
	if err != nil {
		return TaskOut{}, err
	}
	out := pending(id, t.Name, waiter.Progress{})
	if bound > 0 {
		out, err = s.step(ctx, run, w, step{id: id, task: t.Name, bound: bound, outs: outs, webhooks: webhooks, fresh: true})
	}
	out.Source, out.Warnings = journal.SubmitterMCP, w.warnings(s.cfg.Scrub)
	return out, err
}

// bodyInput turns an agent's params into what the body builder takes: file fields (as a path, an
// http(s) URL or a data: URI) go through the typed flag that encodes them, the rest is the --data
// layer. Paths are normalised first ("prompt" is request.prompt for a task whose fields live under
// request) and checked against the spec, so a misspelt field is refused with the closest names.
func (s *Server) bodyInput(t catalog.Task, params map[string]any) (body.Input, error) {
	in := body.Input{HTTPClient: s.cfg.HTTPClient, Flags: map[string]string{}, Lists: map[string][]string{}}
	data := map[string]any{}
	for k, v := range params {
		if err := jsonpath.Set(data, t.FullPath(k), v); err != nil {
			return in, &ToolError{Msg: "params." + k + ": " + err.Error(), Hint: "use the field names of describe_task's parameters"}
		}
	}
	if err := t.CheckFields(data); err != nil {
		var ue *catalog.UnknownFieldError
		if errors.As(err, &ue) {
			return in, &ToolError{Msg: err.Error() + "; nothing was sent", Hint: "call describe_task " + t.Name + " for its fields"}
		}
		return in, err
	}
	for _, f := range t.Flags {
		if !isFileFlag(f.Type) {
			continue
		}
		v, ok := jsonpath.Get(data, f.Path)
		if !ok {
			continue
		}
		switch x := v.(type) {
		case string:
			in.Flags[f.Flag] = x
		case []any:
			if f.Type != catalog.TypeFileList {
				continue
			}
			for _, e := range x {
				str, ok := e.(string)
				if !ok {
					return in, &ToolError{Msg: f.Path + ": each element is a file path, an http(s) URL or a data: URI"}
				}
				in.Lists[f.Flag] = append(in.Lists[f.Flag], str)
			}
		default:
			continue
		}
		remove(data, f.Path)
	}
	if len(data) > 0 {
		raw, err := json.Marshal(data)
		if err != nil {
			return in, err
		}
		in.Data = string(raw)
	}
	return in, nil
}

func isFileFlag(t catalog.ValueType) bool {
	switch t {
	case catalog.TypeImageBase64, catalog.TypeImageURLOrDataURI, catalog.TypeFileDataURI, catalog.TypeFileURL, catalog.TypeFileList:
		return true
	}
	return false
}

// remove deletes the field at a dot path without indexes (a typed flag's path).
func remove(data map[string]any, path string) {
	parent, name := data, path
	if i := strings.LastIndex(path, "."); i >= 0 {
		v, ok := jsonpath.Get(data, path[:i])
		m, isMap := v.(map[string]any)
		if !ok || !isMap {
			return
		}
		parent, name = m, path[i+1:]
	}
	delete(parent, name)
}

// outputs is where one call saves: output_dir (else the server's directory) with the -o template
// under it, made absolute so the paths returned work from anywhere. An absolute template is used as
// it is. Saving never replaces a file (the CLI's no-clobber rules); outputs already saved are
// recognised.
func (s *Server) outputs(dir string) (lifecycle.Outputs, error) {
	if dir == "" {
		dir = s.cfg.OutputDir
	}
	if s.cfg.WorkDir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(s.cfg.WorkDir, dir)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return lifecycle.Outputs{}, err
	}
	tmpl := s.cfg.OutputTemplate
	if tmpl == "" {
		tmpl = download.DefaultTemplate
	}
	if !filepath.IsAbs(tmpl) {
		tmpl = filepath.Join(dir, tmpl)
	}
	t, err := download.ParseTemplate(tmpl)
	if err != nil {
		return lifecycle.Outputs{}, err
	}
	return lifecycle.Outputs{Template: t}, nil
}
