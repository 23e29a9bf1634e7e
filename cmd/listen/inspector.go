package listen

import (
	"context"
	"fmt"
	"strings"

	cmdui "github.com/novita-cli/novita/cmd/ui"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/inspect"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/ui"
)

// inspector is the web inspector of `listen --ui`: its own loopback server beside the receiver
// (never on the tunnel's listener), fed by a Recorder that keeps each shown delivery in the journal
// and publishes it live under the same id.
type inspector struct {
	io       *iostreams.IOStreams
	host     *cmdui.Inspector
	srv      *ui.Server
	journal  *journal.Journal
	recorder *inspect.Recorder
	actions  *inspect.Actions
	cancel   context.CancelFunc
	done     chan error
}

// openInspector binds the inspector's address; it serves once start is called.
func openInspector(o *Options) (*inspector, error) {
	io, host := o.IO, o.Inspector
	j := o.Journal()
	hub := ui.NewHub(0, 0)
	rec := &inspect.Recorder{Journal: j, Hub: hub, Target: iostreams.RedactURL(o.ForwardTo), OnError: func(err error) {
		io.Warnf("events are shown in the inspector but not kept in the journal %s: %v", j.Path, err)
	}}
	store := &inspect.Store{Journal: j, Now: host.Clock.Now}
	store.ServerKnown = func(u string) bool { // Download again reads the result from the API in use now
		api, err := host.API()
		return err == nil && strings.TrimRight(u, "/") == api.BaseURL
	}
	acts := &inspect.Actions{NoReplay: inspect.NoReplayListen, Recorder: rec, Download: host.Downloader(store), Now: host.Clock.Now}
	c := cmdui.ServeConfig{Addr: o.UIAddr, AddrFlag: "--ui-addr", AddrSet: o.UIAddrSet, Events: hub, Store: store, Actions: acts}
	if o.Open {
		c.Open = cmdui.OpenBrowser
	}
	srv, err := host.Bind(c)
	if err != nil {
		_ = j.Close()
		return nil, err
	}
	return &inspector{io: io, host: host, srv: srv, journal: j, recorder: rec, actions: acts, done: make(chan error, 1)}, nil
}

// start connects the buttons to the running session (replays through the engine's forwarder, test
// events through the receiver's handler), prints the URL and serves until close.
func (in *inspector) start(ctx context.Context, eng *listen.Engine, srv *hooks.Server) {
	io := in.io
	if eng.ForwardTarget() != "" {
		in.actions.Replayer = eng
	}
	in.actions.Receiver, in.actions.HookPath = srv.Receiver.Handler(), srv.Receiver.Path()
	in.actions.OnReplay = func(ev ui.Event) {
		fw := ev.Forward
		line := fmt.Sprintf("replayed event %s to %s: ", iostreams.Safe(ev.ReplayOf), fw.Target)
		if fw.Err != "" {
			io.Warnf("%sno answer: %s", line, iostreams.Safe(fw.Err))
			return
		}
		io.Statusf("%s<-- [%d] (%d ms)", line, fw.Status, fw.Latency.Milliseconds())
	}
	in.host.Announce(ctx, in.srv)
	sctx, cancel := context.WithCancel(ctx)
	in.cancel = cancel
	go func() { in.done <- in.srv.Serve(sctx) }()
}

// close stops serving (open event streams end), then releases the journal.
func (in *inspector) close() {
	if in.cancel != nil {
		in.cancel()
		if err := <-in.done; err != nil {
			in.io.Warnf("inspector: %v", err)
		}
	} else {
		_ = in.srv.Close()
	}
	_ = in.journal.Close()
}
