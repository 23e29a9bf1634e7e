// Package listen is the `novita listen` command: a webhook receiver behind a tunnel that prints,
// forwards, saves and downloads what arrives, answers with injected faults when asked, and with
// --ui serves the web inspector beside the receiver.
package listen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/receiver"
	"github.com/novita-cli/novita/cmd/internal/runner"
	cmdui "github.com/novita-cli/novita/cmd/ui"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/ui"
)

// Options is what `novita listen` was asked to do.
type Options struct {
	IO         *iostreams.IOStreams
	API        func() (*factory.API, error)
	Journal    func() *journal.Journal
	NewRunner  runner.Func         // --download and --ui save and record results through the lifecycle
	HTTPClient *http.Client        // forwards to --forward-to
	Path       func(string) string // --save's directory, made relative to the command's directory
	Inspector  *cmdui.Inspector    // --ui
	// Ready, when set, receives the hook URL once it serves (a test hook: factory.Hooks.ListenReady).
	Ready chan<- string
	JSON  bool

	Tunnel    *receiver.TunnelFlags
	Output    *cmdutil.OutputFlags
	ForwardTo string
	Headers   []string // "Name: value"
	Statuses  []string
	Download  bool
	SaveDir   string
	PrintURL  bool
	MaxEvents int

	RespondStatus []string // [STATUS=]CODE rules
	RespondDelay  []string // [STATUS=]DURATION rules

	UI        bool
	UIAddr    string
	UIAddrSet bool
	Open      bool
}

// NewCmdListen builds `novita listen`; runF replaces the run function in tests.
func NewCmdListen(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, API: f.API, Journal: f.Journal, NewRunner: runner.For(f), HTTPClient: f.HTTPClient,
		Path: f.Path, Inspector: cmdui.NewInspector(f), Ready: f.Test.ListenReady}
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive webhooks behind a tunnel and print, forward, save or download them",
		Long: `Host a webhook receiver behind a tunnel and print one line per event on stdout (or the raw
event as one JSON line with --json). Point Novita's extra.webhook.url at the URL in the banner.

--forward-to relays each request (method, headers, body) to your local app and answers
Novita with your app's status, so Novita's retries behave as in production. At start-up
one HEAD request (2 s at most) checks that the app answers; a warning says when it does not.
--save writes
each event to a file you can replay with: novita test-event --from-file FILE --to URL.

Fault injection exercises Novita's retry policy (up to 5 retries on a non-2xx answer or after
5 s without one) without writing an app: --respond-status 500 answers every delivery with
500, --respond-status FAILED=500 only deliveries of failed tasks (rules are [STATUS=]VALUE,
comma-separated or repeated; a status's own rule wins over the bare one); --respond-delay 6s
answers after 6 s, FAILED=6s only failed ones. With --forward-to the app still gets every
delivery: an injected status replaces the app's (its body is kept) and a delay is added to
the app's time. Injected answers carry the header X-Novita-Listen-Injected; each printed
<-- line shows the status the sender got.

--ui serves the web inspector (live events, replay, edit and replay, test events, the task
gallery) on 127.0.0.1:4949, beside the receiver and never through the tunnel; its URL, with
the token every request needs, is printed on stderr. Events are kept in the journal, so
novita ui shows them later.`,
		Example: `  $ novita listen
  $ novita listen --forward-to http://localhost:3000/hooks/novita
  $ novita listen --tunnel local --listen-addr 127.0.0.1:9000 --public-url https://hooks.example.com
  $ novita listen --status FAILED --save ./events --json
  $ novita listen --ui --open --forward-to http://localhost:3000/hooks/novita
  $ novita listen --respond-status FAILED=500 --respond-delay SUCCEED=6s
  $ URL=$(novita listen --print-url --max-events 1 | head -1)`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.UIAddrSet = cmd.Flags().Changed("ui-addr")
			if !o.UI && (o.UIAddrSet || o.Open) {
				return clierr.Usagef("--ui-addr and --open need --ui: add --ui to serve the inspector")
			}
			if _, _, err := net.SplitHostPort(o.UIAddr); o.UI && err == nil && !ui.IsLoopbackAddr(o.UIAddr) { // a malformed one is ui's to word
				return clierr.Usagef("--ui-addr %q: listen serves the inspector on a loopback address only (such as 127.0.0.1:4949); "+
					"to browse the journal from elsewhere use novita ui --allow-remote", o.UIAddr)
			}
			o.JSON = f.Globals.JSON
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
	fl.StringArrayVar(&o.RespondStatus, "respond-status", nil, "answer deliveries with this HTTP status: 500, or per task status: FAILED=500 (repeatable)")
	fl.StringArrayVar(&o.RespondDelay, "respond-delay", nil, "answer deliveries after a delay (Novita gives up after 5s): 6s, or FAILED=6s (repeatable)")
	fl.BoolVar(&o.UI, "ui", false, "also serve the web inspector (live events, replay, gallery) on loopback")
	fl.StringVar(&o.UIAddr, "ui-addr", ui.DefaultAddr, "where the inspector listens with --ui (loopback)")
	fl.BoolVar(&o.Open, "open", false, "open the inspector in your browser (with --ui)")
	o.Tunnel = receiver.AddTunnelFlags(cmd, receiver.NewTunnelEnv(f))
	fl.StringVar(&o.Tunnel.Path, "path", "", "fixed receiver path instead of a random secret one")
	o.Output = cmdutil.AddOutputFlags(cmd, cmdutil.NewSettings(f), false)
	_ = cmd.RegisterFlagCompletionFunc("status", cmdutil.FixedCompletions("SUCCEED", "FAILED"))
	cmdutil.NoFileCompletions(cmd, "forward-to", "header", "respond-status", "respond-delay", "ui-addr")
	_ = cmd.RegisterFlagCompletionFunc("save", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	return cmd
}

