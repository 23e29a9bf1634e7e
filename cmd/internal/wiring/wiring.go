// Package wiring builds the factory of a real command line from its surroundings (cmd.Deps is Deps):
// the parts of it every command does not need, the in-process simulator behind --sandbox and the MCP
// transport, are wired here, so only the program's entry (package cmd) links them, not each command's
// tests (gh's pkg/cmd/factory/default.go, the factory type itself being in cmd/factory).
package wiring

import (
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// Deps is everything a command line takes from its surroundings (cmd.Deps is this type); tests
// replace any of it. The fields after the first group are test hooks: the commands read factory.Hooks
// (FromDeps hands them over as they are); the simulator's options and the MCP transport reach only
// what needs them.
type Deps struct {
	IO         *iostreams.IOStreams
	Getenv     func(string) string
	Build      factory.BuildInfo
	HTTPClient *http.Client // nil: one keeping connections alive (DefaultTransport)
	// Dir is the working directory relative paths are resolved in ("" = the process's own).
	Dir   string
	Clock clock.Clock // nil = the real clock

	// Test hooks.
	factory.Hooks
	SandboxOptions *sandbox.Options // the in-process simulator behind --sandbox
	// MCPTransport, when set, is where `novita mcp` serves instead of stdio (mcp.NewInMemoryTransports);
	// cmd/root hands it to the mcp command.
	MCPTransport mcp.Transport
}

// FromDeps is the factory of one command line run with d.
func FromDeps(d Deps) *factory.Factory {
	hc := d.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: DefaultTransport()}
	}
	f := New(d.IO, d.Getenv, d.Build, hc, d.SandboxOptions)
	f.WorkDir = d.Dir
	if d.Clock != nil {
		f.Clock = d.Clock
	}
	f.Test = d.Hooks
	return f
}

// New is factory.New with the in-process simulator wired in for --sandbox, run with opts (nil: tasks
// short enough to watch).
func New(ios *iostreams.IOStreams, getenv func(string) string, build factory.BuildInfo, hc *http.Client,
	opts *sandbox.Options) *factory.Factory {
	f := factory.New(ios, getenv, build, hc)
	f.StartSandbox = func() (string, string, func() error, error) {
		o := sandbox.Options{TaskDuration: defaultSandboxTaskDuration}
		if opts != nil {
			o = *opts
		}
		sb := sandbox.New(o)
		if err := sb.Start("127.0.0.1:0"); err != nil {
			return "", "", nil, err
		}
		return sb.URL(), sb.APIKey(), sb.Close, nil
	}
	return f
}

// defaultSandboxTaskDuration keeps --sandbox tasks short enough to watch.
const defaultSandboxTaskDuration = 2 * time.Second

// DefaultTransport keeps connections to the API and the output bucket alive between polls and files.
func DefaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = 60 * time.Second
	return t
}
