package listen

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// refuseSelfForward refuses a --forward-to that names this listen's own receiver (its public URL's
// host and port, or its local listener's port on a loopback name): every delivery would be relayed
// back to itself, nesting without end.
func refuseSelfForward(target string, srv *hooks.Server) error {
	if target == "" || srv == nil {
		return nil
	}
	t, err := url.Parse(target)
	if err != nil {
		return nil // CheckForwardTarget words it
	}
	tHost, tPort := hostPort(t)
	self := false
	if pub, err := url.Parse(srv.URL); err == nil {
		pHost, pPort := hostPort(pub)
		self = strings.EqualFold(tHost, pHost) && tPort == pPort
	}
	if !self && srv.Tunnel != nil && srv.Tunnel.Listener() != nil {
		if ta, ok := srv.Tunnel.Listener().Addr().(*net.TCPAddr); ok && loopbackName(tHost) &&
			tPort == strconv.Itoa(ta.Port) && (ta.IP.IsLoopback() || ta.IP.IsUnspecified()) {
			self = true
		}
	}
	if !self {
		return nil
	}
	return clierr.Usagef("--forward-to %s is this listen's own receiver: each event would be relayed back to it without end; "+
		"give your app's URL (e.g. http://localhost:3000/hooks/novita)", iostreams.RedactURL(target))
}

func hostPort(u *url.URL) (string, string) {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return strings.TrimSuffix(u.Hostname(), "."), port
}

func loopbackName(h string) bool {
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}
