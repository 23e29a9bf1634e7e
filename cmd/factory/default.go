package factory

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Deps is everything a command line takes from its surroundings (cmd.Deps is this type); tests
// replace any of it. The fields after the first group are test hooks, stated here only: the factory
// keeps them (Factory.Test) for the commands that read them.
type Deps struct {
	IO         *iostreams.IOStreams
	Getenv     func(string) string
	Build      BuildInfo
	HTTPClient *http.Client // nil: one keeping connections alive (DefaultTransport)
	// Dir is the working directory relative paths are resolved in ("" = the process's own).
	Dir   string
	Clock clock.Clock // nil = the real clock

	// Test hooks.
	Schedule             *waiter.Schedule
	SandboxOptions       *sandbox.Options // the in-process simulator behind --sandbox
	NgrokConnectURL      string
	NgrokRootCAs         *x509.CertPool
	TunnelConnectTimeout time.Duration
	// NgrokHeartbeatInterval shortens the ngrok heartbeat (0 = production's), so closing a tunnel
	// does not wait a second for the library's heartbeat goroutines (tunnel.Config).
	NgrokHeartbeatInterval time.Duration
	// SandboxReady, when set, receives the URL of a `novita sandbox` server once it serves.
	SandboxReady chan<- string
	// ListenReady, when set, receives the hook URL of `novita listen` once it serves.
	ListenReady chan<- string
	// UIReady, when set, receives the inspector's URL with its token (`novita ui`, `listen --ui`).
	UIReady chan<- string
	// MCPTransport, when set, is where `novita mcp` serves instead of stdio (mcp.NewInMemoryTransports).
	MCPTransport mcp.Transport
	// MCPReady, when set, receives the URL and bearer token of `novita mcp --http` once it serves.
	MCPReady chan<- [2]string
}

// FromDeps is the factory of one command line run with d.
func FromDeps(d Deps) *Factory {
	hc := d.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: DefaultTransport()}
	}
	f := New(d.IO, d.Getenv, d.Build, hc)
	f.WorkDir = d.Dir
	if d.Clock != nil {
		f.Clock = d.Clock
	}
	f.Test = d
	return f
}

// DefaultTransport keeps connections to the API and the output bucket alive between polls and files.
func DefaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = 60 * time.Second
	return t
}

// New returns a factory whose services are built on first use.
func New(ios *iostreams.IOStreams, getenv func(string) string, build BuildInfo, hc *http.Client) *Factory {
	f := &Factory{IOStreams: ios, Getenv: getenv, Build: build, HTTPClient: hc, Clock: clock.Real{}}
	if f.Getenv == nil {
		f.Getenv = func(string) string { return "" }
	}
	if f.Build.Version == "" {
		f.Build.Version = "dev"
	}
	f.Globals.Changed = func(string) bool { return false }
	if ios != nil {
		ios.SetColumns(f.Getenv("COLUMNS"))
	}
	f.Config = f.loadConfig
	// Once per command line, even under concurrent callers (listen's inspector and its deliveries):
	// two callers must not start two in-process sandboxes, nor register the key twice.
	f.API = sync.OnceValues(f.resolveAPI)
	f.Journal = f.openJournal
	f.ReadJournal = f.openReadJournal
	return f
}

func (f *Factory) loadConfig() (*config.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cfg != nil {
		return f.cfg, nil
	}
	path := f.Path(f.Globals.ConfigPath)
	if !f.Globals.Changed("config") {
		path = f.Path(config.DefaultPath(f.Getenv))
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	f.cfg = cfg
	return cfg, nil
}

// defaultSandboxTaskDuration keeps --sandbox tasks short enough to watch.
const defaultSandboxTaskDuration = 2 * time.Second

func (f *Factory) resolveAPI() (*API, error) {
	key, err := f.Resolve("api_key", f.Globals.APIKey, f.Globals.Changed("api-key"))
	if err != nil {
		return nil, err
	}
	base, err := f.Resolve("base_url", f.Globals.BaseURL, f.Globals.Changed("base-url"))
	if err != nil {
		return nil, err
	}
	f.AddSecret(key)
	if key != "" && !f.Globals.Sbx {
		if err := f.CheckSecret("api_key", f.Globals.APIKey, f.Globals.Changed("api-key")); err != nil {
			return nil, err // before any request: a key no server accepts must not look like a paid failure
		}
	}
	api := &API{BaseURL: strings.TrimRight(base, "/"), Key: key}
	if f.Globals.Sbx {
		opts := sandbox.Options{TaskDuration: defaultSandboxTaskDuration}
		if f.Test.SandboxOptions != nil {
			opts = *f.Test.SandboxOptions
		}
		sb := sandbox.New(opts)
		if err := sb.Start("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("start the in-process sandbox: %w", err)
		}
		f.OnCleanup(func() { _ = sb.Close() })
		api.BaseURL, api.Key, api.InProcess = sb.URL(), sb.APIKey(), true
		f.IOStreams.Statusf("sandbox: using the built-in simulator at %s (tasks are forgotten when this command exits)", sb.URL())
	}
	c := novita.NewClient(api.BaseURL, api.Key, f.Build.Version)
	c.HTTPClient = f.HTTPClient
	if f.Globals.Debug {
		c.Trace = f.ScrubWriter(f.IOStreams.ErrOut)
	}
	c.OnRetry = func(op string, attempt int, wait time.Duration, err error) {
		msg := f.Scrub(err.Error())
		if !strings.HasPrefix(msg, op) { // the client's errors name their operation already
			msg = op + ": " + msg
		}
		f.IOStreams.Statusf("%s; retrying in %s", msg, wait.Round(time.Millisecond))
	}
	api.Client = c
	f.mu.Lock()
	f.api = api
	f.mu.Unlock()
	return api, nil
}
