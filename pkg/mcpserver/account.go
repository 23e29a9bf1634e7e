package mcpserver

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/models"
	"github.com/novita-cli/novita/pkg/novita"
)

// ListTasksIn is the input of list_tasks: the history search of `novita tasks`.
type ListTasksIn struct {
	Query  string `json:"query,omitempty" jsonschema:"words every prompt must contain (full-text; fox* matches a prefix)"`
	Status string `json:"status,omitempty" jsonschema:"only tasks with this status: SUCCEED, FAILED, QUEUED or PROCESSING"`
	Task   string `json:"task,omitempty" jsonschema:"only tasks of this task name or alias"`
	Limit  int    `json:"limit,omitempty" jsonschema:"at most this many tasks, newest first (1 to 200; default 20)"`
}

// ListTasksOut is the tasks found, newest first.
type ListTasksOut struct {
	Tasks []TaskRow `json:"tasks"`
}

// TaskRow is one task of the history.
type TaskRow struct {
	TaskID      string    `json:"task_id"`
	Task        string    `json:"task"`
	Status      string    `json:"status"`
	Reason      string    `json:"reason,omitempty"`
	SubmittedAt string    `json:"submitted_at"`
	Prompt      string    `json:"prompt,omitempty"`
	Source      string    `json:"source,omitempty" jsonschema:"mcp when an agent submitted it, empty for the command line"`
	Files       []FileOut `json:"files"`
}

const (
	defaultListLimit = 20
	maxListLimit     = 200
)

func listTasksTool() *mcp.Tool {
	return readOnlyTool(&mcp.Tool{Name: "list_tasks", Title: "Search the task history",
		Description: "Search the tasks submitted from this machine (by agents and by the novita command line), newest " +
			"first: by prompt words, status and task. Use a task_id with get_task or wait_task.",
		InputSchema: schemaFor[ListTasksIn](func(s schema) {
			s.prop("status").Enum = []any{"SUCCEED", "FAILED", "QUEUED", "PROCESSING"}
			s.prop("limit").Minimum, s.prop("limit").Maximum = ptr(1.0), ptr(float64(maxListLimit))
		})})
}

func (s *Server) listTasks(ctx context.Context, _ *mcp.CallToolRequest, in ListTasksIn) (*mcp.CallToolResult, ListTasksOut, error) {
	out, err := s.history(ctx, in)
	if err != nil {
		return nil, ListTasksOut{}, s.fail(err)
	}
	return &mcp.CallToolResult{Content: s.summary("%d tasks", len(out.Tasks))}, out, nil
}

func (s *Server) history(ctx context.Context, in ListTasksIn) (ListTasksOut, error) {
	q := journal.Query{Text: strings.TrimSpace(in.Query), Limit: in.Limit}
	if q.Limit <= 0 {
		q.Limit = defaultListLimit
	}
	q.Limit = min(q.Limit, maxListLimit)
	if in.Status != "" {
		st, err := novita.ParseStatus(in.Status)
		if err != nil {
			return ListTasksOut{}, &ToolError{Msg: fmt.Sprintf("status %q: use SUCCEED, FAILED, QUEUED or PROCESSING", in.Status)}
		}
		q.Status = []string{string(st)}
	}
	if in.Task != "" {
		q.Task = strings.TrimSpace(in.Task)
		if c, ok := s.cat.Canonical(q.Task); ok { // the journal records canonical names
			q.Task = c
		}
	}
	out := ListTasksOut{Tasks: []TaskRow{}}
	j := s.journal()
	if j == nil {
		return out, nil
	}
	ts, err := j.List(ctx, q)
	if err != nil {
		return ListTasksOut{}, err
	}
	for _, t := range ts {
		out.Tasks = append(out.Tasks, TaskRow{TaskID: t.ID, Task: t.Name, Status: t.Status, Reason: t.Reason,
			SubmittedAt: t.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z"), Prompt: t.Prompt, Source: t.Source,
			Files: savedFiles(t.Files)})
	}
	return out, nil
}

// ListModelsIn is the input of list_models.
type ListModelsIn struct {
	Query string `json:"query,omitempty" jsonschema:"words to look for in model names and tags"`
	Type  string `json:"type,omitempty" jsonschema:"only models of this type"`
	Limit int    `json:"limit,omitempty" jsonschema:"at most this many models (1 to 100; default 20)"`
}

