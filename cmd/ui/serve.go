package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/novita-cli/novita/cmd/factory"
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

// Bind validates the address and binds it, before anything is printed. A busy default port (another
// inspector is running) moves to a free port with a note; a port given with the flag does not.
func Bind(f *factory.Factory, c ServeConfig) (*ui.Server, error) {
	io := f.IOStreams
	opts := ui.Options{Addr: c.Addr, AddrFlag: c.AddrFlag, AllowRemote: c.AllowRemote, Logger: f.Logger(), Now: f.Clock.Now,
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
func Announce(ctx context.Context, f *factory.Factory, srv *ui.Server) {
	fmt.Fprintf(f.IOStreams.ErrOut, "Inspector: %s\n", srv.URL())
	if ready := f.Test.UIReady; ready != nil {
		select {
		case ready <- srv.URL():
		case <-ctx.Done():
		}
	}
}
