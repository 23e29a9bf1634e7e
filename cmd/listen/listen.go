// Package listen is the `novita listen` command: a webhook receiver behind a tunnel that prints,
// forwards, saves and downloads what arrives.
package listen

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
)

// Options is what `novita listen` was asked to do.
type Options struct {
	F         *factory.Factory
	Tunnel    *cmdutil.TunnelFlags
	Output    *cmdutil.OutputFlags
	ForwardTo string
	Headers   []string // "Name: value"
	Statuses  []string
	Download  bool
	SaveDir   string
	PrintURL  bool
	MaxEvents int
}

// NewCmdListen builds `novita listen`; runF replaces the run function in tests.
func NewCmdListen(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive webhooks behind a tunnel and print, forward, save or download them",
		Long: `Host a webhook receiver behind a tunnel and print one line per event on stdout (or the raw
event as one JSON line with --json). Point Novita's extra.webhook.url at the URL in the banner.

--forward-to relays each request (method, headers, body) to your local app and answers
Novita with your app's status, so Novita's retries behave as in production. --save writes
each event to a file you can replay with: novita test-event --from-file FILE --to URL.`,
		Example: `  $ novita listen
  $ novita listen --forward-to http://localhost:3000/hooks/novita
  $ novita listen --tunnel local --listen-addr 127.0.0.1:9000 --public-url https://hooks.example.com
  $ novita listen --status FAILED --save ./events --json
  $ URL=$(novita listen --print-url --max-events 1 | head -1)`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runListen(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.ForwardTo, "forward-to", "", "relay each event to this URL and answer with its status")
	fl.StringArrayVarP(&o.Headers, "header", "H", nil, "extra header on forwarded requests: \"Name: value\"; repeatable")
	fl.StringSliceVar(&o.Statuses, "status", nil, "only show events with these statuses: SUCCEED,FAILED")
	fl.BoolVar(&o.Download, "download", false, "save the outputs of succeeded events")
	fl.StringVar(&o.SaveDir, "save", "", "write each event as a JSON file in this directory")
	fl.BoolVar(&o.PrintURL, "print-url", false, "print the webhook URL alone on stdout first")
	fl.IntVar(&o.MaxEvents, "max-events", 0, "exit after N events (0 = until Ctrl-C)")
	o.Tunnel = cmdutil.AddTunnelFlags(cmd)
	fl.StringVar(&o.Tunnel.Path, "path", "", "fixed receiver path instead of a random secret one")
	o.Output = cmdutil.AddOutputFlags(cmd, false)
	_ = cmd.RegisterFlagCompletionFunc("status", cmdutil.FixedCompletions("SUCCEED", "FAILED"))
	cmdutil.NoFileCompletions(cmd, "forward-to", "header")
	_ = cmd.RegisterFlagCompletionFunc("save", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	return cmd
}

// runListen hosts a receiver behind the tunnel and prints each event until Ctrl-C or --max-events.
func runListen(ctx context.Context, o *Options) error {
	f, io := o.F, o.F.IOStreams
	statuses, err := ParseStatuses(o.Statuses)
	if err != nil {
		return err
	}
	headers, err := parseHeaders(o.Headers)
	if err != nil {
		return err
	}
	outs, err := o.Output.Outputs(f)
	if err != nil {
		return err
	}
	v := &view{io: io, json: f.Globals.JSON, forwardTo: o.ForwardTo}
	cfg := listen.Config{ForwardTo: o.ForwardTo, Headers: headers, HTTPClient: f.HTTPClient, Statuses: statuses,
		SaveDir: o.SaveDir, MaxEvents: o.MaxEvents, Visitor: v}
	api, err := f.API()
	if err != nil {
		return err
	}
	if o.Download {
		cfg.OnSucceeded = downloadHook(f, api, outs)
	}
	eng, err := listen.New(cfg)
	if err != nil {
		return err
	}
	s, env, err := o.Tunnel.Resolve(f)
	if err != nil {
		return err
	}
	env.APIBaseURL = api.BaseURL
	srv, _, err := hooks.Open(ctx, s, env, eng.ReceiverOptions())
	if err != nil {
		return fmt.Errorf("listen: %w", cmdutil.TunnelError(err))
	}
	if srv == nil {
		return clierr.Usagef("listen needs a receiver: set NGROK_AUTHTOKEN for an ngrok tunnel, or use --tunnel local (with --public-url for your own tunnel)")
	}
	defer srv.Close(5 * time.Second)
	if o.PrintURL {
		fmt.Fprintln(io.Out, srv.URL)
	}
	io.Statusf("Ready! Your webhook URL is %s", srv.URL)
	if o.ForwardTo != "" {
		io.Statusf("Forwarding events to %s", o.ForwardTo)
	}
	if o.Download && api.Key == "" {
		io.Warnf("--download without an API key saves whatever a delivery names: anyone who learns this URL can choose the files; set NOVITA_API_KEY so results are re-read from the API")
	}
	io.Statusf("(^C to quit)")
	if err := eng.Probe(ctx); err != nil && ctx.Err() == nil {
		io.Warnf("forward target %s does not answer (%v); events will get 502 until it does", o.ForwardTo, err)
	}
	if ready := f.Test.ListenReady; ready != nil {
		select {
		case ready <- srv.URL:
		case <-ctx.Done():
		}
	}
	return eng.Run(ctx, srv.Deliveries(), srv.Stopped(), srv.Tunnel.Done())
}

// downloadHook saves the outputs of a succeeded event. With a key the result is re-read first: a
// forged body must not choose what we download.
func downloadHook(f *factory.Factory, api *factory.API, outs lifecycle.Outputs) func(context.Context, *novita.TaskResult) error {
	run := cmdutil.Runner(f, api, taskview.Quiet{IO: f.IOStreams})
	return func(ctx context.Context, res *novita.TaskResult) error {
		if api.Key != "" {
			fresh, err := api.Client.TaskResult(ctx, res.Task.TaskID)
			if err != nil {
				return err
			}
			res = fresh
		}
		files, err := run.Save(ctx, lifecycle.SaveSpec{TaskID: res.Task.TaskID, Task: strings.ToLower(res.Task.TaskType),
			Result: res, Outputs: outs})
		for _, fl := range files {
			f.IOStreams.Statusf("saved %s", fl.Path)
		}
		return err
	}
}

// ParseStatuses reads --status values (SUCCEED,FAILED or full names, any case, comma-separated).
func ParseStatuses(in []string) ([]novita.Status, error) {
	var out []novita.Status
	for _, s := range in {
		for _, part := range strings.Split(s, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			st, err := novita.ParseStatus(part)
			if err != nil {
				return nil, clierr.Usagef("--status: %v", err)
			}
			out = append(out, st)
		}
	}
	return out, nil
}

func parseHeaders(in []string) (http.Header, error) {
	h := http.Header{}
	for _, kv := range in {
		k, v, ok := strings.Cut(kv, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, clierr.Usagef("-H %q: expected \"Name: value\"", kv)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h, nil
}
