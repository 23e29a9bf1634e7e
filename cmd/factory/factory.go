// Package factory is what commands need from their surroundings, built lazily and once per command
// line: the IO streams, the config file, the API (a real one, or the in-process sandbox behind
// --sandbox), the journal, the clock, the HTTP client and the tunnel environment. It is gh's factory
// pattern: this file defines the type, whose services are function fields; default.go sets the real
// ones (New); commands take the functions they need into their options, and tests replace them.
//
// The package is light on purpose: every command imports it, so it imports neither the simulator
// (pkg/sandbox) nor the MCP SDK. What needs them is wired in by cmd/internal/wiring (FromDeps), which
// only the program's entry (package cmd) imports: StartSandbox here, the MCP transport in cmd/root.
package factory

import (
	"crypto/x509"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// BuildInfo is stamped into main by the linker.
type BuildInfo struct {
	Version, Commit, Date string
}

// Globals are the root's persistent flags.
type Globals struct {
	APIKey, BaseURL, ConfigPath      string
	JSON, NoColor, Quiet, Debug, Sbx bool
	// Changed reports whether a global flag was given on the command line (flag > env > config).
	Changed func(name string) bool
}

// Factory is one command line's surroundings.
type Factory struct {
	IOStreams  *iostreams.IOStreams
	Build      BuildInfo
	Getenv     func(string) string
	HTTPClient *http.Client
	// WorkDir is where relative paths the user gives (outputs, input files, --config) are resolved;
	// "" is the process's working directory. Tests set it so commands can run side by side.
	WorkDir string
	Clock   clock.Clock // every timestamp and timer of the command line
	Globals Globals
	// Test holds the command line's test hooks (wiring.FromDeps copies them from cmd.Deps). Only
	// constructors read them: each NewCmd copies the ones it uses into its options, so no run function
	// reaches into the factory for them.
	Test Hooks
	// StartSandbox starts the in-process simulator behind --sandbox and returns its URL, its key and
	// how to stop it. The wiring sets it (cmd/internal/wiring); nil means this factory has none.
	StartSandbox func() (url, key string, stop func() error, err error)

	// Replaceable services; New (default.go) sets them to the real, lazily built ones.
	Config  func() (*config.File, error)
	API     func() (*API, error)
	Journal func() *journal.Journal
	// ReadJournal is the journal for commands that only look (tasks, tasks show): opened read-only,
	// never created, migrated or written.
	ReadJournal func() *journal.Journal

	mu       sync.Mutex
	secrets  []string
	cleanups []func()
	cfg      *config.File
	api      *API
	journal  *journal.Journal
	readJnl  *journal.Journal
}

// Hooks are the test hooks the commands read (the heavy ones, the simulator's options and the MCP
// transport, stay in cmd.Deps and reach only what needs them).
type Hooks struct {
	Schedule             *waiter.Schedule // the polling schedule (nil: production's)
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
	// MCPReady, when set, receives the URL and bearer token of `novita mcp --http` once it serves.
	MCPReady chan<- [2]string
}

// API is the resolved API access of this command line.
type API struct {
	BaseURL string
	Key     string
	Client  *novita.Client
	// InProcess is set when --sandbox started a simulator that disappears when this command exits.
	InProcess bool
}

// Schedule is the polling schedule (tests shorten it).
func (f *Factory) Schedule() waiter.Schedule {
	if f.Test.Schedule != nil {
		return *f.Test.Schedule
	}
	return waiter.DefaultSchedule()
}

// Path resolves a path the user gave against WorkDir; "" and "-" (standard input or output) and
// absolute paths are returned as they are.
func (f *Factory) Path(p string) string {
	if f.WorkDir == "" || p == "" || p == "-" || filepath.IsAbs(p) {
		return p
	}
	// Not filepath.Join: an output template's "{task_id}/../x" must reach ParseTemplate uncleaned.
	return strings.TrimRight(f.WorkDir, string(filepath.Separator)) + string(filepath.Separator) + p
}

// UserAgent names this build on every request.
func (f *Factory) UserAgent() string { return "novita-cli/" + f.Build.Version }

// Resolve applies flag > env > config > default to one config key and checks the value, so a bad
// setting is reported with where it came from (the flag, the variable or the config file) before it
// is used. Secrets are checked where they are used (CheckSecret): a bad NOVITA_API_KEY must not stop
// a --sandbox run that never sends it.
func (f *Factory) Resolve(key, flagValue string, flagSet bool) (string, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	if k, ok := config.LookupKey(key); ok && k.Secret {
		v, _ := cfg.Resolve(f.Getenv, key, flagValue, flagSet)
		return v, nil
	}
	v, _, err := cfg.ResolveChecked(f.Getenv, key, flagValue, flagSet)
	return v, err
}

// CheckSecret checks a secret setting about to be used (no whitespace or control characters, such
// as the trailing \r of a line saved on Windows); the error never quotes the value.
func (f *Factory) CheckSecret(key, flagValue string, flagSet bool) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	_, _, err = cfg.ResolveChecked(f.Getenv, key, flagValue, flagSet)
	return err
}

// AddSecret registers a value that must never be shown (a key, a token).
func (f *Factory) AddSecret(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secrets = append(f.secrets, s)
}

// Scrub removes every registered secret from a message before it is shown.
func (f *Factory) Scrub(s string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, sec := range f.secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return s
}

// ScrubWriter redacts secrets from everything written through it (debug traces).
func (f *Factory) ScrubWriter(w io.Writer) io.Writer { return &scrubWriter{w: w, f: f} }

type scrubWriter struct {
	w io.Writer
	f *Factory
}

func (s *scrubWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, s.f.Scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Logger is where library logs go: stderr with --debug (secrets redacted), nowhere otherwise.
func (f *Factory) Logger() *slog.Logger {
	if !f.Globals.Debug {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(f.ScrubWriter(f.IOStreams.ErrOut), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// OnCleanup registers work to do when the command line is over (stop an in-process sandbox).
func (f *Factory) OnCleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

// Cleanup runs the registered cleanups, newest first.
func (f *Factory) Cleanup() {
	f.mu.Lock()
	fns := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

// InProcessSandbox tells whether this command line runs against the --sandbox simulator, which
// forgets its tasks when the command exits (so no "resume with" advice can work).
func (f *Factory) InProcessSandbox() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.api != nil && f.api.InProcess
}

// ResumeHint is the advice for a task left running: how to wait for it again, or why that cannot
// work after an in-process sandbox.
func (f *Factory) ResumeHint(command string) string {
	if f.InProcessSandbox() {
		return SandboxGoneHint
	}
	return "resume with: " + command
}

// SandboxGoneHint replaces resume advice after an in-process --sandbox run.
const SandboxGoneHint = "the built-in --sandbox simulator stopped with this command and its tasks are gone; " +
	"to keep tasks across commands run `novita sandbox` in another terminal and use its NOVITA_BASE_URL"
