package receiver

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/tunnel/tunnelmode"
)

// A missing ngrok authtoken reads the same whoever found it (the receiver settings or the tunnel
// itself): one message, one hint saying how to give one.
func TestTunnelErrorWordsAMissingAuthtokenOnce(t *testing.T) {
	_, _, fromHooks := hooks.Resolve(hooks.Settings{Tunnel: "ngrok"}, hooks.Env{})
	for name, err := range map[string]error{"hooks": fromHooks, "tunnel": tunnelmode.ErrNoAuthtoken} {
		got := TunnelError(err)
		if got.Error() != "--tunnel ngrok needs an authtoken" || clierr.HintOf(got) != ngrokTokenHint || clierr.KindOf(got) != clierr.KindAuth {
			t.Errorf("%s: %q (hint %q, kind %v)", name, got, clierr.HintOf(got), clierr.KindOf(got))
		}
	}
	if other := errors.New("boom"); TunnelError(other) != other {
		t.Error("another error was reworded")
	}
}

// The receiver flags resolve through the TunnelEnv they were given (no factory): a flag given wins
// and says so to the resolver, the authtoken is registered as a secret, and the test hooks reach the
// tunnel's environment.
func TestTunnelFlagsResolveThroughTheirEnv(t *testing.T) {
	var secrets []string
	set := map[string]bool{}
	env := TunnelEnv{
		Resolve: func(key, flagValue string, flagSet bool) (string, error) {
			set[key] = flagSet
			if !flagSet && key == "ngrok_url" {
				return "https://from-config.ngrok.app", nil
			}
			return flagValue, nil
		},
		CheckSecret:    func(string, string, bool) error { return nil },
		AddSecret:      func(s string) { secrets = append(secrets, s) },
		Logger:         func() *slog.Logger { return slog.New(slog.DiscardHandler) },
		ConnectTimeout: 3 * time.Second, NgrokConnectURL: "127.0.0.1:1", NgrokHeartbeatInterval: 100 * time.Millisecond,
	}
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	tf := AddTunnelFlags(cmd, env)
	if err := cmd.ParseFlags([]string{"--tunnel", "local", "--ngrok-authtoken", "tok_1234"}); err != nil {
		t.Fatal(err)
	}
	s, e, err := tf.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if s.Tunnel != "local" || s.NgrokURL != "https://from-config.ngrok.app" || !set["tunnel"] || set["ngrok_url"] {
		t.Errorf("settings %+v, flags seen as given %v", s, set)
	}
	if len(secrets) != 1 || secrets[0] != "tok_1234" || e.NgrokAuthtoken != "tok_1234" {
		t.Errorf("secrets %q, env token %q", secrets, e.NgrokAuthtoken)
	}
	if e.ConnectTimeout != 3*time.Second || e.NgrokConnectURL != "127.0.0.1:1" || e.NgrokHeartbeatInterval != 100*time.Millisecond || e.Logger == nil {
		t.Errorf("env %+v", e)
	}
}
