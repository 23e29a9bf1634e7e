// Package mcpserver is the engine of `novita mcp`: Novita's media APIs as Model Context Protocol tools
// for AI agents (catalog, describe_task, submit_task, wait_task, get_task, list_tasks, list_models,
// get_balance). It knows nothing of cobra or the terminal: the command hands it the same task pipeline
// (pkg/lifecycle), journal, catalog and body builder every other command uses, and the words of the
// CLI's errors. Tools are task-shaped, because agent tool calls die after about a minute while video
// tasks take minutes: submit now, wait in bounded steps, resume by id. Outputs are saved to disk and
// returned as paths and resource links, never inline (thumbnails only when asked for).
package mcpserver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
)

// DefaultOutputDir is where outputs go when neither the tool call nor the config names a directory.
const DefaultOutputDir = "novita-outputs"

// Limits on a wait step: agents' tool calls time out after about a minute, so one call never waits
// longer than MaxWaitSeconds; wait_task waits DefaultWaitSeconds unless told otherwise.
const (
	MaxWaitSeconds     = 45
	DefaultWaitSeconds = 25
)

// Config is what the server is built from. Every function is called per tool call, so a missing key
// is a tool error for the tools that need one, not a server that will not start.
type Config struct {
	Name, Version string
	// Runner is the task pipeline with the user's key (cmd/internal/runner.New): its Client also answers the
	// model list and the balance. Its error (no key, a bad setting) is returned as a tool error.
	Runner func() (*lifecycle.Runner, error)
	// Journal is the task history; nil when there is none.
	Journal func() *journal.Journal
	// OutputDir is the default directory of saved outputs (config mcp.output_dir, else DefaultOutputDir);
	// OutputTemplate the -o template under it (config output, else download.DefaultTemplate).
	OutputDir, OutputTemplate string
	// WorkDir is where relative output directories resolve ("" the process's working directory).
	WorkDir string
	// Explain words an error as the CLI does (cmdutil.Explain): its message and hint, secrets scrubbed.
	Explain func(error) (msg, hint string)
	// Scrub removes secrets from any other text the server returns.
	Scrub func(string) string
	// HTTPClient fetches http(s) file inputs of a body (the same client the CLI uses).
	HTTPClient *http.Client
	// WebhookURL and Webhooks are the receiver kept open for the server's lifetime (hooks.Router):
	// submits ask for webhooks there and waits take them as signals. Empty and nil: waits poll.
	WebhookURL string
	Webhooks   <-chan *novita.TaskResult

	ReadOnly   bool     // no submit_task
	Allow      []string // canonical task names that may be submitted; empty: any
	MaxSubmits int      // submits per server lifetime; 0: no limit
	Thumbnails bool     // small inline thumbnails of saved images
}

// Server is one MCP server and what it keeps for its lifetime: the submit count and the webhook
// stream shared by every wait.
type Server struct {
	cfg     Config
	srv     *mcp.Server
	cat     *catalog.Catalog
	hooks   *fanout
	mu      sync.Mutex
	submits int
}

// New builds the server with its tools. Close it when done.
func New(cfg Config) (*Server, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	if cfg.Explain == nil {
		cfg.Explain = func(err error) (string, string) { return err.Error(), "" }
	}
	if cfg.Scrub == nil {
		cfg.Scrub = func(s string) string { return s }
	}
	if cfg.OutputDir == "" {
		cfg.OutputDir = DefaultOutputDir
	}
	s := &Server{cfg: cfg, cat: cat, hooks: newFanout(cfg.Webhooks)}
	s.srv = mcp.NewServer(&mcp.Implementation{Name: cfg.Name, Title: "Novita AI media APIs", Version: cfg.Version},
		&mcp.ServerOptions{Instructions: instructions})
	s.addTools()
	return s, nil
}

// MCP is the protocol server, to run on a transport.
func (s *Server) MCP() *mcp.Server { return s.srv }

// Close stops sharing webhooks; the receiver itself belongs to the caller.
func (s *Server) Close() { s.hooks.close() }

const instructions = `Novita AI's image, video and audio APIs. Call catalog to find a task, describe_task for its
parameters, then submit_task. Video tasks take minutes: submit_task returns a task_id at once (or after
wait_seconds), then call wait_task with that task_id until status is TASK_STATUS_SUCCEED or
TASK_STATUS_FAILED; each call waits at most 45 s and downloads the outputs when the task is done. Saved
files are returned as paths and file links; every task is kept in the local journal (list_tasks).`

