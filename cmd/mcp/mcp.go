// Package mcp is the `novita mcp` command: the Model Context Protocol server that gives AI agents
// (Claude Code, Cursor, Codex, ...) Novita's media APIs as tools, over stdio or, with --http, streamable
// HTTP on loopback. The tools live in pkg/mcpserver; this package wires the factory into them: the
// same key, config, journal, task pipeline, output template and receiver as every other command.
package mcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/receiver"
	"github.com/novita-cli/novita/cmd/internal/runner"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/mcpserver"
)

// Options is what `novita mcp` was asked to serve.
type Options struct {
	IO        *iostreams.IOStreams
	API       func() (*factory.API, error)
	Journal   func() *journal.Journal
	NewRunner runner.Func
	Resolve   func(key, flagValue string, flagSet bool) (string, error) // mcp.output_dir, output
	// Advice words the tools' errors as the command line would (cmdutil.Explain) and scrubs secrets.
	Advice     taskview.Advice
	Version    string
	WorkDir    string
	HTTPClient *http.Client
	// Transport, when set, is where the server serves instead of stdio, and Ready receives the URL and
	// bearer token of --http once it serves (test hooks: cmd.Deps.MCPTransport, MCPReady).
	Transport sdk.Transport
	Ready     chan<- [2]string

	ReadOnly   bool
	Allow      []string
	MaxSubmits int
	Thumbnails bool
	HTTP       string // --http ADDR; "" serves stdio
	OutputDir  string
	Tunnel     *receiver.TunnelFlags
	changed    func(string) bool
}

// NewCmdMcp builds `novita mcp` serving on transport (nil: stdio, or --http); runF replaces the run
// function in tests.
func NewCmdMcp(f *factory.Factory, transport sdk.Transport, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, API: f.API, Journal: f.Journal, NewRunner: runner.For(f), Resolve: f.Resolve,
		Advice: cmdutil.Advice(f), Version: f.Build.Version, WorkDir: f.WorkDir, HTTPClient: f.HTTPClient,
		Transport: transport, Ready: f.Test.MCPReady}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve Novita's media APIs as tools for AI agents (Model Context Protocol)",
		Long: `Serve the Model Context Protocol on stdin and stdout, so an AI agent (Claude Code, Cursor,
Codex, ...) can find tasks, submit them, wait for them in bounded steps and get the saved files:

  claude mcp add novita -- novita mcp

Tools: catalog, describe_task, submit_task, wait_task, get_task, list_tasks, list_models and
get_balance. Outputs are saved under the tool call's output_dir, else the config's
mcp.output_dir (or --output-dir), else ./novita-outputs, with the -o template and its
no-clobber rules; every submit is journalled with source mcp (see: novita tasks).

An agent spends your money: --read-only removes submit_task, --allow limits the tasks that may
be submitted, --max-submits caps the submits of this server. With a tunnel (NGROK_AUTHTOKEN, or
a loopback API) one webhook receiver stays open while the server runs; otherwise waits poll.
--http ADDR serves streamable HTTP on a loopback address instead, with a bearer token printed
on stderr.`,
		Example: `  $ claude mcp add novita -- novita mcp
  $ novita mcp --read-only
  $ novita mcp --allow txt2img,flux-1-schnell --max-submits 10
  $ novita mcp --http 127.0.0.1:8765`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.changed = cmd.Flags().Changed
			if err := o.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return run(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.ReadOnly, "read-only", false, "no submit_task: the agent can look, wait and download, never spend")
	fl.StringSliceVar(&o.Allow, "allow", nil, "only these tasks may be submitted (comma-separated catalog names or aliases)")
	fl.IntVar(&o.MaxSubmits, "max-submits", 0, "at most N submits while this server runs (0 = no limit)")
	fl.BoolVar(&o.Thumbnails, "thumbnails", false, "add small inline thumbnails of saved images to tool results")
	fl.StringVar(&o.HTTP, "http", "", "serve streamable HTTP on this loopback address (e.g. 127.0.0.1:8765) instead of stdio")
	fl.StringVar(&o.OutputDir, "output-dir", "", "default directory of saved outputs (config mcp.output_dir; default ./novita-outputs)")
	o.Tunnel = receiver.AddTunnelFlags(cmd, receiver.NewTunnelEnv(f))
	_ = cmd.RegisterFlagCompletionFunc("allow", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return catalog.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.NoFileCompletions(cmd, "max-submits", "http")
	return cmd
}

