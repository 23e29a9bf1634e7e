package tunnel

import (
	"errors"
	"net"
	"syscall"
)

// unreachable reports a dial error that waiting will not cure while the tunnel is still opening: the
// edge's name does not resolve (offline, or a wrong NgrokConnectURL) or nothing answers at its address
// (connection refused, no route). A timeout is not one: a slow network may still answer.
func unreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsTimeout
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.Is(err, syscall.EHOSTUNREACH)
}

// giveUpOpening is the dialer's verdict on an unreachable edge: before the tunnel ever opened, Open
// fails at once with the reason instead of retrying until the connect timeout; once it has been open,
// the dialer keeps retrying (a laptop's network comes back).
func (t *ngrokTunnel) giveUpOpening(err error) bool {
	t.mu.Lock()
	opened := t.opened || t.everUp
	t.mu.Unlock()
	if opened {
		return false
	}
	t.abort(&EdgeUnreachableError{Reason: t.red.String(err.Error())})
	return true
}
