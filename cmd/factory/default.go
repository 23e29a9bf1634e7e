package factory

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
)

// New returns a factory whose services are built on first use. It has no simulator for --sandbox
// (StartSandbox is nil): the program's is wired in by cmd/internal/wiring.
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
		if f.StartSandbox == nil {
			return nil, errors.New("start the in-process sandbox: this factory has no simulator wired in")
		}
		url, key, stop, err := f.StartSandbox()
		if err != nil {
			return nil, fmt.Errorf("start the in-process sandbox: %w", err)
		}
		f.OnCleanup(func() { _ = stop() })
		api.BaseURL, api.Key, api.InProcess = url, key, true
		f.IOStreams.Statusf("sandbox: using the built-in simulator at %s (tasks are forgotten when this command exits)", url)
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
