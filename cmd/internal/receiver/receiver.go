// Package receiver is the webhook receiver of the commands that open one (submit --wait, listen,
// test-event, mcp) and doctor's tunnel check: the receiver flags and their settings, and opening the
// receiver behind its tunnel. It is apart from cmdutil, which every command imports, so that only
// these commands link the tunnel (the ngrok agent) and the receiver (pkg/hooks).
package receiver

import (
	"context"
	"errors"
	"fmt"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/words"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/tunnel/tunnelmode"
	"github.com/novita-cli/novita/pkg/webhook"
)

// ngrokTokenHint says how to give ngrok an authtoken.
const ngrokTokenHint = "set NGROK_AUTHTOKEN or run: novita config set ngrok_authtoken"

// NoTunnelHint is said when auto finds no way for Novita to reach this machine.
const NoTunnelHint = "no webhook tunnel: waiting by polling; to receive webhooks " + ngrokTokenHint + ", or pass --public-url"

// TunnelError words a tunnel failure for the user: a missing or rejected authtoken says how to set one.
func TunnelError(err error) error {
	if errors.Is(err, tunnelmode.ErrNoAuthtoken) {
		return clierr.WithHint(clierr.KindAuth, errors.New("--tunnel ngrok needs an authtoken"), ngrokTokenHint)
	}
	if clierr.KindOf(err) == clierr.KindAuth && clierr.HintOf(err) == "" {
		return clierr.WithHint(clierr.KindAuth, err, ngrokTokenHint)
	}
	return err
}

// OpenWaitReceiver opens the receiver of submit --wait (one task or a batch). A tunnel that cannot open
// is only a warning, since polling carries on; nil means there is no receiver.
func OpenWaitReceiver(ctx context.Context, tf *TunnelFlags, api *factory.API) (*hooks.Router, error) {
	io := tf.Env.IO
	srv, noTunnel, err := openReceiver(ctx, tf, api, webhook.Options{})
	if err != nil {
		switch err = TunnelError(err); clierr.KindOf(err) {
		case clierr.KindUsage, clierr.KindAuth, clierr.KindInterrupted:
			return nil, err // a mistake to fix or a Ctrl-C, not a reason to fall back
		}
		io.Warnf("webhook tunnel not available: %s; waiting by polling instead", words.Message(err))
		return nil, nil
	}
	if srv == nil {
		if noTunnel {
			io.Statusf("%s", NoTunnelHint)
		}
		return nil, nil
	}
	io.Statusf("webhook receiver ready at %s/... (%s tunnel; the path is secret)", srv.Tunnel.URL(), srv.Tunnel.Mode())
	return hooks.NewRouter(srv), nil
}

// openReceiver resolves the receiver flags and opens the receiver behind its tunnel (nil, true, nil
// when auto finds no way for the API to reach it).
func openReceiver(ctx context.Context, tf *TunnelFlags, api *factory.API, opts webhook.Options) (*hooks.Server, bool, error) {
	s, env, err := tf.Resolve()
	if err != nil {
		return nil, false, err
	}
	env.APIBaseURL = api.BaseURL
	return hooks.Open(ctx, s, env, opts)
}

// OpenReceiver opens the receiver a command cannot work without (listen, test-event): a tunnel that
// fails is an error for cmdName, and no tunnel at all is the usage error none.
func OpenReceiver(ctx context.Context, tf *TunnelFlags, api *factory.API, opts webhook.Options,
	cmdName string, none error) (*hooks.Server, error) {
	srv, _, err := openReceiver(ctx, tf, api, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmdName, TunnelError(err))
	}
	if srv == nil {
		return nil, none
	}
	return srv, nil
}
