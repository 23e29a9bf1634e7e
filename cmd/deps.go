// Package cmd wires cobra commands to the run functions in pkg/app. It parses flags into options
// structs and resolves global settings; it does no work of its own.
package cmd

import (
	"crypto/x509"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/waiter"
)

// BuildInfo is stamped into main by the linker.
type BuildInfo struct {
	Version, Commit, Date string
}

// Deps is everything a command run takes from its surroundings; tests replace any of it.
type Deps struct {
	IO         *iostreams.IOStreams
	Getenv     func(string) string
	Build      BuildInfo
	HTTPClient *http.Client
	Now        func() time.Time
	After      func(time.Duration) <-chan time.Time

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
}

func (d *Deps) withDefaults() *Deps {
	c := *d
	if c.Getenv == nil {
		c.Getenv = func(string) string { return "" }
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Transport: defaultTransport()}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.After == nil {
		c.After = time.After
	}
	if c.Build.Version == "" {
		c.Build.Version = "dev"
	}
	return &c
}

// defaultTransport keeps connections to the API and the output bucket alive between polls and files.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = 60 * time.Second
	return t
}
