package acceptance

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/mcpserver"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// The real binary (releaseBinary) serves an agent over its stdin and stdout: stdout carries nothing but
// the protocol, and a task goes from submit to a saved file.
func TestMCPOverStdioWithTheRealBinary(t *testing.T) {
	t.Parallel()
	bin := realBinary(t)
	const key = "sk-stdio-secret-abcdef0123456789"
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{APIKey: key}))
	cmd := exec.Command(bin, "mcp", "--max-submits", "2")
	cmd.Dir = c.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	client := mcp.NewClient(&mcp.Implementation{Name: "stdio-agent", Version: "1"}, nil)
	cs, err := client.Connect(context.Background(), &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, stderr.String())
	}
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil || len(tools.Tools) != 8 {
		t.Fatalf("tools/list: %v %v", err, tools)
	}
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "submit_task",
		Arguments: map[string]any{"task": "txt2img", "params": map[string]any{"prompt": "a lighthouse"}, "wait_seconds": 30}})
	if err != nil || res.IsError {
		t.Fatalf("submit_task: %v %s", err, text(res))
	}
	var out mcpserver.TaskOut
	decode(t, res, &out)
	if out.Status != "TASK_STATUS_SUCCEED" || len(out.Files) != 1 {
		t.Fatalf("submit_task: %+v", out)
	}
	c.mustExist(out.Files[0].Path)
	if err := cs.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if strings.Contains(stderr.String(), key) {
		t.Errorf("the key is on stderr: %s", stderr.String())
	}
}

// --http serves streamable HTTP on loopback, and only to a client with the token.
func TestMCPOverHTTPNeedsTheToken(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	ready := make(chan [2]string, 1)
	c.deps.MCPReady = ready
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- c.runCtx(ctx, "mcp", "--http", "127.0.0.1:0") }()
	var srv [2]string
	select {
	case srv = <-ready:
	case r := <-done:
		t.Fatalf("mcp --http ended: %d %s", r.code, r.stderr)
	}
	resp, err := http.Post(srv[0], "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", resp.StatusCode)
	}
	hc := &http.Client{Transport: bearer{token: srv[1]}}
	client := mcp.NewClient(&mcp.Implementation{Name: "http-agent", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: srv[0], HTTPClient: hc, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatalf("connect with the token: %v", err)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "catalog", Arguments: map[string]any{"kind": "audio"}})
	if err != nil || res.IsError {
		t.Fatalf("catalog over HTTP: %v %v", err, res)
	}
	_ = cs.Close()
	cancel()
	select {
	case r := <-done:
		if r.code != 0 || !strings.Contains(r.stderr, "Authorization: Bearer") {
			t.Errorf("mcp --http: %d %s", r.code, r.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("mcp --http did not stop")
	}
	hc.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
}

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func decode(t *testing.T, res *mcp.CallToolResult, out any) {
	t.Helper()
	b := []byte(toJSON(res.StructuredContent))
	if err := jsonUnmarshal(b, out); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
}