// ListModelsOut is one page of Novita's model list, unavailable models left out.
type ListModelsOut struct {
	Models []ModelRow `json:"models"`
	More   bool       `json:"more" jsonschema:"more models match than were listed: narrow the query"`
}

// ModelRow is one model.
type ModelRow struct {
	Name      string   `json:"name" jsonschema:"what goes in a request (model_name, loras[].model_name, ...)"`
	Title     string   `json:"title"`
	Type      string   `json:"type"`
	BaseModel string   `json:"base_model,omitempty"`
	SDXL      bool     `json:"sdxl"`
	Tags      []string `json:"tags"`
}

func listModelsTool() *mcp.Tool {
	return readOnlyTool(&mcp.Tool{Name: "list_models", Title: "Find Novita models",
		Description: "Search Novita's models (checkpoints, LoRAs, VAEs, ControlNets, upscalers, embeddings) for the names " +
			"to use in requests, such as request.model_name of txt2img.",
		InputSchema: schemaFor[ListModelsIn](func(s schema) {
			var types []any
			for _, t := range novita.ModelTypes() {
				types = append(types, t)
			}
			s.prop("type").Enum = types
			s.prop("limit").Minimum, s.prop("limit").Maximum = ptr(1.0), ptr(float64(novita.MaxModelPageSize))
		})})
}

func (s *Server) listModels(ctx context.Context, _ *mcp.CallToolRequest, in ListModelsIn) (*mcp.CallToolResult, ListModelsOut, error) {
	out, err := s.models(ctx, in)
	if err != nil {
		return nil, ListModelsOut{}, s.fail(err)
	}
	names := make([]string, len(out.Models))
	for i, m := range out.Models {
		names[i] = m.Name
	}
	return &mcp.CallToolResult{Content: s.summary("%d models: %s", len(names), strings.Join(names, ", "))}, out, nil
}

func (s *Server) models(ctx context.Context, in ListModelsIn) (ListModelsOut, error) {
	limit := in.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	q, err := novita.ModelQuery{Query: strings.TrimSpace(in.Query), Types: in.Type, Limit: min(limit, novita.MaxModelPageSize)}.Normalize()
	if err != nil {
		return ListModelsOut{}, err
	}
	run, err := s.runner(nil)
	if err != nil {
		return ListModelsOut{}, err
	}
	page, err := run.Client.ListModels(ctx, q)
	if err != nil {
		return ListModelsOut{}, err
	}
	out := ListModelsOut{Models: []ModelRow{}, More: page.NextCursor != ""}
	for _, m := range models.HideUnavailable(page.Models) {
		row := ModelRow{Name: m.APIName(), Title: m.Name, Type: m.Type.Name, BaseModel: m.BaseModel, SDXL: m.SDXL(), Tags: m.Tags}
		if row.Tags == nil {
			row.Tags = []string{}
		}
		out.Models = append(out.Models, row)
	}
	return out, nil
}

// BalanceIn is get_balance's (empty) input.
type BalanceIn struct{}

// BalanceOut is the account's balance in USD.
type BalanceOut struct {
	AvailableUSD string        `json:"available_usd" jsonschema:"what the account can spend now"`
	Lines        []BalanceLine `json:"lines"`
}

// BalanceLine is one labelled amount.
type BalanceLine struct {
	Label string `json:"label"`
	USD   string `json:"usd"`
}

func balanceTool() *mcp.Tool {
	return readOnlyTool(&mcp.Tool{Name: "get_balance", Title: "Novita account balance",
		Description: "The Novita account's balance in USD: what it can spend now, the remaining top-up, the credit limit " +
			"and outstanding invoices. Check it before submitting expensive tasks.",
		InputSchema: schemaFor[BalanceIn](nil)})
}

func (s *Server) balance(ctx context.Context, _ *mcp.CallToolRequest, _ BalanceIn) (*mcp.CallToolResult, BalanceOut, error) {
	run, err := s.runner(nil)
	if err != nil {
		return nil, BalanceOut{}, s.fail(err)
	}
	bal, err := run.Client.Balance(ctx)
	if err != nil {
		return nil, BalanceOut{}, s.fail(err)
	}
	out := BalanceOut{AvailableUSD: bal.Available.USD(), Lines: []BalanceLine{}}
	for _, l := range bal.Lines() {
		out.Lines = append(out.Lines, BalanceLine{Label: l.Label, USD: l.Amount.USD()})
	}
	return &mcp.CallToolResult{Content: s.summary("available: %s", out.AvailableUSD)}, out, nil
}
