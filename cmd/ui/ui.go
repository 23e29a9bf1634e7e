// Package ui is the `novita ui` command: the local web inspector and gallery (pkg/ui) over the
// journal, served on loopback until Ctrl-C. It also holds what `novita listen --ui` serves the same
// app with: binding and announcing the server, the browser opener and "Download again".
package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/inspect"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/ui"
)

// Options is what `novita ui` was asked to do.
type Options struct {
	IO          *iostreams.IOStreams
	Journal     func() *journal.Journal
	Inspector   *Inspector
	Addr        string
	AddrSet     bool
	AllowRemote bool
	Open        bool
	// OpenBrowser launches the browser for --open (OpenBrowser by default; tests replace it).
	OpenBrowser func(url string) error
}

// NewCmdUI builds `novita ui`; runF replaces the run function in tests.
func NewCmdUI(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Journal: f.Journal, Inspector: NewInspector(f), OpenBrowser: OpenBrowser}
	cmd := &cobra.Command{
		Use:   "ui",
		Short: "Browse webhook events and generated files in a local web inspector",
		Long: `Serve the local web inspector on 127.0.0.1: the webhook events the journal kept (from
novita listen --ui) with their headers, bodies and forward results, and the tasks you
submitted as a gallery of the images, videos and audio they produced, with their prompts,
requests and files. "Download again" fetches outputs whose URLs are still valid.

For live events, replay and test events, run the inspector beside the receiver instead:
novita listen --ui --forward-to URL.

Security: the inspector listens on loopback only unless --allow-remote; the URL printed at
start (on stderr, never stdout) carries a random token that every request needs; requests
under another Host name are refused (DNS rebinding), changes need POST from the page's
own origin, and files are served only from the paths the journal recorded.`,
		Example: `  $ novita ui
  $ novita ui --open
  $ novita ui --addr 127.0.0.1:8080
  $ novita listen --ui --forward-to http://localhost:3000/hooks/novita`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.AddrSet = cmd.Flags().Changed("addr")
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runUI(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Addr, "addr", ui.DefaultAddr, "address to serve on (loopback unless --allow-remote)")
	fl.BoolVar(&o.AllowRemote, "allow-remote", false, "allow an --addr reachable from the network (anyone with the URL sees your events and files)")
	fl.BoolVar(&o.Open, "open", false, "open the inspector in your browser")
	cmdutil.NoFileCompletions(cmd, "addr")
	return cmd
}

// runUI serves the journal until Ctrl-C.
func runUI(ctx context.Context, o *Options) error {
	io, in := o.IO, o.Inspector
	j := o.Journal()
	defer j.Close()
	// Open (and migrate) the journal now: a broken one is reported here, not as a toast in the page.
	if _, err := j.List(ctx, journal.Query{Limit: 1}); err != nil {
		return fmt.Errorf("ui: %w", err)
	}
	store := &inspect.Store{Journal: j, Now: in.Clock.Now}
	store.ServerKnown = func(u string) bool { // Download again reads the result from the API in use now
		api, err := in.API()
		return err == nil && strings.TrimRight(u, "/") == api.BaseURL
	}
	acts := &inspect.Actions{NoReplay: inspect.NoReplayUI, Download: in.Downloader(store), Now: in.Clock.Now}
	c := ServeConfig{Addr: o.Addr, AddrFlag: "--addr", AddrSet: o.AddrSet, AllowRemote: o.AllowRemote, Store: store, Actions: acts}
	if o.Open {
		c.Open = o.OpenBrowser
	}
	srv, err := in.Bind(c)
	if err != nil {
		return err
	}
	io.Statusf("Serving the journal %s", j.Path)
	in.Announce(ctx, srv)
	io.Statusf("History only: for live webhooks, replay and test events run: novita listen --ui")
	io.Statusf("(^C to quit)")
	return srv.Serve(ctx)
}
