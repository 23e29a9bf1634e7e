package tunnel

import (
	"errors"
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
	return "", clierr.Usagef("invalid --tunnel %q: valid values are %s", s, strings.Join(Modes(), ", "))
}

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
		return "", "", clierr.Usagef("--public-url works only with --tunnel local or auto, not --tunnel %s", requested)
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
