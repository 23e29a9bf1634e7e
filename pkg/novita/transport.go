package novita

import (
	"errors"
	"net"
	"strings"
	"syscall"
)

// CannotSucceed reports a transport error that the same request would meet again however often it
// is retried: a redirect to a scheme HTTP cannot follow (file://, ftp://) or a redirect loop. Both the
// API client and downloads give up at once on these.
func CannotSucceed(err error) bool {
	if err == nil {
		return false
	}
	// net/http words both as plain errors (no type to test), wrapped in a url.Error or our rewording.
	msg := err.Error()
	return strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after") && strings.Contains(msg, " redirects")
}

// Offline reports that the API's host is not there at all: its name does not resolve, or nothing
// listens on its port. Retrying within a few seconds changes nothing, so a command fails fast and
// says so (the wait engine, which outlives a blip, still rides such errors out on its own schedule).
func Offline(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}
