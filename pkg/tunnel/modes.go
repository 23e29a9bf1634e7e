package tunnel

import "github.com/novita-cli/novita/pkg/tunnel/tunnelmode"

// The modes and refusals live in tunnelmode (light, no ngrok); these names keep them here too.
type (
	// Mode is the value of --tunnel.
	Mode = tunnelmode.Mode
	// ModeError is a tunnel mode that is not one of Modes.
	ModeError = tunnelmode.ModeError
	// EdgeUnreachableError is an ngrok tunnel whose service did not answer at all.
	EdgeUnreachableError = tunnelmode.EdgeUnreachableError
	// SessionLimitError is ngrok refusing one more agent session of the account.
	SessionLimitError = tunnelmode.SessionLimitError
	// PublicURLError is a public URL that is not an absolute http(s) URL.
	PublicURLError = tunnelmode.PublicURLError
)

// The tunnel modes (tunnelmode).
const (
	ModeAuto  = tunnelmode.ModeAuto
	ModeNgrok = tunnelmode.ModeNgrok
	ModeLocal = tunnelmode.ModeLocal
	ModeNone  = tunnelmode.ModeNone
)

// The sentinel errors (tunnelmode).
var (
	ErrNoAuthtoken   = tunnelmode.ErrNoAuthtoken
	ErrPublicURLMode = tunnelmode.ErrPublicURLMode
)

// Modes lists the tunnel modes (tunnelmode.Modes).
func Modes() []string { return tunnelmode.Modes() }

// ParseMode parses a --tunnel value (tunnelmode.ParseMode).
func ParseMode(s string) (Mode, error) { return tunnelmode.ParseMode(s) }

// ResolveMode turns the requested mode into the one to open (tunnelmode.ResolveMode).
func ResolveMode(requested Mode, apiBaseURL, publicURL string, haveNgrokToken bool) (Mode, string, error) {
	return tunnelmode.ResolveMode(requested, apiBaseURL, publicURL, haveNgrokToken)
}
