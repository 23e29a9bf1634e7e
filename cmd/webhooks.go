package cmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/app"
	"github.com/novita-cli/novita/pkg/catalog"
)

func (r *runner) newListenCmd() *cobra.Command {
	var (
		o   app.ListenOptions
		tun tunnelFlagValues
		dl  downloadFlagValues
	)
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
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := r.resolve(cmd)
			if err != nil {
				return err
			}
			o.Tunnel = resolveTunnel(cmd, r.deps.Getenv, e.Config, tun)
			o.Output, o.Overwrite = dl.output, dl.overwrite
			o.Ready = r.deps.ListenReady
			return app.RunListen(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.ForwardTo, "forward-to", "", "relay each event to this URL and answer with its status")
	f.StringArrayVarP(&o.Headers, "header", "H", nil, "extra header on forwarded requests: \"Name: value\"; repeatable")
	f.StringSliceVar(&o.Statuses, "status", nil, "only show events with these statuses: SUCCEED,FAILED")
	f.BoolVar(&o.Download, "download", false, "save the outputs of succeeded events")
	f.StringVar(&o.SaveDir, "save", "", "write each event as a JSON file in this directory")
	f.BoolVar(&o.PrintURL, "print-url", false, "print the webhook URL alone on stdout first")
	f.IntVar(&o.MaxEvents, "max-events", 0, "exit after N events (0 = until Ctrl-C)")
	f.StringVar(&tun.path, "path", "", "fixed receiver path instead of a random secret one")
	addTunnelFlags(cmd, &tun)
	addDownloadFlags(cmd, &dl, false)
	_ = cmd.RegisterFlagCompletionFunc("status", fixedCompletions("SUCCEED", "FAILED"))
	_ = cmd.RegisterFlagCompletionFunc("forward-to", noCompletions)
	_ = cmd.RegisterFlagCompletionFunc("header", noCompletions)
	_ = cmd.RegisterFlagCompletionFunc("save", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	return cmd
}

func (r *runner) newTestEventCmd() *cobra.Command {
	var (
		o   app.TestEventOptions
		tun tunnelFlagValues
	)
	cmd := &cobra.Command{
		Use:   "test-event",
		Short: "Have a test-mode webhook event delivered, or send one yourself",
		Long: `By default, open a receiver (tunnel rules as in submit --wait), submit a request with
extra.webhook.test_mode so Novita sends a simulated event of the requested status, wait
for it, print it and check it. Exit 0 when it arrived as asked, 1 if it differed, 5 on timeout.

--to URL asks Novita to deliver the test event to your endpoint instead (nothing local).
--local --to URL makes no API call: the event is built from a built-in fixture, edited by
--set, and POSTed with Novita's delivery policy (5 s timeout, up to 5 retries).
--from-file FILE --to URL replays a saved event (from listen --save) the same way.`,
		Example: `  $ novita test-event --status FAILED
  $ novita --sandbox test-event --status FAILED
  $ novita test-event --to https://example.com/hooks/novita
  $ novita test-event --local --to http://localhost:3000/hooks --task txt2video --set payload.task.reason=boom
  $ novita test-event --from-file events/20261127T101500_abc.json --to http://localhost:3000/hooks`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := r.resolve(cmd)
			if err != nil {
				return err
			}
			o.Tunnel = resolveTunnel(cmd, r.deps.Getenv, e.Config, tun)
			return app.RunTestEvent(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Status, "status", "SUCCEED", "event status: SUCCEED or FAILED")
	f.StringVar(&o.Task, "task", "txt2img", "task type of the event (a catalog name)")
	f.DurationVar(&o.Timeout, "timeout", 2*time.Minute, "how long to wait for the event")
	f.StringVar(&o.To, "to", "", "deliver to this URL instead of a local receiver")
	f.BoolVar(&o.Local, "local", false, "build and send the event locally (no API call); needs --to")
	f.StringVar(&o.FromFile, "from-file", "", "send this saved event (from listen --save); needs --to")
	f.StringArrayVar(&o.Sets, "set", nil, "edit the local event: path=value (e.g. payload.task.reason=boom); repeatable")
	f.DurationVar(&o.RetryDelay, "retry-delay", 0, "delay between local delivery retries (default Novita-like backoff)")
	addTunnelFlags(cmd, &tun)
	_ = cmd.RegisterFlagCompletionFunc("status", fixedCompletions("SUCCEED", "FAILED"))
	_ = cmd.RegisterFlagCompletionFunc("task", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return catalog.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("to", noCompletions)
	_ = cmd.RegisterFlagCompletionFunc("set", noCompletions)
	return cmd
}
