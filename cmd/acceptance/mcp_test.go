package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/mcpserver"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// tools/list is a golden file: a change to a tool's name, description or schema is a reviewed change
// (go test ./cmd/acceptance -run TestMCPToolsListGolden -update rewrites it).
func TestMCPToolsListGolden(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	a := c.startMCP()
	res, err := a.cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(res.Tools, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "mcp", "tools.golden.json")
	if *updateMCP {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("tools/list differs from %s (review the change, then run with -update):\n%s", path, got)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		if tool.OutputSchema == nil || tool.InputSchema == nil || tool.Description == "" {
			t.Errorf("%s lacks a description, an input or an output schema", tool.Name)
		}
	}
	if strings.Join(names, " ") != "catalog describe_task get_balance get_task list_models list_tasks submit_task wait_task" {
		t.Errorf("tools: %v", names)
	}
}

func TestMCPCatalogAndDescribeTask(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	a := c.startMCP()
	var cat mcpserver.CatalogOut
	a.ok("catalog", map[string]any{"kind": "video", "query": "kling"}, &cat)
	if len(cat.Tasks) == 0 {
		t.Fatal("no kling video task")
	}
	for _, task := range cat.Tasks {
		if task.Kind != "video" || !strings.Contains(strings.ToLower(task.Name+task.Summary), "kling") {
			t.Errorf("filtered catalog lists %+v", task)
		}
	}
	var d mcpserver.DescribeOut
	res := a.ok("describe_task", map[string]any{"task": "TXT2IMAGE"}, &d) // an alias, in another case
	if d.Name != "txt2img" || d.Mode != "async" || d.Kind != "image" || !strings.HasPrefix(d.SourcePage, "https://") {
		t.Errorf("describe_task: %+v", d)
	}
	req := d.Parameters["properties"].(map[string]any)["request"].(map[string]any)
	width := req["properties"].(map[string]any)["width"].(map[string]any)
	if width["type"] != "integer" || width["minimum"] != 128.0 || width["maximum"] != 2048.0 || width["default"] != 1024.0 {
		t.Errorf("request.width schema: %v", width)
	}
	if !strings.Contains(toJSON(req["required"]), "prompt") {
		t.Errorf("request.required = %v, want prompt in it", req["required"])
	}
	if toJSON(d.Example) != `{"request":{"prompt":"a lighthouse at dusk"}}` {
		t.Errorf("example: %s", toJSON(d.Example))
	}
	if !strings.Contains(text(res), "txt2img") {
		t.Errorf("summary: %s", text(res))
	}
	msg := a.fails("describe_task", map[string]any{"task": "txt2imgg"})
	if !strings.Contains(msg, "did you mean txt2img") || !strings.Contains(msg, "call catalog") {
		t.Errorf("unknown task: %s", msg)
	}
}

// A misspelt task or field is a tool error naming the fix, and nothing reaches the API.
func TestMCPSubmitTypoSendsNothing(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	a := c.startMCP()
	msg := a.fails("submit_task", map[string]any{"task": "txt2imgg", "params": map[string]any{"prompt": "a cat"}})
	if !strings.Contains(msg, "did you mean txt2img") {
		t.Errorf("task typo: %s", msg)
	}
	msg = a.fails("submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"promt": "a cat"}})
	if !strings.Contains(msg, "request.promt") || !strings.Contains(msg, "did you mean request.prompt") ||
		!strings.Contains(msg, "nothing was sent") || !strings.Contains(msg, "describe_task txt2img") {
		t.Errorf("field typo: %s", msg)
	}
	msg = a.fails("submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a cat", "width": 4000}})
	if !strings.Contains(msg, "params.width (request.width) must be between 128 and 2048") || strings.Contains(msg, "--width") {
		t.Errorf("out of range: %s", msg)
	}
	// An input the agent gave is named by its parameter, never by the command line's flag.
	msg = a.fails("submit_task", map[string]any{"task": "img2img", "params": map[string]any{"prompt": "a cat", "image_base64": "missing.png"}})
	if !strings.Contains(msg, "params.image_base64 (request.image_base64): cannot read file") || strings.Contains(msg, "--image") {
		t.Errorf("unreadable image: %s", msg)
	}
	var dry mcpserver.TaskOut
	a.ok("submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a cat"}, "dry_run": true}, &dry)
	if !dry.DryRun || toJSON(dry.Request["request"]) == "null" || !strings.Contains(toJSON(dry.Request), `"prompt":"a cat"`) {
		t.Errorf("dry run: %+v", dry)
	}
	for _, r := range sb.Requests() {
		if r.Method == http.MethodPost {
			t.Errorf("a request was sent: %s %s", r.Method, r.Path)
		}
	}
}