// ToolError is a failed tool call in the CLI's words: the message and the hint on the next line.
type ToolError struct {
	Msg, Hint string
}

func (e *ToolError) Error() string {
	if e.Hint == "" {
		return e.Msg
	}
	return e.Msg + "\n" + e.Hint
}

// fail turns any error into the tool error an agent reads (the SDK marks it isError).
func (s *Server) fail(err error) error {
	var te *ToolError
	if errors.As(err, &te) {
		return &ToolError{Msg: s.cfg.Scrub(te.Msg), Hint: s.cfg.Scrub(te.Hint)}
	}
	msg, hint := s.cfg.Explain(err)
	var ee *download.ExistsError
	if errors.As(err, &ee) { // the CLI's advice names its flags; an agent has this tool's parameters
		hint = "give another output_dir: outputs are never overwritten here"
	}
	return &ToolError{Msg: msg, Hint: hint}
}

// NotAllowedError is a submit of a task outside the server's Allow list; the user who started the
// server can widen it.
type NotAllowedError struct {
	Task    string
	Allowed []string
}

func (e *NotAllowedError) Error() string {
	return fmt.Sprintf("%s may not be submitted: this server allows only %s", e.Task, strings.Join(e.Allowed, ", "))
}

// SubmitLimitError is a submit past the server's MaxSubmits; waits and reads still work.
type SubmitLimitError struct{ Max, Made int }

func (e *SubmitLimitError) Error() string {
	return fmt.Sprintf("submit limit reached: this server allows %d submits and has made %d", e.Max, e.Made)
}

// admit checks the server's limits for one submit of task and counts it: Allow, then MaxSubmits. A
// dry run is never counted.
func (s *Server) admit(task string, dryRun bool) error {
	if len(s.cfg.Allow) > 0 {
		allowed := false
		for _, a := range s.cfg.Allow {
			allowed = allowed || a == task
		}
		if !allowed {
			return &NotAllowedError{Task: task, Allowed: s.cfg.Allow}
		}
	}
	if dryRun {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.MaxSubmits > 0 && s.submits >= s.cfg.MaxSubmits {
		return &SubmitLimitError{Max: s.cfg.MaxSubmits, Made: s.submits}
	}
	s.submits++
	return nil
}

// waitBound turns wait_seconds into a duration, checking the range the schema states (clients may
// not validate).
func waitBound(secs *float64, def float64) (time.Duration, error) {
	v := def
	if secs != nil {
		v = *secs
	}
	if v < 0 || v > MaxWaitSeconds {
		return 0, &ToolError{Msg: fmt.Sprintf("wait_seconds %g is out of range: use 0 to %d", v, MaxWaitSeconds),
			Hint: "wait in steps: call wait_task again with the task_id to keep waiting"}
	}
	return time.Duration(v * float64(time.Second)), nil
}

// runner is the pipeline for one tool call, reporting to obs.
func (s *Server) runner(obs lifecycle.Observer) (*lifecycle.Runner, error) {
	r, err := s.cfg.Runner()
	if err != nil {
		return nil, err
	}
	cp := *r
	cp.Observer, cp.Stdout, cp.Progress = obs, nil, nil // stdout is the protocol's; no download bars
	return &cp, nil
}

func (s *Server) journal() *journal.Journal {
	if s.cfg.Journal == nil {
		return nil
	}
	return s.cfg.Journal()
}

// summary is the short text beside a structured result.
func (s *Server) summary(format string, args ...any) []mcp.Content {
	return []mcp.Content{&mcp.TextContent{Text: s.cfg.Scrub(fmt.Sprintf(format, args...))}}
}

// addTools registers every tool; submit_task only when the server may spend money.
func (s *Server) addTools() {
	mcp.AddTool(s.srv, catalogTool(), s.catalog)
	mcp.AddTool(s.srv, describeTool(), s.describe)
	if !s.cfg.ReadOnly {
		mcp.AddTool(s.srv, submitTool(), s.submit)
	}
	mcp.AddTool(s.srv, waitTool(), s.wait)
	mcp.AddTool(s.srv, getTool(), s.get)
	mcp.AddTool(s.srv, listTasksTool(), s.listTasks)
	mcp.AddTool(s.srv, listModelsTool(), s.listModels)
	mcp.AddTool(s.srv, balanceTool(), s.balance)
}

// readOnlyTool marks a tool that changes nothing anywhere.
func readOnlyTool(t *mcp.Tool) *mcp.Tool {
	t.Annotations = &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}
	return t
}

func ptr[T any](v T) *T { return &v }