// check refuses bad flags before anything starts: each --allow name must be a catalog task (with the
// closest names when it is not), and they are kept canonical.
func (o *Options) check() error {
	if o.MaxSubmits < 0 {
		return clierr.Usagef("--max-submits %d: give a number of submits, or 0 for no limit", o.MaxSubmits)
	}
	if o.ReadOnly && (len(o.Allow) > 0 || o.MaxSubmits > 0) {
		return clierr.Usagef("--read-only submits nothing: leave out --allow and --max-submits")
	}
	cat, err := catalog.Load()
	if err != nil {
		return err
	}
	for i, name := range o.Allow {
		c, ok := cat.Canonical(strings.TrimSpace(name))
		if !ok {
			msg := fmt.Sprintf("--allow %s: not a catalog task", name)
			if close := cat.Suggest(name); len(close) > 0 {
				msg += "; did you mean " + strings.Join(close, " or ") + "?"
			}
			return clierr.WithHint(clierr.KindUsage, errors.New(msg), "novita catalog lists the tasks")
		}
		o.Allow[i] = c
	}
	if o.HTTP != "" {
		return checkLoopback(o.HTTP)
	}
	return nil
}

// run serves until the client goes away (stdio) or the command is interrupted.
func run(ctx context.Context, o *Options) error {
	srv, closeAll, err := o.Server(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	if o.HTTP != "" {
		return serveHTTP(ctx, o, srv)
	}
	t := o.Transport
	if t == nil {
		t = &sdk.IOTransport{Reader: io.NopCloser(o.IO.In), Writer: nopWriteCloser{o.IO.Out}}
	}
	o.IO.Statusf("novita mcp: serving the Model Context Protocol on stdio")
	err = srv.MCP().Run(ctx, t)
	if ctx.Err() != nil || errors.Is(err, io.EOF) {
		return nil // the client closed the connection, or Ctrl-C: a normal end for a server
	}
	return err
}

// Server builds the engine from the options, with the receiver it keeps open for its lifetime when a
// tunnel is available. closeAll closes both.
func (o *Options) Server(ctx context.Context) (*mcpserver.Server, func(), error) {
	dir, err := o.Resolve("mcp.output_dir", o.OutputDir, o.changed != nil && o.changed("output-dir"))
	if err != nil {
		return nil, nil, err
	}
	tmpl, err := o.Resolve("output", "", false)
	if err != nil {
		return nil, nil, err
	}
	cfg := mcpserver.Config{Name: "novita", Version: o.Version,
		Runner: func() (*lifecycle.Runner, error) {
			api, err := cmdutil.NeedAPI(o.API)
			if err != nil {
				return nil, err
			}
			return o.NewRunner(api, nil), nil
		},
		Journal:   o.Journal,
		OutputDir: dir, OutputTemplate: tmpl, WorkDir: o.WorkDir,
		Explain:    func(err error) (string, string) { return explain(o.Advice, err) },
		Scrub:      o.Advice.ScrubText,
		HTTPClient: o.HTTPClient,
		ReadOnly:   o.ReadOnly, Allow: o.Allow, MaxSubmits: o.MaxSubmits, Thumbnails: o.Thumbnails,
	}
	var router *hooks.Router
	if !o.ReadOnly {
		if router, err = o.receiver(ctx); err != nil {
			return nil, nil, err
		}
		if router != nil {
			cfg.WebhookURL, cfg.Webhooks = router.URL, router.Results()
		}
	}
	srv, err := mcpserver.New(cfg)
	if err != nil {
		router.Close()
		return nil, nil, err
	}
	return srv, func() { srv.Close(); router.Close() }, nil
}

// receiver opens the one webhook receiver of the server's lifetime, as submit --wait does; without a
// key or a tunnel the server still starts and its waits poll.
func (o *Options) receiver(ctx context.Context) (*hooks.Router, error) {
	api, err := o.API()
	if err != nil || api.Key == "" {
		return nil, nil // the tools that need the API say what is wrong, in the agent's conversation
	}
	return receiver.OpenWaitReceiver(ctx, o.Tunnel, api)
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