// A video task is submitted without waiting, then finished across several bounded wait_task calls:
// the sandbox's clock holds the task running until the test moves it on.
func TestMCPVideoTaskAcrossSeveralWaits(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	clk := clock.NewFake(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	sb := startSandbox(t, sandbox.Options{TaskDuration: 10 * time.Second, Now: clk.Now})
	c.useSandbox(sb)
	a := c.startMCP()
	var sub mcpserver.TaskOut
	res := a.ok("submit_task", map[string]any{"task": "kling-v1.6-t2v", "params": map[string]any{"prompt": "a paper boat on a river"}}, &sub)
	if sub.TaskID == "" || sub.Status != "TASK_STATUS_QUEUED" || sub.Next != "call wait_task with this task_id" || sub.Source != "mcp" {
		t.Fatalf("submit: %+v", sub)
	}
	if !strings.Contains(text(res), sub.TaskID) {
		t.Errorf("summary: %s", text(res))
	}
	clk.Advance(5 * time.Second) // halfway
	var step mcpserver.TaskOut
	// The fake clock holds the task running, so this wait always runs its whole budget: 3 s leaves a
	// loaded machine time for the first poll (with 0.3 s it could end on the journal's QUEUED).
	a.ok("wait_task", map[string]any{"task_id": sub.TaskID, "wait_seconds": 3}, &step, true)
	if step.Status != "TASK_STATUS_PROCESSING" || step.Next == "" || len(step.Files) != 0 {
		t.Fatalf("first step: %+v", step)
	}
	a.mu.Lock()
	notes := len(a.progress)
	a.mu.Unlock()
	if notes == 0 {
		t.Error("no progress notification while waiting with a progress token")
	}
	var look mcpserver.GetOut
	a.ok("get_task", map[string]any{"task_id": sub.TaskID}, &look)
	if !look.Journalled || look.Status != "TASK_STATUS_PROCESSING" || look.Prompt != "a paper boat on a river" || look.Source != "mcp" {
		t.Errorf("get_task while running: %+v", look)
	}
	clk.Advance(10 * time.Second)
	var done mcpserver.TaskOut
	res = a.ok("wait_task", map[string]any{"task_id": sub.TaskID, "wait_seconds": 10}, &done)
	if done.Status != "TASK_STATUS_SUCCEED" || len(done.Files) != 1 || done.Files[0].Kind != "video" || len(done.URLs) != 1 {
		t.Fatalf("last step: %+v", done)
	}
	f := done.Files[0]
	want := filepath.Join(c.dir, "novita-outputs", sub.TaskID, "video-1.mp4")
	if got, _ := filepath.EvalSymlinks(f.Path); got != want && f.Path != want {
		t.Errorf("saved to %s, want %s", f.Path, want)
	}
	if b := c.mustExist(f.Path); int64(len(b)) != f.Bytes || f.SHA256 == "" {
		t.Errorf("file %s: %d bytes on disk, %d reported", f.Path, len(b), f.Bytes)
	}
	ls := links(res)
	if len(ls) != 1 || !strings.HasPrefix(ls[0].URI, "file:///") || !strings.HasSuffix(ls[0].URI, "video-1.mp4") || ls[0].MIMEType != "video/mp4" {
		t.Errorf("resource links: %+v", ls)
	}
	// Again: the task is done and its file recognised, not downloaded twice nor refused as in the way.
	var again mcpserver.TaskOut
	a.ok("wait_task", map[string]any{"task_id": sub.TaskID, "wait_seconds": 0}, &again)
	if again.Status != "TASK_STATUS_SUCCEED" || len(again.Files) != 1 || again.Files[0].Path != f.Path {
		t.Errorf("waiting again: %+v", again)
	}
	var hist mcpserver.ListTasksOut
	a.ok("list_tasks", map[string]any{"query": "boat"}, &hist)
	if len(hist.Tasks) != 1 || hist.Tasks[0].TaskID != sub.TaskID || hist.Tasks[0].Source != "mcp" ||
		hist.Tasks[0].Status != "TASK_STATUS_SUCCEED" || len(hist.Tasks[0].Files) != 1 {
		t.Errorf("list_tasks: %+v", hist)
	}
	a.stop()
	r := c.run("tasks", "--json")
	if !strings.Contains(r.stdout, `"source":"mcp"`) {
		t.Errorf("the journal does not say the agent submitted it: %s", r.stdout)
	}
}

func TestMCPSyncTaskReturnsItsFiles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	a := c.startMCP("--thumbnails")
	var out mcpserver.TaskOut
	dir := filepath.Join(c.dir, "agent-out")
	res := a.ok("submit_task", map[string]any{"task": "flux-1-schnell", "params": map[string]any{"prompt": "a red kite"},
		"output_dir": dir}, &out)
	if out.Status != "TASK_STATUS_SUCCEED" || len(out.Files) != 1 || !strings.HasPrefix(out.Files[0].Path, dir) {
		t.Fatalf("sync submit: %+v", out)
	}
	c.mustExist(out.Files[0].Path)
	var images int
	for _, ct := range res.Content {
		if im, ok := ct.(*mcp.ImageContent); ok && im.MIMEType == "image/png" && len(im.Data) > 0 {
			images++
		}
	}
	if len(links(res)) != 1 || images != 1 {
		t.Errorf("want one link and one thumbnail with --thumbnails, got %d and %d", len(links(res)), images)
	}
	var hist mcpserver.ListTasksOut
	a.ok("list_tasks", map[string]any{"task": "flux-1-schnell"}, &hist)
	if len(hist.Tasks) != 1 || hist.Tasks[0].Source != "mcp" {
		t.Errorf("the synchronous call's journal entry: %+v", hist)
	}
}

