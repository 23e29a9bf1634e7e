package ngroktest

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"time"
)

// stripHopHeaders removes connection-level headers, which a proxy must not forward.
func stripHopHeaders(h http.Header) {
	for _, k := range []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"} {
		h.Del(k)
	}
}

// servePublic carries one public HTTP request to the agent over a new Proxy stream, like the ngrok
// edge does for an HTTP endpoint, and copies the agent's response back.
func (e *Edge) servePublic(w http.ResponseWriter, r *http.Request) {
	if !e.enter() {
		http.Error(w, "ngroktest: edge closed", http.StatusServiceUnavailable)
		return
	}
	defer e.wg.Done()
	sess, id, proto, ok := e.route(r.Host)
	if !ok {
		http.Error(w, "The endpoint is offline.\n\nERR_NGROK_3200", http.StatusNotFound)
		return
	}
	st, err := sess.openProxy(id, r.RemoteAddr, proto)
	if err != nil {
		http.Error(w, "ngroktest: agent unreachable: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer func() { _ = st.Close() }()
	defer context.AfterFunc(r.Context(), func() { _ = st.Close() })()

	out := r.Clone(r.Context())
	stripHopHeaders(out.Header)
	out.Close = true // one request per Proxy stream
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		out.Header.Set("X-Forwarded-For", host)
	}
	out.Header.Set("X-Forwarded-Proto", proto)
	if err := out.Write(st); err != nil {
		http.Error(w, "ngroktest: forward request: "+err.Error(), http.StatusBadGateway)
		return
	}
	resp, err := http.ReadResponse(bufio.NewReader(st), out)
	if err != nil {
		http.Error(w, "ngroktest: read response: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	stripHopHeaders(w.Header())
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (e *Edge) dialPublic(ctx context.Context, _, _ string) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	return d.DialContext(ctx, "tcp", e.PublicAddr())
}

// HTTPClient sends every request, whatever its URL's host and scheme, to the edge's public side
// as plain HTTP, keeping the original Host header; use it when Options.URL or a reserved domain
// names a host that does not resolve.
func (e *Edge) HTTPClient() *http.Client {
	return &http.Client{Transport: edgeTransport{base: e.transport}, Timeout: 30 * time.Second}
}

type edgeTransport struct{ base *http.Transport }

func (t edgeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if r.Host == "" {
		r.Host = req.URL.Host
	}
	r.URL.Scheme = "http"
	return t.base.RoundTrip(r)
}
