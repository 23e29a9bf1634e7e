// Package doctor is the `novita doctor` command: checks of the setup, one pass/fail line each with the
// fix (the checks themselves are pkg/doctor's).
package doctor

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/receiver"
	"github.com/novita-cli/novita/cmd/internal/words"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/doctor"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/preview"
	"github.com/novita-cli/novita/pkg/tunnel"
)

// Options is what `novita doctor` was asked to do.
type Options struct {
	IO         *iostreams.IOStreams
	Config     func() (*config.File, error)
	API        func() (*factory.API, error)
	Getenv     func(string) string
	HTTPClient *http.Client
	Scrub      func(string) string
	// Path resolves a path the user gave (the state directory, the output template) against the
	// working directory.
	Path func(string) string
	// InProcessSandbox tells whether the API is the --sandbox simulator (no key of the user's then).
	InProcessSandbox func() bool
	// Tunnel opens the ngrok check's tunnel (its log, its secrets, its test hooks).
	Tunnel receiver.TunnelEnv
	// APIKey and APIKeySet are --api-key and whether it was given; JSON is --json.
	APIKey    string
	APIKeySet bool
	JSON      bool
	// ReadFile reads the completion scripts and rc files looked at (os.ReadFile; tests replace it).
	ReadFile func(string) ([]byte, error)
}

// NewCmdDoctor builds `novita doctor`; runF replaces the run function in tests.
func NewCmdDoctor(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Config: f.Config, API: f.API, Getenv: f.Getenv, HTTPClient: f.HTTPClient, Scrub: f.Scrub,
		Path: f.Path, InProcessSandbox: f.InProcessSandbox, Tunnel: receiver.NewTunnelEnv(f), ReadFile: os.ReadFile}
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check the setup: key, API, ngrok, state, outputs, previews, completion",
		Long: `Check everything novita needs, one line each with the fix when it fails: the base URL answers,
the API key is set and accepted (one cheap authenticated call, the balance), the ngrok token opens a
tunnel (skipped without a token), the state directory is writable, the journal passes SQLite's
integrity check, the output directory is writable, the terminal shows inline previews, and your
shell's completion is installed. Exits 1 when a check fails; --json prints one document.`,
		Example: `  $ novita doctor
  $ novita doctor --json`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.APIKey, o.APIKeySet, o.JSON = f.Globals.APIKey, f.Globals.Changed("api-key"), f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runDoctor(cmd.Context(), o)
		},
	}
}

func runDoctor(ctx context.Context, o *Options) error {
	io := o.IO
	checks, err := o.checks()
	if err != nil {
		return err
	}
	cs := io.ColorScheme()
	report := func(r doctor.Result) {
		if o.JSON {
			return
		}
		mark := map[doctor.Status]string{doctor.Pass: cs.Green("pass"), doctor.Fail: cs.Red("FAIL"), doctor.Skip: cs.Faint("skip")}[r.Status]
		width := io.TableWidth()
		fmt.Fprintln(io.Out, iostreams.Wrap(fmt.Sprintf("%s  %-17s ", mark, r.Name), iostreams.Safe(o.Scrub(r.Detail)), width, strings.Repeat(" ", 24)))
		if r.Status != doctor.Pass && r.Fix != "" {
			fmt.Fprintln(io.Out, iostreams.Wrap(strings.Repeat(" ", 24)+"fix: ", o.Scrub(r.Fix), width, strings.Repeat(" ", 29)))
		}
	}
	results := doctor.Run(ctx, checks, report)
	for i := range results {
		results[i].Detail, results[i].Fix = o.Scrub(results[i].Detail), o.Scrub(results[i].Fix)
	}
	failed := doctor.Failed(results)
	if o.JSON {
		if err := iostreams.WriteJSON(io.Out, map[string]any{"ok": failed == 0, "failed": failed, "checks": results}); err != nil {
			return err
		}
	}
	if failed > 0 {
		err := fmt.Errorf("%d of %d checks failed", failed, len(results))
		if o.JSON {
			return clierr.Reported(err) // the document above says it all
		}
		return err
	}
	io.Statusf("all %d checks passed", len(results))
	return nil
}