// Without output_dir, outputs go to the config's mcp.output_dir (here from its variable), else to
// ./novita-outputs.
func TestMCPOutputDirFromTheConfig(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	if r := c.run("config", "set", "mcp.output_dir", "from-config"); r.code != 0 {
		t.Fatalf("config set: %s", r.stderr)
	}
	a := c.startMCP()
	var out mcpserver.TaskOut
	a.ok("submit_task", map[string]any{"task": "flux-1-schnell", "params": map[string]any{"prompt": "a kite"}}, &out)
	if len(out.Files) != 1 || !strings.HasPrefix(out.Files[0].Path, filepath.Join(c.dir, "from-config")+string(filepath.Separator)) {
		t.Errorf("saved to %+v, want under from-config", out.Files)
	}
	a.stop()
	b := c.startMCP("--output-dir", "from-flag")
	b.ok("submit_task", map[string]any{"task": "flux-1-schnell", "params": map[string]any{"prompt": "a kite"}}, &out)
	if len(out.Files) != 1 || !strings.HasPrefix(out.Files[0].Path, filepath.Join(c.dir, "from-flag")+string(filepath.Separator)) {
		t.Errorf("saved to %+v, want under from-flag (the flag wins over the config)", out.Files)
	}
}

// A task submitted by the command line is waited for by an agent: the journal knows it.
func TestMCPWaitsForATaskTheCLISubmitted(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	r := c.run("submit", "txt2img", "--prompt", "a lighthouse")
	if r.code != 0 {
		t.Fatalf("submit: %d %s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	a := c.startMCP()
	var out mcpserver.TaskOut
	a.ok("wait_task", map[string]any{"task_id": id, "wait_seconds": 20}, &out)
	if out.Status != "TASK_STATUS_SUCCEED" || out.Task != "txt2img" || len(out.Files) != 1 || out.Source != "" {
		t.Fatalf("wait_task: %+v", out)
	}
	c.mustExist(out.Files[0].Path)
}

func TestMCPModelsBalanceAndHistory(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	a := c.startMCP()
	var ms mcpserver.ListModelsOut
	a.ok("list_models", map[string]any{"type": "lora", "limit": 5}, &ms)
	if len(ms.Models) == 0 || len(ms.Models) > 5 {
		t.Fatalf("list_models: %+v", ms)
	}
	for _, m := range ms.Models {
		if m.Name == "" || m.Type == "" {
			t.Errorf("model %+v", m)
		}
	}
	var bal mcpserver.BalanceOut
	a.ok("get_balance", map[string]any{}, &bal)
	if !strings.HasPrefix(bal.AvailableUSD, "$") || len(bal.Lines) < 2 {
		t.Errorf("get_balance: %+v", bal)
	}
	var hist mcpserver.ListTasksOut
	a.ok("list_tasks", map[string]any{}, &hist)
	if len(hist.Tasks) != 0 {
		t.Errorf("empty history: %+v", hist)
	}
	if msg := a.fails("list_tasks", map[string]any{"status": "DONE"}); !strings.Contains(msg, "status") {
		t.Errorf("bad status: %s", msg)
	}
	if msg := a.fails("get_task", map[string]any{"task_id": "no-such-task"}); !strings.Contains(msg, "novita tasks lists") {
		t.Errorf("unknown task: %s", msg)
	}
	if msg := a.fails("wait_task", map[string]any{"task_id": "x", "wait_seconds": 60}); !strings.Contains(msg, "wait_seconds") {
		t.Errorf("wait bound: %s", msg)
	}
}

func TestMCPLimits(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)

	ro := c.startMCP("--read-only")
	res, err := ro.cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		if tool.Name == "submit_task" {
			t.Error("--read-only still offers submit_task")
		}
	}
	ro.stop()

	a := c.startMCP("--allow", "TXT2IMAGE,flux-1-schnell", "--max-submits", "1")
	if msg := a.fails("submit_task", map[string]any{"task": "kling-v1.6-t2v", "params": map[string]any{"prompt": "x"}}); !strings.Contains(msg, "allows only txt2img, flux-1-schnell") ||
		!strings.Contains(msg, "ask the user to restart novita mcp with --allow including kling-v1.6-t2v") {
		t.Errorf("--allow: %s", msg)
	}
	a.ok("submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a"}, "dry_run": true}, nil) // not counted
	a.ok("submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a"}}, nil)
	if msg := a.fails("submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "b"}}); !strings.Contains(msg, "submit limit reached") ||
		!strings.Contains(msg, "--max-submits sets the limit") {
		t.Errorf("--max-submits: %s", msg)
	}
	posts := 0
	for _, r := range sb.Requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d submits reached the API, want 1", posts)
	}

	if r := c.run("mcp", "--allow", "txt2imgg"); r.code != 2 || !strings.Contains(r.stderr, "did you mean txt2img") {
		t.Errorf("--allow typo: %d %s", r.code, r.stderr)
	}
	if r := c.run("mcp", "--http", "0.0.0.0:8765"); r.code != 2 || !strings.Contains(r.stderr, "loopback") {
		t.Errorf("--http on every interface: %d %s", r.code, r.stderr)
	}
}

