package cmdutil

import (
	"errors"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/tunnel"
)

// A missing ngrok authtoken reads the same whoever found it (the receiver settings or the tunnel
// itself): one message, one hint saying how to give one.
func TestTunnelErrorWordsAMissingAuthtokenOnce(t *testing.T) {
	_, _, fromHooks := hooks.Resolve(hooks.Settings{Tunnel: "ngrok"}, hooks.Env{})
	for name, err := range map[string]error{"hooks": fromHooks, "tunnel": tunnel.ErrNoAuthtoken} {
		got := TunnelError(err)
		if got.Error() != "--tunnel ngrok needs an authtoken" || clierr.HintOf(got) != ngrokTokenHint || clierr.KindOf(got) != clierr.KindAuth {
			t.Errorf("%s: %q (hint %q, kind %v)", name, got, clierr.HintOf(got), clierr.KindOf(got))
		}
	}
	if other := errors.New("boom"); TunnelError(other) != other {
		t.Error("another error was reworded")
	}
}
