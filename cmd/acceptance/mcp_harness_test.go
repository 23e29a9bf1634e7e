package acceptance

import (
	"context"
	"encoding/json"
	"flag"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/cmd"
	"github.com/novita-cli/novita/pkg/iostreams"
)

var updateMCP = flag.Bool("update", false, "rewrite testdata/mcp/*.golden.json from the current output")

// agent is an MCP client connected to `novita mcp`, run through the real command line in-process over
// the SDK's in-memory transport.
type agent struct {
	t    *testing.T
	cs   *mcp.ClientSession
	done chan result

	mu       sync.Mutex
	progress []*mcp.ProgressNotificationParams
	raw      []string // every result as JSON, for the redaction checks
	stderr   string
}

// startMCP runs `novita mcp args...` and connects a client to it; the server stops when the test ends.
func (c *cli) startMCP(args ...string) *agent {
	c.t.Helper()
	ct, st := mcp.NewInMemoryTransports()
	d := c.deps
	d.MCPTransport = st
	env := map[string]string{}
	for k, v := range c.env {
		env[k] = v
	}
	a := &agent{t: c.t, done: make(chan result, 1)}
	go func() {
		ios, _, out, errOut := iostreams.Test()
		d.IO, d.Getenv = ios, func(k string) string { return env[k] }
		code := cmd.Run(context.Background(), append([]string{"mcp"}, args...), &d)
		a.done <- result{code: code, stdout: out.String(), stderr: errOut.String()}
	}()
	client := mcp.NewClient(&mcp.Implementation{Name: "test-agent", Version: "1"}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			a.mu.Lock()
			a.progress = append(a.progress, req.Params)
			a.mu.Unlock()
		}})
	cs, err := client.Connect(context.Background(), ct, nil)
	if err != nil {
		c.t.Fatalf("connect: %v", err)
	}
	a.cs = cs
	c.t.Cleanup(func() { a.stop() })
	return a
}

// stop closes the client and returns what the server printed on stderr; the command ends with 0.
func (a *agent) stop() string {
	a.t.Helper()
	if a.cs != nil {
		_ = a.cs.Close()
		a.cs = nil
		r := <-a.done
		if r.code != 0 {
			a.t.Errorf("novita mcp exited %d: %s", r.code, r.stderr)
		}
		a.stderr = r.stderr
	}
	return a.stderr
}

// call calls a tool; progress asks for progress notifications.
func (a *agent) call(name string, args map[string]any, progress ...bool) *mcp.CallToolResult {
	a.t.Helper()
	p := &mcp.CallToolParams{Name: name, Arguments: args}
	if len(progress) > 0 && progress[0] {
		p.SetProgressToken("tok-" + name)
	}
	res, err := a.cs.CallTool(context.Background(), p)
	if err != nil {
		a.t.Fatalf("%s: protocol error %v", name, err)
	}
	b, _ := json.Marshal(res)
	a.mu.Lock()
	a.raw = append(a.raw, string(b))
	a.mu.Unlock()
	return res
}

// ok calls a tool that must succeed and decodes its structured content into out.
func (a *agent) ok(name string, args map[string]any, out any, progress ...bool) *mcp.CallToolResult {
	a.t.Helper()
	res := a.call(name, args, progress...)
	if res.IsError {
		a.t.Fatalf("%s(%v): tool error: %s", name, args, text(res))
	}
	if res.StructuredContent == nil {
		a.t.Fatalf("%s: no structured content", name)
	}
	if out != nil {
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s: structured content %s: %v", name, b, err)
		}
	}
	return res
}

// fails calls a tool that must fail with a tool error (isError), and returns its text.
func (a *agent) fails(name string, args map[string]any) string {
	a.t.Helper()
	res := a.call(name, args)
	if !res.IsError {
		a.t.Fatalf("%s(%v) succeeded, want a tool error: %s", name, args, text(res))
	}
	return text(res)
}

func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func links(res *mcp.CallToolResult) []*mcp.ResourceLink {
	var out []*mcp.ResourceLink
	for _, c := range res.Content {
		if l, ok := c.(*mcp.ResourceLink); ok {
			out = append(out, l)
		}
	}
	return out
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
