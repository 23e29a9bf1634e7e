package listen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/webhook"
)

// maxForwardResponse bounds what we read back from the target; Novita ignores the body anyway.
const maxForwardResponse = 4 << 20

// hopByHop lists per-connection headers a proxy must not relay (RFC 9110 section 7.6.1).
func hopByHop() map[string]bool {
	return map[string]bool{"Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
		"Proxy-Authenticate": true, "Proxy-Authorization": true, "Te": true, "Trailer": true,
		"Transfer-Encoding": true, "Upgrade": true}
}

// copyEndToEnd copies src into dst without hop-by-hop headers (and those Connection names).
func copyEndToEnd(dst, src http.Header) {
	skip := hopByHop()
	for _, v := range src.Values("Connection") {
		for _, f := range strings.Split(v, ",") {
			skip[textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(f))] = true
		}
	}
	for k, vs := range src {
		if skip[textproto.CanonicalMIMEHeaderKey(k)] {
			continue
		}
		dst[k] = append([]string(nil), vs...)
	}
}

// forwarder relays webhook requests to the developer's application.
type forwarder struct {
	target  string
	headers http.Header
	timeout time.Duration
	client  *http.Client
}

func newForwarder(cfg Config) *forwarder {
	c := cfg.HTTPClient
	if c == nil {
		// Novita does not follow redirects to a webhook: show the 3xx instead of following it.
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &forwarder{target: cfg.ForwardTo, headers: cfg.Headers, timeout: cfg.ForwardTimeout, client: c}
}

// forward relays one request to the target: the target's answer is what the sender sees, and an
// unreachable target is a 502 so that Novita retries as it would against a dead app. Replays from
// the inspector take the same path, so they reach the app exactly as a delivery does.
func (f *forwarder) forward(ctx context.Context, method string, header http.Header, body []byte) webhook.Response {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, f.target, bytes.NewReader(body))
	if err != nil {
		return badGateway(fmt.Errorf("forward to %s: %w", f.target, err))
	}
	copyEndToEnd(req.Header, header)
	for k, vs := range f.headers {
		req.Header[textproto.CanonicalMIMEHeaderKey(k)] = append([]string(nil), vs...)
	}
	if _, ok := req.Header["User-Agent"]; !ok {
		req.Header["User-Agent"] = []string{""} // relay "no User-Agent" rather than Go's default
	}
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %v", f.timeout)
		}
		return badGateway(fmt.Errorf("forward to %s: %w", f.target, err))
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, maxForwardResponse))
	if err != nil {
		return badGateway(fmt.Errorf("forward to %s: reading answer: %w", f.target, err))
	}
	h := http.Header{}
	copyEndToEnd(h, resp.Header)
	h.Del("Content-Length")
	return webhook.Response{Status: resp.StatusCode, Header: h, Body: rb}
}

func badGateway(err error) webhook.Response {
	return webhook.Response{
		Status: http.StatusBadGateway,
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body:   []byte("novita listen: " + err.Error() + "\n"),
		Err:    err,
	}
}

// probe checks that the target answers at all; any HTTP status counts as reachable.
func (f *forwarder) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, min(f.timeout, 2*time.Second))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, f.target, nil)
	if err != nil {
		return err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}
