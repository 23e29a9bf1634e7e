package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/runner"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/ui"
)

// ServeConfig is how `novita ui` and `novita listen --ui` serve the inspector.
type ServeConfig struct {
	Addr        string
	AddrFlag    string // the flag that sets Addr (--addr, --ui-addr), for messages
	AddrSet     bool   // given on the command line: a busy port is then an error, not a reason to move
	AllowRemote bool
	// Open, when set, launches a browser on the URL once the server serves (--open).
	Open    func(url string) error
	Events  ui.EventSource
	Store   ui.Store
	Actions ui.Actions
}

// Inspector is what serving the inspector uses of the command line, for `novita ui` and
// `novita listen --ui`: their options hold one (NewInspector) rather than the factory.
type Inspector struct {
	IO        *iostreams.IOStreams
	API       func() (*factory.API, error) // resolved on first use, so the inspector starts without a key
	NewRunner runner.Func                  // "Download again" saves through the lifecycle
	Clock     clock.Clock
	Logger    func() *slog.Logger // read when used: --debug is known only once the flags are parsed
	// Ready, when set, receives the inspector's URL with its token once it serves (a test hook:
	// factory.Hooks.UIReady).
	Ready chan<- string
}

// NewInspector takes the inspector's needs from the factory.
func NewInspector(f *factory.Factory) *Inspector {
	return &Inspector{IO: f.IOStreams, API: f.API, NewRunner: runner.For(f), Clock: f.Clock, Logger: f.Logger, Ready: f.Test.UIReady}
}

// Bind validates the address and binds it, before anything is printed. A busy default port (another
// inspector is running) moves to a free port with a note; a port given with the flag does not.
func (in *Inspector) Bind(c ServeConfig) (*ui.Server, error) {
	io := in.IO
	opts := ui.Options{Addr: c.Addr, AddrFlag: c.AddrFlag, AllowRemote: c.AllowRemote, Logger: in.Logger(), Now: in.Clock.Now,
		Events: c.Events, Store: c.Store, Actions: c.Actions}
	if c.Open != nil {
		opts.OpenBrowser = func(url string) error {
			if err := c.Open(url); err != nil {
				io.Warnf("could not open a browser (%v); open the URL above yourself", err)
			}
			return nil
		}
	}
	srv, err := ui.New(opts)
	if err != nil && !c.AddrSet && errors.Is(err, syscall.EADDRINUSE) {
		host, port, _ := net.SplitHostPort(opts.Addr)
		opts.Addr = net.JoinHostPort(host, "0")
		if srv, err = ui.New(opts); err == nil {
			io.Statusf("port %s is busy (another novita ui?): the inspector uses port %s instead", port, portOf(srv.Addr()))
		}
	}
	if err != nil {
		return nil, err
	}
	if !ui.IsLoopbackAddr(srv.Addr()) {
		io.Warnf("the inspector listens on %s, beyond this machine: anyone who has its URL sees your webhooks, "+
			"requests and files, and the token travels in plain HTTP; prefer the default 127.0.0.1 with an SSH tunnel", srv.Addr())
	}
	return srv, nil
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// Announce prints the URL, token included, on stderr: even with -q, since it is the only way in, and
// never on stdout, which carries data (and may be logged or piped) and where the token must not go.
func (in *Inspector) Announce(ctx context.Context, srv *ui.Server) {
	fmt.Fprintf(in.IO.ErrOut, "Inspector: %s\n", srv.URL())
	if ready := in.Ready; ready != nil {
		select {
		case ready <- srv.URL():
		case <-ctx.Done():
		}
	}
}
