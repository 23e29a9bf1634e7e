package tunnelmode

import (
	"fmt"

	"github.com/novita-cli/novita/pkg/clierr"
)

// EdgeUnreachableError is an ngrok tunnel that could not open because the ngrok service did not
// answer at all (offline, a firewall): the other tunnel modes need no service.
type EdgeUnreachableError struct{ Reason string }

func (e *EdgeUnreachableError) Error() string {
	return "could not open ngrok tunnel: cannot reach the ngrok service: " + e.Reason + " (offline, or a firewall blocks it?)"
}

// SessionLimitError is ngrok refusing one more agent session of the account (ERR_NGROK_108).
type SessionLimitError struct{ Code, Detail string }

func (e *SessionLimitError) Error() string {
	return fmt.Sprintf("ngrok refused a new agent session (%s: %s): the account's limit of simultaneous "+
		"agent sessions is reached; stop the other ngrok agent", e.Code, e.Detail)
}

// PublicURLError is a public URL that is not an absolute http(s) URL.
type PublicURLError struct{ URL string }

func (e *PublicURLError) Error() string {
	return fmt.Sprintf("invalid public URL %q: want an absolute http(s) URL", e.URL)
}

// ExitKind is usage: the URL was given wrong.
func (e *PublicURLError) ExitKind() clierr.Kind { return clierr.KindUsage }