// checks builds the checks from this command line's settings (flag > env > file > default).
func (o *Options) checks() ([]doctor.Check, error) {
	cfg, err := o.Config()
	if err != nil {
		return nil, err
	}
	api, err := o.API()
	if err != nil {
		return nil, err
	}
	_, keySrc := cfg.Resolve(o.Getenv, "api_key", o.APIKey, o.APIKeySet)
	token, tokenSrc := cfg.Resolve(o.Getenv, "ngrok_authtoken", "", false)
	o.Tunnel.AddSecret(token)
	output, _ := cfg.Resolve(o.Getenv, "output", "", false)
	if output == "" {
		output = download.DefaultTemplate
	}
	mode, _ := cfg.Resolve(o.Getenv, "preview", "", false)
	stateDir := o.Path(journal.Dir(o.Getenv))
	keySource := describe(keySrc, "api_key")
	if o.InProcessSandbox() {
		keySource = "the in-process --sandbox"
	}
	protocol, why := o.previewProtocol(mode)
	return []doctor.Check{
		doctor.BaseURL(api.BaseURL, o.HTTPClient, fixes),
		doctor.APIKey(api.Key, keySource, func(ctx context.Context) error {
			_, err := api.Client.Balance(ctx)
			return err
		}, fixes),
		doctor.Ngrok(token, describe(tokenSrc, "ngrok_authtoken"), func(ctx context.Context) (string, error) {
			t, err := tunnel.Open(ctx, tunnel.Config{Mode: tunnel.ModeNgrok, NgrokAuthtoken: token,
				ConnectTimeout: o.Tunnel.ConnectTimeout, Logger: o.Tunnel.Logger(),
				NgrokConnectURL: o.Tunnel.NgrokConnectURL, NgrokRootCAs: o.Tunnel.NgrokRootCAs,
				NgrokHeartbeatInterval: o.Tunnel.NgrokHeartbeatInterval})
			if err != nil {
				return "", err
			}
			url := t.URL()
			return url, t.Close()
		}, fixes),
		doctor.WritableDir("state directory", stateDir, "set NOVITA_STATE_DIR to a writable directory, or fix the permissions of "+stateDir),
		doctor.Journal(filepath.Join(stateDir, journal.DBName)),
		doctor.WritableDir("output directory", outputDir(o.Path(output)), "choose another output template: novita config set output DIR/{task_id}/{kind}-{index}.{ext}"),
		doctor.Preview(protocol, why, fixes),
		doctor.Completion(o.Getenv, o.ReadFile, fixes),
	}, nil
}

// describe says where a setting came from, for the check lines.
func describe(src config.Source, key string) string {
	k, _ := config.LookupKey(key)
	switch src {
	case config.SourceFlag:
		return "flag " + k.Flag
	case config.SourceEnv:
		return "env " + k.Env
	case config.SourceFile:
		return "the config file"
	}
	return "default"
}

// outputDir is the directory the output template writes into before its first placeholder.
func outputDir(template string) string {
	if i := strings.Index(template, "{"); i >= 0 {
		template = template[:i]
	}
	dir := filepath.Dir(template + "x")
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// previewProtocol is the protocol previews would use here, or "" and why not.
func (o *Options) previewProtocol(mode string) (string, string) {
	io := o.IO
	m, err := preview.ParseMode(mode)
	switch {
	case err != nil:
		return "", words.Message(err)
	case m == preview.ModeOff:
		return "", "preview is off in the settings"
	case !io.OutTTY || !io.ErrTTY:
		return "", "stdout and stderr are not both a terminal here"
	}
	term := preview.Resolve(context.Background(), m, preview.Probe{Getenv: o.Getenv, OpenTTY: preview.OpenTTY, Run: preview.ExecRunner})
	if !term.Enabled() {
		return "", "this terminal shows no images (kitty, iTerm2, WezTerm, or sixel ones do)"
	}
	p := term.Protocol.String()
	if term.Tmux {
		p += " through tmux"
	}
	return p, ""
}
