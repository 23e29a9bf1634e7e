// Package tunnelmode is what a webhook tunnel is, without opening one: the --tunnel modes, how auto
// picks one, and the typed refusals a tunnel answers with. It is apart from package tunnel (which
// re-exports it) so that what only names a mode or words a refusal (the config's key table, the
// commands' error words) does not link the ngrok agent.
package tunnelmode

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// Mode is the value of --tunnel.
type Mode string

// The tunnel modes (README "Tunnels and the receiver").
const (
	ModeAuto  Mode = "auto"
	ModeNgrok Mode = "ngrok"
	ModeLocal Mode = "local"
	ModeNone  Mode = "none"
)

// ErrNoAuthtoken is an ngrok tunnel asked for (explicitly, or by the config) with no authtoken known.
// The command line says how to give one.
var ErrNoAuthtoken = clierr.New(clierr.KindAuth, errors.New("the ngrok tunnel needs an authtoken"))

// Modes lists the tunnel modes, as --tunnel, the config key tunnel and completion offer them.
func Modes() []string {
	return []string{string(ModeAuto), string(ModeNgrok), string(ModeLocal), string(ModeNone)}
}

// ParseMode parses a --tunnel value; the empty string means auto.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeAuto, nil
	case ModeAuto, ModeNgrok, ModeLocal, ModeNone:
		return m, nil
	}
	return "", &ModeError{Value: s}
}

// ModeError is a tunnel mode that is not one of Modes (a usage error); where the value came from (a
// flag, the environment, the config) is the caller's to say.
type ModeError struct{ Value string }

func (e *ModeError) Error() string {
	return fmt.Sprintf("invalid tunnel mode %q: valid values are %s", e.Value, strings.Join(Modes(), ", "))
}

// ExitKind is usage: the value was given wrong.
func (e *ModeError) ExitKind() clierr.Kind { return clierr.KindUsage }

// ErrPublicURLMode is a public URL given with a mode that would ignore it (ngrok, none).
var ErrPublicURLMode = errors.New("a public URL works only with the tunnel modes local and auto")

// ResolveMode turns the requested mode into the one to open. For auto: a loopback API base URL
// means local (the API can reach us directly), a public URL means local, an ngrok authtoken means
// ngrok, and otherwise none with a hint for the caller to print. A public URL with an explicit
// mode other than local is a usage error, since it would be silently ignored.
func ResolveMode(requested Mode, apiBaseURL, publicURL string, haveNgrokToken bool) (mode Mode, hint string, err error) {
	if requested == "" {
		requested = ModeAuto
	}
	if _, err := ParseMode(string(requested)); err != nil {
		return "", "", err
	}
	if publicURL != "" && requested != ModeAuto && requested != ModeLocal {
		return "", "", clierr.New(clierr.KindUsage, fmt.Errorf("%w, not %s", ErrPublicURLMode, requested))
	}
	if requested != ModeAuto {
		return requested, "", nil
	}
	switch {
	case isLoopbackURL(apiBaseURL):
		return ModeLocal, "", nil
	case publicURL != "":
		return ModeLocal, "", nil
	case haveNgrokToken:
		return ModeNgrok, "", nil
	}
	return ModeNone, "no way for the API to reach a receiver here", nil
}

// isLoopbackURL reports whether raw names this machine (localhost or a loopback IP).
func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