// The API key never appears in an answer or on stderr, not even in an error about the key.
func TestMCPNeverShowsTheKey(t *testing.T) {
	t.Parallel()
	const key = "sk-agent-secret-0123456789abcdef"
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{APIKey: key})
	c.useSandbox(sb)
	a := c.startMCP()
	a.ok("submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a cat"}, "wait_seconds": 20}, nil)
	a.ok("get_balance", map[string]any{}, nil)
	stderr := a.stop()

	c.env["NOVITA_API_KEY"] = key + "-wrong"
	b := c.startMCP()
	msg := b.fails("get_balance", map[string]any{})
	if !strings.Contains(msg, "check the key") {
		t.Errorf("a refused key's tool error lacks the CLI's hint: %s", msg)
	}
	stderr += b.stop()
	delete(c.env, "NOVITA_API_KEY")
	d := c.startMCP()
	if msg := d.fails("get_balance", map[string]any{}); !strings.Contains(msg, "no API key") || !strings.Contains(msg, "NOVITA_API_KEY") {
		t.Errorf("no key: %s", msg)
	}
	for _, s := range append(append(a.raw, b.raw...), stderr) {
		if strings.Contains(s, key) {
			t.Errorf("the key appears in: %s", s)
		}
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// With a tunnel (here local, as the API is on loopback) the server keeps one receiver for its
// lifetime: every submit asks for webhooks at the same URL, and the waits are woken by them.
func TestMCPKeepsOneReceiverForWebhooks(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	a := c.startMCP()
	for _, prompt := range []string{"a fox", "an owl"} {
		var out mcpserver.TaskOut
		a.ok("submit_task", map[string]any{"task": "txt2img", "params": map[string]any{"prompt": prompt}, "wait_seconds": 20}, &out)
		if out.Status != "TASK_STATUS_SUCCEED" {
			t.Fatalf("submit_task: %+v", out)
		}
	}
	hooks := map[string]bool{}
	for _, r := range sb.Requests() {
		if r.Method != http.MethodPost {
			continue
		}
		var body struct {
			Extra struct {
				Webhook struct {
					URL string `json:"url"`
				} `json:"webhook"`
			} `json:"extra"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil || body.Extra.Webhook.URL == "" {
			t.Errorf("a submit without a webhook: %s", r.Body)
		}
		hooks[body.Extra.Webhook.URL] = true
	}
	if len(hooks) != 1 {
		t.Errorf("webhook URLs: %v, want the one receiver's", hooks)
	}
	delivered := 0
	for deadline := time.Now().Add(10 * time.Second); delivered == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, w := range sb.Webhooks() {
			if w.StatusCode/100 == 2 {
				delivered++
			}
		}
	}
	if delivered == 0 {
		t.Error("no webhook reached the server's receiver")
	}
	if stderr := a.stop(); !strings.Contains(stderr, "webhook receiver ready") {
		t.Errorf("stderr: %s", stderr)
	}
}
