package cmd

import (
	"crypto/x509"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/waiter"
)

// BuildInfo is stamped into main by the linker.
type BuildInfo = factory.BuildInfo

// Deps is everything a command line takes from its surroundings; tests replace any of it.
type Deps struct {
	IO         *iostreams.IOStreams
	Getenv     func(string) string
	Build      BuildInfo
	HTTPClient *http.Client
	// Dir is the working directory relative paths are resolved in ("" = the process's own).
	Dir   string
	Clock clock.Clock // nil = the real clock

	// Test hooks.
	Schedule             *waiter.Schedule
	SandboxOptions       *sandbox.Options // the in-process simulator behind --sandbox
	NgrokConnectURL      string
	NgrokRootCAs         *x509.CertPool
	TunnelConnectTimeout time.Duration
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

// factory turns the dependencies into the factory commands use.
func (d *Deps) factory() *factory.Factory {
	hc := d.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: defaultTransport()}
	}
	f := factory.New(d.IO, d.Getenv, d.Build, hc)
	f.WorkDir = d.Dir
	if d.Clock != nil {
		f.Clock = d.Clock
	}
	f.Test = factory.TestHooks{Schedule: d.Schedule, SandboxOptions: d.SandboxOptions, NgrokConnectURL: d.NgrokConnectURL,
		NgrokRootCAs: d.NgrokRootCAs, TunnelConnectTimeout: d.TunnelConnectTimeout, SandboxReady: d.SandboxReady,
		ListenReady: d.ListenReady, UIReady: d.UIReady,
		MCPTransport: d.MCPTransport, MCPReady: d.MCPReady}
	return f
}

// defaultTransport keeps connections to the API and the output bucket alive between polls and files.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = 60 * time.Second
	return t
}
