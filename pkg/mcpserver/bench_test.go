package mcpserver

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/waiter"
)

// connect serves a Server on the SDK's in-memory transport against an in-process sandbox and a fresh
// journal, and returns a connected client session.
func connect(tb testing.TB) *mcp.ClientSession {
	tb.Helper()
	sb := sandbox.New(sandbox.Options{TaskDuration: 50 * time.Millisecond})
	if err := sb.Start("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sb.Close() })
	dir := tb.TempDir()
	j := journal.Open(dir)
	tb.Cleanup(func() { j.Close() })
	hc := &http.Client{}
	tb.Cleanup(hc.CloseIdleConnections)
	client := novita.NewClient(sb.URL(), sb.APIKey(), "bench")
	client.HTTPClient = hc
	sched := waiter.Schedule{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond, Growth: 1.5,
		SafetyMin: 50 * time.Millisecond, SafetyMax: 100 * time.Millisecond, First: 10 * time.Millisecond, FirstSafe: 50 * time.Millisecond}
	srv, err := New(Config{Name: "novita", Version: "bench", OutputDir: dir,
		Runner: func() (*lifecycle.Runner, error) {
			return &lifecycle.Runner{Client: client, BaseURL: sb.URL(), Journal: j, HTTP: hc, Schedule: sched}, nil
		},
		Journal: func() *journal.Journal { return j }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Close)
	ct, st := mcp.NewInMemoryTransports()
	ss, err := srv.MCP().Connect(context.Background(), st, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cs.Close() })
	return cs
}

func call(tb testing.TB, cs *mcp.ClientSession, name string, args map[string]any) *mcp.CallToolResult {
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil || res.IsError {
		tb.Fatalf("%s: %v %v", name, err, res)
	}
	return res
}

// BenchmarkDescribeTask is a whole tool call in-process: the request through the in-memory
// transport, the spec to JSON Schema, output validation, the answer back.
func BenchmarkDescribeTask(b *testing.B) {
	cs := connect(b)
	args := map[string]any{"task": "txt2img"}
	b.ReportAllocs()
	for b.Loop() {
		call(b, cs, "describe_task", args)
	}
}

// BenchmarkGetTask is a get_task call: one journal read and one task-result read from the sandbox
// over loopback HTTP.
func BenchmarkGetTask(b *testing.B) {
	cs := connect(b)
	res := call(b, cs, "submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a cat"}, "wait_seconds": 10})
	id := res.StructuredContent.(map[string]any)["task_id"].(string)
	args := map[string]any{"task_id": id}
	b.ReportAllocs()
	for b.Loop() {
		call(b, cs, "get_task", args)
	}
}

// The engine works on its own, without the command: a task submitted and waited for in one call.
func TestSubmitAndGetInProcess(t *testing.T) {
	cs := connect(t)
	res := call(t, cs, "submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a cat"}, "wait_seconds": 10})
	out := res.StructuredContent.(map[string]any)
	if out["status"] != "TASK_STATUS_SUCCEED" || len(out["files"].([]any)) != 1 {
		t.Fatalf("submit_task: %v", out)
	}
	got := call(t, cs, "get_task", map[string]any{"task_id": out["task_id"]}).StructuredContent.(map[string]any)
	if got["journalled"] != true || got["status"] != "TASK_STATUS_SUCCEED" || got["source"] != "mcp" {
		t.Errorf("get_task: %v", got)
	}
}

// A task is named as in the CLI: get_task and wait_task take a unique id prefix (6+ characters) and
// answer with the full id.
func TestGetAndWaitTakeAnIDPrefix(t *testing.T) {
	cs := connect(t)
	res := call(t, cs, "submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a cat"}, "wait_seconds": 10})
	id := res.StructuredContent.(map[string]any)["task_id"].(string)
	for _, tool := range []string{"get_task", "wait_task"} {
		got := call(t, cs, tool, map[string]any{"task_id": id[:8]})
		out, _ := got.StructuredContent.(map[string]any)
		if got.IsError || out["task_id"] != id || out["status"] != "TASK_STATUS_SUCCEED" {
			t.Errorf("%s with the prefix %s: %v %v", tool, id[:8], out, got.Content)
		}
	}
}
