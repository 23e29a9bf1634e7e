package words

import (
	"fmt"

	"github.com/novita-cli/novita/pkg/tunnel/tunnelmode"
)

// wordTunnel words the tunnels' refusals with the --tunnel modes that need no ngrok service.
func wordTunnel(err error) (string, bool) {
	if e, ok := as[*tunnelmode.EdgeUnreachableError](err); ok {
		return "could not open ngrok tunnel: cannot reach the ngrok service: " + e.Reason +
			" (offline, or a firewall blocks it? --tunnel local or none works without it)", true
	}
	if e, ok := as[*tunnelmode.SessionLimitError](err); ok {
		return fmt.Sprintf("ngrok refused a new agent session (%s: %s): the account's limit of simultaneous "+
			"agent sessions is reached; stop the other ngrok agent or use --tunnel local or none", e.Code, e.Detail), true
	}
	if e, ok := as[*tunnelmode.PublicURLError](err); ok {
		return fmt.Sprintf("invalid --public-url %q: want an absolute http(s) URL", e.URL), true
	}
	return "", false
}
