package cmd

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/app"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/waiter"
)

// globals are the root's persistent flags.
type globals struct {
	apiKey, baseURL, configPath     string
	json, noColor, quiet, debug, sb bool
}

// runner holds one command line's state: its flags, the resolved environment and what to clean up.
type runner struct {
	deps     *Deps
	g        globals
	env      *app.Env
	secrets  []string
	cleanups []func()
}

func newRunner(d *Deps) *runner { return &runner{deps: d} }

func (r *runner) cleanup() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	r.cleanups = nil
}

// scrub removes every secret we know of from a message before it is shown.
func (r *runner) scrub(s string) string {
	for _, sec := range r.secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return s
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

// applyIO sets colour and quiet from flags and env; called before any command runs.
func (r *runner) applyIO(cmd *cobra.Command) {
	io := r.deps.IO
	io.SetColorDisabled(r.g.noColor || r.deps.Getenv("NO_COLOR") != "")
	io.Quiet = r.g.quiet
	if !cmd.Flags().Changed("debug") && truthy(r.deps.Getenv("NOVITA_DEBUG")) {
		r.g.debug = true
	}
	if !cmd.Flags().Changed("sandbox") && truthy(r.deps.Getenv("NOVITA_SANDBOX")) {
		r.g.sb = true
	}
}

// configFile loads the config file named by --config / NOVITA_CONFIG / the default path.
func (r *runner) configFile(cmd *cobra.Command) (*config.File, error) {
	path := r.g.configPath
	if !cmd.Flags().Changed("config") {
		path = config.DefaultPath(r.deps.Getenv)
	}
	return config.Load(path)
}

// resolve builds the app environment: settings by precedence, the API client, the journal and,
// with --sandbox, an in-process simulator.
func (r *runner) resolve(cmd *cobra.Command) (*app.Env, error) {
	if r.env != nil {
		return r.env, nil
	}
	d := r.deps
	f, err := r.configFile(cmd)
	if err != nil {
		return nil, err
	}
	apiKey, _ := f.Resolve(d.Getenv, "api_key", r.g.apiKey, cmd.Flags().Changed("api-key"))
	baseURL, _ := f.Resolve(d.Getenv, "base_url", r.g.baseURL, cmd.Flags().Changed("base-url"))
	// --ngrok-authtoken exists only on the commands that open tunnels.
	var tokenFlag string
	fl := cmd.Flags().Lookup("ngrok-authtoken")
	if fl != nil {
		tokenFlag = fl.Value.String()
	}
	token, _ := f.Resolve(d.Getenv, "ngrok_authtoken", tokenFlag, fl != nil && fl.Changed)
	r.secrets = append(r.secrets, apiKey, token)
	e := &app.Env{
		IO: d.IO, Version: d.Build.Version, JSON: r.g.json,
		BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey, HTTP: d.HTTPClient, Config: f, Getenv: d.Getenv,
		Journal: journal.Open(journal.Dir(d.Getenv)), Now: d.Now, After: d.After,
		Schedule: waiter.DefaultSchedule(), NgrokAuthtoken: token,
		NgrokConnectURL: d.NgrokConnectURL, NgrokRootCAs: d.NgrokRootCAs, TunnelConnectTimeout: d.TunnelConnectTimeout,
		Logger: slog.New(slog.DiscardHandler),
	}
	if d.Schedule != nil {
		e.Schedule = *d.Schedule
	}
	if r.g.debug {
		e.Logger = slog.New(slog.NewTextHandler(&scrubWriter{w: d.IO.ErrOut, r: r}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if r.g.sb {
		if err := r.startSandbox(e); err != nil {
			return nil, err
		}
	}
	e.Client = novita.NewClient(e.BaseURL, e.APIKey, d.Build.Version)
	e.Client.HTTPClient = d.HTTPClient
	if r.g.debug {
		e.Client.Trace = &scrubWriter{w: d.IO.ErrOut, r: r}
	}
	e.Client.OnRetry = func(op string, attempt int, wait time.Duration, err error) {
		d.IO.Statusf("%s: %s; retrying in %s", op, r.scrub(err.Error()), wait.Round(time.Millisecond))
	}
	r.env = e
	return e, nil
}

// startSandbox points e at an in-process simulator that lives as long as this command.
func (r *runner) startSandbox(e *app.Env) error {
	opts := sandbox.Options{TaskDuration: defaultSandboxTaskDuration}
	if r.deps.SandboxOptions != nil {
		opts = *r.deps.SandboxOptions
	}
	stop, err := e.UseSandbox(opts)
	if err != nil {
		return err
	}
	r.cleanups = append(r.cleanups, stop)
	return nil
}

// scrubWriter redacts secrets from debug output.
type scrubWriter struct {
	w io.Writer
	r *runner
}

func (s *scrubWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, s.r.scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// usageArgs wraps a cobra argument validator so its errors exit 2.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return clierr.WithHint(clierr.KindUsage, err, "see: "+cmd.CommandPath()+" --help")
		}
		return nil
	}
}