// runListen hosts a receiver behind the tunnel and prints each event until Ctrl-C or --max-events.
func runListen(ctx context.Context, o *Options) error {
	io := o.IO
	statuses, err := ParseStatuses(o.Statuses)
	if err != nil {
		return err
	}
	headers, err := parseHeaders(o.Headers)
	if err != nil {
		return err
	}
	outs, err := o.Output.Outputs()
	if err != nil {
		return err
	}
	faults, err := listen.ParseFaults(o.RespondStatus, o.RespondDelay, listen.RuleNames{Status: "--respond-status", Delay: "--respond-delay"})
	if err != nil {
		return err
	}
	v := &view{io: io, json: o.JSON, forwardTo: iostreams.RedactURL(o.ForwardTo)}
	cfg := listen.Config{ForwardTo: o.ForwardTo, Headers: headers, HTTPClient: o.HTTPClient, Statuses: statuses,
		SaveDir: o.Path(o.SaveDir), MaxEvents: o.MaxEvents, Faults: faults, Visitor: v}
	api, err := o.API()
	if err != nil {
		return err
	}
	if o.Download || (o.UI && api.Key != "") {
		cfg.OnSucceeded, cfg.HookFailed = resultHook(o, api, outs), true
	}
	var insp *inspector
	if o.UI {
		// Bound before the tunnel opens: a busy or bad --ui-addr is reported before anything else.
		if insp, err = openInspector(o); err != nil {
			return err
		}
		defer insp.close()
		cfg.Visitor = listen.Tee(v, insp.recorder)
	}
	eng, err := listen.New(cfg)
	if err != nil {
		return err
	}
	srv, err := receiver.OpenReceiver(ctx, o.Tunnel, api, eng.ReceiverOptions(), "listen",
		clierr.Usagef("listen needs a receiver: set NGROK_AUTHTOKEN for an ngrok tunnel, or use --tunnel local (with --public-url for your own tunnel)"))
	if err != nil {
		return err
	}
	defer srv.Close(5 * time.Second)
	if err := refuseSelfForward(o.ForwardTo, srv); err != nil {
		return err
	}
	if o.PrintURL {
		fmt.Fprintln(io.Out, srv.URL)
	}
	io.Statusf("Ready! Your webhook URL is %s", srv.URL)
	if o.ForwardTo != "" {
		io.Statusf("Forwarding events to %s", iostreams.RedactURL(o.ForwardTo))
	}
	if insp != nil {
		insp.start(ctx, eng, srv)
	}
	if faults.Active() {
		io.Statusf("Injecting: %s", faults.Rules())
	}
	if o.Download && api.Key == "" {
		io.Warnf("--download without an API key saves whatever a delivery names: anyone who learns this URL can choose the files; set NOVITA_API_KEY so results are re-read from the API")
	}
	io.Statusf("(^C to quit)")
	if err := eng.Probe(ctx); err != nil && ctx.Err() == nil {
		io.Warnf("forward target %s does not answer (%v); events will get 502 until it does", iostreams.RedactURL(o.ForwardTo), err)
	}
	if ready := o.Ready; ready != nil {
		select {
		case ready <- srv.URL:
		case <-ctx.Done():
		}
	}
	return eng.Run(ctx, srv.Deliveries(), srv.Stopped(), srv.Tunnel.Done())
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
