package mcpserver

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/catalog"
)

// CatalogIn is the input of the catalog tool.
type CatalogIn struct {
	Query string `json:"query,omitempty" jsonschema:"words to look for in task names, aliases and summaries (all must match; any case)"`
	Kind  string `json:"kind,omitempty" jsonschema:"only tasks whose output is of this kind: image, video, audio or text"`
}

// CatalogOut is the catalog tool's result.
type CatalogOut struct {
	Tasks []TaskEntry `json:"tasks"`
}

// TaskEntry is one task of the catalog.
type TaskEntry struct {
	Name    string   `json:"name" jsonschema:"the name to pass to describe_task and submit_task"`
	Kind    string   `json:"kind" jsonschema:"output kind: image, video, audio or text"`
	Mode    string   `json:"mode" jsonschema:"async (a task id, then wait_task) or sync (the outputs come with the answer)"`
	Summary string   `json:"summary"`
	Aliases []string `json:"aliases"`
}

func catalogTool() *mcp.Tool {
	return readOnlyTool(&mcp.Tool{Name: "catalog", Title: "Find a Novita task",
		Description: "List the Novita AI tasks (endpoints) this server can submit, with one-line summaries. " +
			"Filter with query (e.g. \"video\", \"remove background\") and kind. Then call describe_task for a task's parameters.",
		InputSchema: schemaFor[CatalogIn](func(s schema) { s.prop("kind").Enum = kindEnum() })})
}

func kindEnum() []any {
	return []any{catalog.OutputImage, catalog.OutputVideo, catalog.OutputAudio, catalog.OutputText}
}

func (s *Server) catalog(_ context.Context, _ *mcp.CallToolRequest, in CatalogIn) (*mcp.CallToolResult, CatalogOut, error) {
	out := CatalogOut{Tasks: []TaskEntry{}}
	words := strings.Fields(strings.ToLower(in.Query))
	for _, h := range s.cat.Headers() {
		if in.Kind != "" && !strings.EqualFold(h.Kind, in.Kind) {
			continue
		}
		text := strings.ToLower(h.Name + " " + strings.Join(h.Aliases, " ") + " " + h.Summary + " " + h.Kind)
		match := true
		for _, w := range words {
			match = match && strings.Contains(text, w)
		}
		if !match {
			continue
		}
		e := TaskEntry{Name: h.Name, Kind: h.Kind, Mode: string(h.Mode), Summary: h.Summary, Aliases: h.Aliases}
		if e.Aliases == nil {
			e.Aliases = []string{}
		}
		out.Tasks = append(out.Tasks, e)
	}
	var names []string
	for _, t := range out.Tasks {
		names = append(names, t.Name)
	}
	if len(names) == 0 {
		return &mcp.CallToolResult{Content: s.summary("no task matches; call catalog without a query to list them all")}, out, nil
	}
	return &mcp.CallToolResult{Content: s.summary("%d tasks: %s", len(names), strings.Join(names, ", "))}, out, nil
}

// DescribeIn is the input of describe_task.
type DescribeIn struct {
	Task string `json:"task" jsonschema:"a task name or alias from catalog (any letter case)"`
}

// DescribeOut is one task: what submit_task takes and what it gives back.
type DescribeOut struct {
	Name       string         `json:"name"`
	Aliases    []string       `json:"aliases"`
	Mode       string         `json:"mode" jsonschema:"async: submit_task returns a task_id to wait for; sync: the outputs come with the answer"`
	Kind       string         `json:"kind" jsonschema:"output kind: image, video, audio or text"`
	Summary    string         `json:"summary"`
	Endpoint   string         `json:"endpoint"`
	SourcePage string         `json:"source_page,omitempty" jsonschema:"Novita's reference page for this endpoint"`
	Notes      string         `json:"notes,omitempty"`
	Parameters map[string]any `json:"parameters" jsonschema:"JSON Schema of the params object of submit_task"`
	Example    map[string]any `json:"example" jsonschema:"a minimal params object for submit_task"`
}

func describeTool() *mcp.Tool {
	return readOnlyTool(&mcp.Tool{Name: "describe_task", Title: "Describe a Novita task",
		Description: "One task's parameters as JSON Schema (types, enums, ranges, defaults, required), whether it is " +
			"async or sync, its output kind, its reference page and a minimal params example for submit_task.",
		InputSchema: schemaFor[DescribeIn](nil)})
}

func (s *Server) describe(_ context.Context, _ *mcp.CallToolRequest, in DescribeIn) (*mcp.CallToolResult, DescribeOut, error) {
	t, err := s.task(in.Task)
	if err != nil {
		return nil, DescribeOut{}, s.fail(err)
	}
	out := DescribeOut{Name: t.Name, Aliases: t.Aliases, Mode: string(t.Mode), Kind: t.OutputKind, Summary: t.Description,
		Endpoint: t.Path, SourcePage: t.Docs, Notes: strings.TrimSpace(t.Notes), Parameters: paramsSchema(t), Example: Example(t)}
	if out.Aliases == nil {
		out.Aliases = []string{}
	}
	next := "submit_task returns a task_id; then call wait_task"
	if t.Sync() {
		next = "submit_task returns its outputs at once"
	}
	return &mcp.CallToolResult{Content: s.summary("%s (%s, %s output): %s; %d parameters; %s",
		t.Name, t.Mode, t.OutputKind, t.Description, len(t.Params), next)}, out, nil
}

// task resolves a name or alias, in any case, to a catalog task: a name the catalog does not know is
// a tool error naming the closest tasks (nothing is ever posted to an endpoint an agent guessed).
func (s *Server) task(name string) (catalog.Task, error) {
	if c, ok := s.cat.Canonical(name); ok {
		return s.cat.Resolve(c)
	}
	msg := fmt.Sprintf("%q is not a Novita task this server knows", name)
	if close := s.cat.Suggest(name); len(close) > 0 {
		msg += "; did you mean " + strings.Join(close, " or ") + "?"
	}
	return catalog.Task{}, &ToolError{Msg: msg, Hint: "call catalog to list the tasks"}
}
